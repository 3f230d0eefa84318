"""Notifications: sent once per dedupe key, shown in the reader's language, only to them."""

from __future__ import annotations

import sqlalchemy as sa

from lms.extensions import db
from lms.notifications import services as notifications
from lms.notifications.models import Notification

HELLO = notifications.N_("Refresher overdue: %(title)s was due on %(due)s.")


def _send(user, key: str | None = None, title: str = "复训") -> Notification | None:
    return notifications.notify(
        user.id,
        "refresher.overdue",
        HELLO,
        {"title": title, "due": "2026-12-31"},
        notifications.Link("refreshers.mine"),
        dedupe_key=key,
    )


def test_a_dedupe_key_sends_once(create_user) -> None:
    agent = create_user()
    assert _send(agent, "refresher-assignment:1:overdue") is not None
    assert _send(agent, "refresher-assignment:1:overdue") is None
    assert _send(agent) is not None and _send(agent) is not None  # no key: every time
    assert notifications.unread_count(agent.id) == 3


def test_unread_first_then_newest_and_marking_read(create_user) -> None:
    agent, other = create_user(), create_user()
    first, second, third = (_send(agent, title=t) for t in ("一", "二", "三"))
    assert notifications.mark_read(other.id, first.id) is None  # not theirs
    assert first.read_at is None
    assert notifications.mark_read(agent.id, third.id) is third
    assert [n.id for n in notifications.list_for(agent.id)] == [second.id, first.id, third.id]
    assert notifications.mark_all_read(agent.id) == 2
    assert notifications.unread_count(agent.id) == 0
    assert notifications.list_for(other.id) == []


def test_the_page_shows_only_the_readers_own_in_their_language(
    client, signed_in, create_user
) -> None:
    other = create_user()
    _send(other, title="别人的复训")
    reader = signed_in("agent")
    mine = _send(reader, title="我的复训")
    db.session.commit()
    client.post("/language", data={"locale": "en"})
    page = client.get("/notifications").get_data(as_text=True)
    assert "Refresher overdue: 我的复训 was due on 2026-12-31." in page
    assert "别人的复训" not in page
    assert client.get("/notifications/unread-count").get_json() == {"unread": 1}

    opened = client.post(f"/notifications/{mine.id}/open")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/refreshers")
    assert client.get("/notifications/unread-count").get_json() == {"unread": 0}


def test_nobody_opens_another_persons_notification(client, signed_in, create_user) -> None:
    other = create_user()
    theirs = _send(other)
    signed_in("agent")
    db.session.commit()
    assert client.post(f"/notifications/{theirs.id}/open").status_code == 404
    assert (
        db.session.scalar(sa.select(Notification.read_at).where(Notification.id == theirs.id))
        is None
    )


def test_mark_all_read_through_the_page(client, signed_in) -> None:
    reader = signed_in("agent")
    _send(reader)
    _send(reader)
    db.session.commit()
    assert client.post("/notifications/read-all").status_code == 302
    assert notifications.unread_count(reader.id) == 0
    assert client.get("/notifications/unread-count").get_json() == {"unread": 0}
