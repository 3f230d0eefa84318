"""Accounts rules, tested without HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from lms.accounts import services
from lms.accounts.errors import (
    AccountInactive,
    AccountLocked,
    DepartmentInUse,
    DomainError,
    FieldErrors,
    InvalidCredentials,
)
from lms.accounts.models import Level, Role
from tests.fixtures.factories import PASSWORD

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def fields(error: FieldErrors) -> set[str]:
    return {field for field, _message in error.pairs}


# --- employee numbers and names -------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "key"),
    [("00123", "00123"), ("KF0001", "kf0001"), (" kf0001 ", "kf0001"), ("ＫＦ００１", "kf001")],
)
def test_employee_numbers_compare_case_and_width_insensitively(typed: str, key: str) -> None:
    assert services.employee_no_key(typed) == key


def test_leading_zeros_and_prefix_survive_and_login_ignores_case(create_user) -> None:
    user = create_user(employee_no="00123")
    other = create_user(employee_no="Kf0042")
    assert user.employee_no == "00123"
    assert services.find_user_by_employee_no("00123") is user
    assert services.find_user_by_employee_no("123") is None
    assert services.find_user_by_employee_no("KF0042") is other
    assert services.authenticate("kf0042", PASSWORD, now=T0) is other


def test_duplicate_employee_number_differing_only_in_case_is_refused(create_user) -> None:
    create_user(employee_no="KF0001")
    with pytest.raises(FieldErrors) as refused:
        create_user(employee_no="kf0001")
    assert fields(refused.value) == {"employee_no"}


def test_names_keep_middle_dot_and_rare_characters(create_user) -> None:
    user = create_user(name="买买提•艾力")
    assert user.name == "买买提·艾力"
    rare = create_user(name="林喆")
    assert rare.name_pinyin == "lin zhe"
    assert rare.name_initials == "lz"


def test_people_are_listed_in_pinyin_order(create_user) -> None:
    for name in ["张伟", "阿强", "王芳", "黄晓燕", "陈静", "胡斌", "欧阳娜"]:
        create_user(name=name)
    names = [u.name for u in services.list_users(per_page=100).items]
    assert names == ["阿强", "陈静", "胡斌", "黄晓燕", "欧阳娜", "王芳", "张伟"]


def test_search_matches_number_name_pinyin_and_initials(create_user) -> None:
    zhang = create_user(employee_no="KF0777", name="张伟")
    create_user(name="王芳")

    def found(query: str) -> list[str]:
        return [u.name for u in services.list_users(query=query).items]

    assert found("kf0777") == ["张伟"]
    assert found("张") == ["张伟"]
    assert found("zhangwei") == ["张伟"]
    assert found("zw") == ["张伟"]
    assert found("nobody") == []
    assert zhang.name_initials == "zw"


def test_department_filter_includes_sub_departments(create_user, create_department) -> None:
    team = create_department("客服中心/在线客服部/一组")
    other = create_department("客服中心/热线客服部/一组")
    create_user(name="甲", department=team)
    create_user(name="乙", department=other)
    online = team.parent
    assert [u.name for u in services.list_users(department_id=online.id).items] == ["甲"]
    centre = online.parent
    assert {u.name for u in services.list_users(department_id=centre.id).items} == {"甲", "乙"}


def test_status_filter(create_user) -> None:
    admin = create_user(roles=("admin",), name="管理")
    gone = create_user(name="离职")
    services.deactivate_user(gone, by=admin, now=T0)
    assert "离职" not in [u.name for u in services.list_users().items]
    assert [u.name for u in services.list_users(status="inactive").items] == ["离职"]


# --- signing in and the lock ------------------------------------------------------------


def test_authenticate_accepts_the_right_password_only(create_user) -> None:
    user = create_user()
    assert services.authenticate(user.employee_no, PASSWORD, now=T0) is user
    assert user.last_login_at == T0
    with pytest.raises(InvalidCredentials):
        services.authenticate(user.employee_no, "wrong-pass1", now=T0)


def test_five_failures_lock_even_the_right_password_for_15_minutes(create_user) -> None:
    user = create_user()
    for attempt in range(4):
        with pytest.raises(InvalidCredentials):
            services.authenticate(user.employee_no, "bad", now=T0 + timedelta(minutes=attempt))
    with pytest.raises(AccountLocked) as locked:
        services.authenticate(user.employee_no, "bad", now=T0 + timedelta(minutes=4))
    assert locked.value.until == T0 + timedelta(minutes=19)
    # The sixth try, and the right password during the lock, get the lock message.
    with pytest.raises(AccountLocked):
        services.authenticate(user.employee_no, "bad", now=T0 + timedelta(minutes=5))
    with pytest.raises(AccountLocked):
        services.authenticate(user.employee_no, PASSWORD, now=T0 + timedelta(minutes=18))
    assert services.authenticate(user.employee_no, PASSWORD, now=T0 + timedelta(minutes=19)) is user


def test_failures_spread_over_more_than_15_minutes_do_not_lock(create_user) -> None:
    user = create_user()
    for attempt in range(8):
        with pytest.raises(InvalidCredentials):
            services.authenticate(user.employee_no, "bad", now=T0 + timedelta(minutes=4 * attempt))
    assert services.authenticate(user.employee_no, PASSWORD, now=T0 + timedelta(minutes=40)) is user


def test_success_clears_earlier_failures(create_user) -> None:
    user = create_user()
    for _attempt in range(4):
        with pytest.raises(InvalidCredentials):
            services.authenticate(user.employee_no, "bad", now=T0)
    services.authenticate(user.employee_no, PASSWORD, now=T0)
    for _attempt in range(4):
        with pytest.raises(InvalidCredentials):
            services.authenticate(user.employee_no, "bad", now=T0)


def test_unknown_employee_numbers_lock_the_same_way(db_session) -> None:
    """The lock says nothing about whether the employee number exists."""
    for _attempt in range(4):
        with pytest.raises(InvalidCredentials):
            services.authenticate("NOBODY1", "bad", now=T0)
    with pytest.raises(AccountLocked):
        services.authenticate("NOBODY1", "bad", now=T0)


def test_deactivated_account_cannot_sign_in(create_user) -> None:
    admin = create_user(roles=("admin",))
    user = create_user()
    services.deactivate_user(user, by=admin, now=T0)
    with pytest.raises(AccountInactive):
        services.authenticate(user.employee_no, PASSWORD, now=T0)
    with pytest.raises(InvalidCredentials):
        services.authenticate(user.employee_no, "bad", now=T0)


def test_admin_cannot_deactivate_themselves(create_user) -> None:
    admin = create_user(roles=("admin",))
    with pytest.raises(DomainError):
        services.deactivate_user(admin, by=admin)
    assert admin.is_active


def test_reactivation_restores_sign_in(create_user) -> None:
    admin = create_user(roles=("admin",))
    user = create_user()
    services.deactivate_user(user, by=admin, now=T0)
    services.reactivate_user(user)
    assert services.authenticate(user.employee_no, PASSWORD, now=T0) is user
    assert user.deactivated_at is None


# --- sessions ---------------------------------------------------------------------------


def test_session_tokens_die_with_logout_password_change_and_deactivation(create_user) -> None:
    admin = create_user(roles=("admin",))
    user = create_user()
    token = user.get_id()
    assert services.load_session_user(token) is user
    services.end_sessions(user)
    assert services.load_session_user(token) is None
    assert services.load_session_user(user.get_id()) is user

    token = user.get_id()
    services.change_password(user, PASSWORD, "newpass123", "newpass123")
    assert services.load_session_user(token) is None

    token = user.get_id()
    services.deactivate_user(user, by=admin)
    assert services.load_session_user(token) is None


@pytest.mark.parametrize("token", ["", "abc", "1", "1:", ":1", "x:1", "99999:1"])
def test_malformed_or_unknown_session_tokens_are_refused(db_session, token: str) -> None:
    assert services.load_session_user(token) is None


def test_role_change_ends_sessions(create_user) -> None:
    user = create_user(roles=("agent", "trainer"))
    token = user.get_id()
    services.update_user(
        user, services.UserDetails(employee_no=user.employee_no, name=user.name, roles={Role.AGENT})
    )
    assert services.load_session_user(token) is None


# --- passwords --------------------------------------------------------------------------


def test_change_password_reports_each_problem_beside_its_field(create_user) -> None:
    user = create_user()
    with pytest.raises(FieldErrors) as refused:
        services.change_password(user, "not-it", "short", "different")
    assert fields(refused.value) == {"current_password", "new_password", "confirm_password"}


def test_change_password_clears_the_first_login_requirement(create_user) -> None:
    user = create_user(must_change_password=True)
    services.change_password(user, PASSWORD, "mynew2026pw", "mynew2026pw")
    assert not user.must_change_password
    assert services.authenticate(user.employee_no, "mynew2026pw", now=T0) is user


@pytest.mark.parametrize("password", ["abc123", "abcdefghij", "1234567890"])
def test_weak_passwords_are_refused(password: str) -> None:
    assert services.password_problems(password)


def test_employee_number_is_not_a_password(db_session) -> None:
    assert services.password_problems("KF000123", "kf000123")


def test_reset_password_issues_a_temporary_one_and_lifts_the_lock(create_user) -> None:
    user = create_user()
    for _attempt in range(5):
        with pytest.raises((InvalidCredentials, AccountLocked)):
            services.authenticate(user.employee_no, "bad", now=T0)
    temporary = services.reset_password(user)
    assert not services.password_problems(temporary)
    assert user.must_change_password
    assert services.authenticate(user.employee_no, temporary, now=T0) is user


def test_generated_passwords_avoid_look_alike_characters(db_session) -> None:
    for _ in range(50):
        assert not set(services.generate_temporary_password()) & set("0O1lI")


# --- people -----------------------------------------------------------------------------


def test_create_user_requires_roles_and_a_name(db_session) -> None:
    with pytest.raises(FieldErrors) as refused:
        services.create_user(services.UserDetails(employee_no="KF1", name=" ", roles=set()))
    assert fields(refused.value) == {"name", "roles"}


def test_create_user_must_change_password_at_first_login(db_session) -> None:
    user, password = services.create_user(
        services.UserDetails(employee_no="KF1", name="新人", roles={Role.AGENT})
    )
    assert user.must_change_password
    assert not services.password_problems(password)


def test_agents_start_junior_from_their_hire_date(db_session) -> None:
    user, _ = services.create_user(
        services.UserDetails(
            employee_no="KF2", name="新人", roles={Role.AGENT}, hire_date=date(2026, 3, 1)
        )
    )
    assert user.level is Level.JUNIOR
    assert user.level_since == date(2026, 3, 1)


def test_level_cannot_start_before_hire(db_session) -> None:
    with pytest.raises(FieldErrors) as refused:
        services.create_user(
            services.UserDetails(
                employee_no="KF3",
                name="新人",
                roles={Role.AGENT},
                hire_date=date(2026, 3, 1),
                level=Level.MID,
                level_since=date(2025, 1, 1),
            )
        )
    assert fields(refused.value) == {"level_since"}


def test_admin_passes_every_role_check(create_user) -> None:
    admin = create_user(roles=("admin",))
    agent = create_user(roles=("agent",))
    assert admin.has_any_role("hr")
    assert not agent.has_any_role("hr", "trainer")
    assert agent.has_any_role("agent")


# --- departments ------------------------------------------------------------------------


def test_department_paths_are_created_once(db_session) -> None:
    team, created = services.ensure_department_path("客服中心/客服一部/一组")
    assert created == 3
    again, created = services.ensure_department_path("客服中心 / 客服一部 / 一组")
    assert (again, created) == (team, 0)
    _other, created = services.ensure_department_path("客服中心／客服一部／二组")
    assert created == 1
    assert services.department_paths()[team.id] == "客服中心/客服一部/一组"


def test_sibling_departments_need_distinct_names(db_session) -> None:
    centre = services.create_department("客服中心")
    services.create_department("一部", centre.id)
    with pytest.raises(FieldErrors):
        services.create_department("一部", centre.id)
    with pytest.raises(FieldErrors):
        services.create_department("客服中心")


def test_a_department_cannot_move_under_itself(db_session) -> None:
    team, _ = services.ensure_department_path("客服中心/客服一部/一组")
    centre = team.parent.parent
    with pytest.raises(FieldErrors) as refused:
        services.update_department(centre, centre.name, team.id)
    assert fields(refused.value) == {"parent_id"}


def test_only_empty_departments_can_be_deleted(create_user) -> None:
    team, _ = services.ensure_department_path("客服中心/客服一部/一组")
    create_user(department=team)
    with pytest.raises(DepartmentInUse):
        services.delete_department(team)
    with pytest.raises(DepartmentInUse):
        services.delete_department(team.parent)
    empty = services.create_department("空组", team.parent.id)
    services.delete_department(empty)
    assert services.get_department(empty.id) is None


def test_department_tree_is_depth_first(db_session) -> None:
    services.ensure_department_path("客服中心/热线部")
    services.ensure_department_path("客服中心/在线部/一组")
    services.ensure_department_path("人力资源部")
    tree = [(n.department.name, n.depth) for n in services.department_tree()]
    assert tree == [("客服中心", 0), ("热线部", 1), ("在线部", 1), ("一组", 2), ("人力资源部", 0)]


def test_teams_sort_by_their_numbers(db_session) -> None:
    for team in ["十一组", "二组", "十组", "一组", "三组", "12组", "二十组"]:
        services.ensure_department_path(f"客服中心/{team}")
    names = [n.department.name for n in services.department_tree()][1:]
    assert names == ["一组", "二组", "三组", "十组", "十一组", "12组", "二十组"]


def test_tree_counts_people_below_and_knows_what_can_be_deleted(create_user) -> None:
    one, _ = services.ensure_department_path("客服中心/在线部/一组")
    two, _ = services.ensure_department_path("客服中心/在线部/二组")
    create_user(department=one)
    create_user(department=one)
    nodes = {n.department.name: n for n in services.department_tree()}
    assert nodes["客服中心"].headcount == 2
    assert nodes["一组"].headcount == 2
    assert not nodes["一组"].is_deletable
    assert nodes["二组"].is_deletable
    assert not nodes["在线部"].is_deletable
