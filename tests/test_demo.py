"""`flask demo load`: the demo centre, loaded once however often it runs."""

from __future__ import annotations

from lms.accounts import services
from lms.accounts.models import Level, Role
from lms.demo import DEMO_PASSWORD, load_demo


def test_demo_load_is_idempotent_and_its_logins_work(db_session) -> None:
    people, departments = load_demo()
    assert people == 34
    assert departments > 5
    assert load_demo() == (0, 0)
    admin = services.authenticate("A0001", DEMO_PASSWORD)
    assert Role.ADMIN in admin.roles
    assert not admin.must_change_password
    agents = list(services.list_users(role=Role.AGENT, per_page=100).items)
    levels = {u.level for u in agents}
    assert levels == {Level.JUNIOR, Level.MID, Level.SENIOR}
    assert len(agents) >= 30


def test_demo_cli_reports_what_it_added(cli) -> None:
    first = cli.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "34" in first.output
    again = cli.invoke(args=["demo", "load"])
    assert again.exit_code == 0
    assert " 0 " in again.output


def test_create_admin_cli(cli) -> None:
    result = cli.invoke(
        args=["users", "create-admin", "A0100", "新管理员"], input="Admin2026x\nAdmin2026x\n"
    )
    assert result.exit_code == 0, result.output
    admin = services.authenticate("a0100", "Admin2026x")
    assert admin.roles == {Role.ADMIN}
    refused = cli.invoke(
        args=["users", "create-admin", "A0100", "重复"], input="Admin2026x\nAdmin2026x\n"
    )
    assert refused.exit_code == 1
