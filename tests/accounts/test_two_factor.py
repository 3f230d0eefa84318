"""Two-factor sign-in (TOTP, recovery codes) and the rate limits of sign-in and the public
certificate check."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.accounts import two_factor
from lms.accounts.models import RecoveryCode, User
from lms.database import utcnow
from lms.extensions import db
from lms.ratelimit import Limit, over_limit
from tests.fixtures.factories import PASSWORD

RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"  # "12345678901234567890", RFC 6238's key


@pytest.fixture
def required_for_admins(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped default: admins must, HR may (the suite turns it off elsewhere)."""
    monkeypatch.setitem(app.config, "LMS_TWO_FACTOR_REQUIRED", ("admin",))


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD):
    return client.post("/login", data={"employee_no": user.employee_no, "password": password})


def current_code(user: User, offset: int = 0) -> str:
    return two_factor.code_at(user.totp_secret, two_factor.step_of(utcnow()) + offset)


def enrol(client: FlaskClient, user: User) -> list[str]:
    """Go through enrolment from the page and return the recovery codes shown."""
    page = client.get("/account/two-factor/enrol").get_data(as_text=True)
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
    db.session.refresh(user)
    assert user.totp_secret == secret and user.totp_enabled_at is None
    done = client.post("/account/two-factor/enrol", data={"code": current_code(user)})
    assert done.status_code == 302 and done.location.endswith("/account/two-factor/recovery-codes")
    shown = client.get(done.location).get_data(as_text=True)
    return re.findall(r"<li>([2-9A-Z]{5}-[2-9A-Z]{5})</li>", shown)


