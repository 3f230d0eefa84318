"""The confidentiality policy: versions, acknowledgements, who has not signed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lms.errors import FieldErrors
from lms.extensions import db
from lms.records import services
from lms.records.errors import NotSigned
from tests.fixtures.factories import sign_in

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
CONTENT = Path(__file__).resolve().parents[2] / "content" / "policies"


@pytest.fixture
def people(create_user, create_department):
    team = create_department("客服中心/在线客服部/一组")
    other = create_department("售后中心")
    return {
        "team": team,
        "other": other,
        "zhang": create_user(employee_no="KF001", name="张伟", department=team),
        "li": create_user(employee_no="KF002", name="李娜", department=other),
        "hr": create_user(employee_no="HR001", name="人事甲", roles=("hr",)),
    }


def test_nothing_is_pending_before_a_policy_is_published(people) -> None:
    assert services.policy_in_force() is None
    assert services.policy_pending_for(people["zhang"].id) is None


def test_every_agent_must_sign_the_version_in_force(people) -> None:
    policy = services.publish_policy(
        "保密承诺", "## 一\n不泄露客户信息。", people["hr"].id, now=NOW
    )
    assert policy.version == 1
    assert services.policy_pending_for(people["zhang"].id, NOW) == policy
    assert services.policy_pending_for(people["hr"].id, NOW) is None  # HR is not an agent
    services.acknowledge_policy(people["zhang"].id, policy.id, NOW)
    assert services.policy_pending_for(people["zhang"].id, NOW) is None
    assert services.policy_pending_for(people["li"].id, NOW) == policy


def test_a_new_version_asks_everyone_again(people) -> None:
    first = services.publish_policy("保密承诺", "v1", people["hr"].id, now=NOW)
    services.acknowledge_policy(people["zhang"].id, first.id, NOW)
    later = NOW + timedelta(days=30)
    second = services.publish_policy("保密承诺（修订）", "v2", people["hr"].id, now=later)
    assert second.version == 2
    assert services.policy_in_force(later) == second
    assert services.policy_pending_for(people["zhang"].id, later) == second
    # A page left open on version 1 cannot sign it any more.
    with pytest.raises(NotSigned):
        services.acknowledge_policy(people["zhang"].id, first.id, later)
    services.acknowledge_policy(people["zhang"].id, second.id, later)
    history = services.acknowledgements_of(people["zhang"].id, later)
    assert [(a.version, a.is_in_force) for a in history] == [(2, True), (1, False)]
    assert history[1].acknowledged_at == NOW


def test_signing_twice_keeps_the_first_time(people) -> None:
    policy = services.publish_policy("保密承诺", "v1", people["hr"].id, now=NOW)
    first = services.acknowledge_policy(people["zhang"].id, policy.id, NOW)
    again = services.acknowledge_policy(people["zhang"].id, policy.id, NOW + timedelta(hours=1))
    assert again.id == first.id and again.acknowledged_at == NOW


def test_hr_sees_who_has_not_signed_by_department(people) -> None:
    policy = services.publish_policy("保密承诺", "v1", people["hr"].id, now=NOW)
    services.acknowledge_policy(people["zhang"].id, policy.id, NOW)
    everyone = services.signatures(policy)
    assert [line.employee_no for line in everyone.signed] == ["KF001"]
    assert [line.employee_no for line in everyone.unsigned] == ["KF002"]
    centre = services.signatures(policy, people["team"].parent_id)
    assert ([s.name for s in centre.signed], centre.unsigned) == (["张伟"], [])


def test_publishing_needs_a_title_and_a_text(people) -> None:
    with pytest.raises(FieldErrors) as refused:
        services.publish_policy(" ", "", people["hr"].id)
    assert {field for field, _ in refused.value.pairs} == {"title", "body"}


def test_the_text_is_rendered_safely(people) -> None:
    policy = services.publish_policy(
        "保密承诺",
        "## 范围\n\n- **客户信息**\n\n<script>alert(1)</script>\n[x](javascript:alert(1))",
        people["hr"].id,
        body_en="## Scope",
        now=NOW,
    )
    html = str(services.render_policy(policy, "zh_Hans"))
    assert "<h2>范围</h2>" in html and "<strong>客户信息</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html
    assert "<h2>Scope</h2>" in str(services.render_policy(policy, "en"))


def test_the_seeded_policy_is_published_once(people) -> None:
    path = CONTENT / "confidentiality-v1.yaml"
    policy = services.publish_policy_file(path, now=NOW)
    assert policy is not None and policy.version == 1
    assert "保密" in policy.title and policy.title_en and policy.body_en
    assert services.publish_policy_file(path, now=NOW) is None


def test_the_cli_publishes_the_seed(cli, people) -> None:
    result = cli.invoke(args=["records", "publish-policy", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert "version 1 published" in result.output
    assert services.policy_in_force().version == 1
    again = cli.invoke(args=["records", "publish-policy", str(CONTENT)])
    assert "already published" in again.output


# --- pages --------------------------------------------------------------------------------------


def test_an_agent_reads_and_signs(client, people) -> None:
    policy = services.publish_policy("保密承诺", "不泄露客户信息。", people["hr"].id)
    db.session.commit()
    sign_in(client, people["zhang"])
    assert 'data-testid="policy-pending"' in client.get("/my/record").text
    page = client.get("/my/policy").text
    assert "不泄露客户信息。" in page and 'data-testid="acknowledge"' in page
    assert client.post("/my/policy", data={"policy_id": str(policy.id)}).status_code == 302
    assert 'data-testid="policy-signed"' in client.get("/my/policy").text
    assert 'data-testid="policy-pending"' not in client.get("/my/record").text


def test_hr_publishes_and_exports_who_has_not_signed(client, people) -> None:
    db.session.commit()
    sign_in(client, people["hr"])
    response = client.post("/records/policy/new", data={"title": "保密承诺", "body": "正文"})
    assert response.status_code == 302
    page = client.get("/records/policy").text
    assert "KF001" in page and "KF002" in page
    export = client.get(f"/records/policy/export.csv?department={people['other'].id}")
    text = export.data.decode("utf-8-sig")
    assert "KF002" in text and "KF001" not in text


def test_hr_policy_pages_refuse_agents(client, people) -> None:
    db.session.commit()
    sign_in(client, people["zhang"])
    assert client.get("/records/policy").status_code == 403
    assert client.post("/records/policy/new", data={"title": "x", "body": "y"}).status_code == 403