# --- the algorithm ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "code"),
    [(59, "287082"), (1111111109, "081804"), (1234567890, "005924"), (2000000000, "279037")],
)
def test_codes_are_rfc_6238s(seconds: int, code: str) -> None:
    assert two_factor.code_at(RFC_SECRET, seconds // 30) == code


def test_a_code_counts_one_step_either_side_and_no_further() -> None:
    now = datetime(2026, 12, 4, 9, 0, 15, tzinfo=UTC)
    here = two_factor.step_of(now)
    for offset, expected in ((-2, None), (-1, here - 1), (0, here), (1, here + 1), (2, None)):
        code = two_factor.code_at(RFC_SECRET, here + offset)
        assert two_factor.matching_step(RFC_SECRET, code, now) == expected
    assert two_factor.matching_step(RFC_SECRET, "12 34 5x", now) is None
    assert two_factor.matching_step(RFC_SECRET, "", now) is None


# --- enrolment and signing in -----------------------------------------------------------------


def test_an_admin_must_set_it_up_at_first_sign_in(client, create_user, required_for_admins) -> None:
    admin = create_user(roles=("admin",))
    db.session.commit()

    first = sign_in(client, admin)
    assert first.location.endswith("/account/two-factor/enrol")
    assert client.get("/").status_code == 302  # not signed in until the second factor
    page = client.get(first.location)
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    again = client.get(first.location).get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.totp_secret in again  # a reload shows the same secret, not a new one

    wrong = client.post(first.location, data={"code": "000000"}, headers={"Accept-Language": "en"})
    assert wrong.status_code == 200 and 'data-field-error="code"' in wrong.get_data(as_text=True)

    codes = enrol(client, admin)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200  # signed in now
    assert client.get("/account/two-factor/recovery-codes").status_code == 302  # shown once
    stored = db.session.query(RecoveryCode).filter_by(user_id=admin.id).all()
    assert len(stored) == 10 and not any(
        code.replace("-", "") in s.code_hash for s in stored for code in codes
    )


def test_signing_in_asks_for_a_code_that_works_once(
    client, create_user, required_for_admins
) -> None:
    admin = create_user(roles=("admin",))
    db.session.commit()
    sign_in(client, admin)
    enrol(client, admin)
    client.post("/logout")
    client.delete_cookie("session")

    step = sign_in(client, admin)
    assert step.location.endswith("/login/code")
    used = current_code(
        admin, offset=1
    )  # the next step's code: replay of the enrolment one is moot
    assert client.post("/login/code", data={"code": used}).location.endswith("/")
    assert client.get("/").status_code == 200

    client.delete_cookie("session")
    sign_in(client, admin)
    replay = client.post("/login/code", data={"code": used}, headers={"Accept-Language": "en"})
    assert replay.status_code == 200 and "used already" in replay.get_data(as_text=True)


def test_a_recovery_code_signs_in_once(client, create_user, required_for_admins) -> None:
    admin = create_user(roles=("admin",))
    db.session.commit()
    sign_in(client, admin)
    codes = enrol(client, admin)
    client.delete_cookie("session")

    sign_in(client, admin)
    assert client.post("/login/code", data={"code": codes[3].lower()}).status_code == 302
    assert two_factor.recovery_codes_left(admin) == 9
    client.delete_cookie("session")
    sign_in(client, admin)
    assert client.post("/login/code", data={"code": codes[3]}).status_code == 200
    assert client.get("/").status_code == 302


def test_wrong_codes_lock_the_second_step(client, create_user, required_for_admins) -> None:
    admin = create_user(roles=("admin",))
    db.session.commit()
    sign_in(client, admin)
    enrol(client, admin)
    client.delete_cookie("session")
    sign_in(client, admin)
    for _attempt in range(4):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 200
    locked = client.post("/login/code", data={"code": "000000"})
    assert locked.location.endswith("/login")
    # Locked: even the right code is refused, and the first step must be passed again.
    sign_in(client, admin)
    assert client.post("/login/code", data={"code": current_code(admin)}).location.endswith(
        "/login"
    )


def test_the_password_step_expires(client, create_user, required_for_admins) -> None:
    admin = create_user(roles=("admin",))
    admin.totp_secret, admin.totp_enabled_at = two_factor.new_secret(), utcnow()
    db.session.commit()
    sign_in(client, admin)
    with client.session_transaction() as session:
        pending = dict(session["_second_factor"])
        session["_second_factor"] = {**pending, "at": pending["at"] - 301}
    assert client.post("/login/code", data={"code": current_code(admin)}).location.endswith(
        "/login"
    )


def test_hr_may_turn_it_on_and_off(client, create_user, required_for_admins) -> None:
    hr = create_user(roles=("hr",))
    db.session.commit()
    assert sign_in(client, hr).location.endswith("/")  # optional: straight in
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert 'data-enabled="no"' in page
    enrol(client, hr)
    assert 'data-enabled="yes"' in client.get("/account/two-factor").get_data(as_text=True)

    refused = client.post("/account/two-factor", data={"code": "000000", "action": "off"})
    assert refused.status_code == 200 and two_factor.is_enabled(hr)
    off = client.post("/account/two-factor", data={"code": current_code(hr, 1), "action": "off"})
    assert off.status_code == 302
    db.session.refresh(hr)
    assert not two_factor.is_enabled(hr) and two_factor.recovery_codes_left(hr) == 0


def test_agents_have_no_two_factor_page(client, signed_in) -> None:
    signed_in("agent")
    assert client.get("/account/two-factor").status_code == 404
    assert client.get("/account/two-factor/enrol").status_code == 403


def test_an_admin_resets_it_for_someone_who_lost_their_phone(
    client, create_user, required_for_admins
) -> None:
    hr = create_user(roles=("hr",))
    hr.totp_secret, hr.totp_enabled_at = two_factor.new_secret(), utcnow()
    two_factor.new_recovery_codes(hr)
    admin = create_user(roles=("admin",))
    admin.totp_secret, admin.totp_enabled_at = two_factor.new_secret(), utcnow()
    db.session.commit()
    version = hr.session_version
    sign_in(client, admin)
    client.post("/login/code", data={"code": current_code(admin)})

    assert client.post(f"/admin/users/{hr.id}/two-factor/reset").status_code == 302
    db.session.refresh(hr)
    assert hr.totp_secret is None and two_factor.recovery_codes_left(hr) == 0
    assert hr.session_version == version + 1


def test_a_signed_in_admin_without_it_is_sent_to_set_it_up(
    client, signed_in, required_for_admins
) -> None:
    signed_in("admin")  # a session from before the rule
    assert client.get("/admin/users").location.endswith("/account/two-factor/enrol")
    assert client.get("/account/two-factor/enrol").status_code == 200


# --- rate limits ------------------------------------------------------------------------------


@pytest.fixture
def limits_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "LMS_RATE_LIMITS", True)
    monkeypatch.setitem(app.config, "LMS_RATE_VERIFY", "3/60")
    monkeypatch.setitem(app.config, "LMS_RATE_LOGIN", "4/60")


def test_the_public_certificate_check_is_rate_limited(client, db_session, limits_on) -> None:
    for _request in range(3):
        assert client.get("/verify/NO-SUCH-SERIAL").status_code == 404
    refused = client.get("/verify/NO-SUCH-SERIAL", headers={"Accept-Language": "en"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    assert "Too many requests" in refused.get_data(as_text=True)
    other = client.get("/verify/NO-SUCH-SERIAL", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404  # counted per client address


def test_sign_in_attempts_are_rate_limited_per_address(client, create_user, limits_on) -> None:
    user = create_user()
    db.session.commit()
    for _attempt in range(4):
        assert sign_in(client, user, "wrong").status_code == 200
    assert sign_in(client, user).status_code == 429
    assert client.get("/login").status_code == 200  # reading the page is not limited


def test_old_hits_leave_the_window(app, db_session) -> None:
    limit = Limit("test", 2, 60)
    start = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    assert over_limit(limit, "a", start) is None
    assert over_limit(limit, "a", start + timedelta(seconds=10)) is None
    assert over_limit(limit, "a", start + timedelta(seconds=20)) == 41
    assert over_limit(limit, "a", start + timedelta(seconds=61)) is None
