"""Accounts pages through the test client: sign-in, sessions, admin pages."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from lms.accounts import services
from lms.accounts.models import Role
from tests.fixtures.app import build_app
from tests.fixtures.factories import PASSWORD, sign_in


def form_errors(html: str) -> str:
    match = re.search(r'data-testid="form-errors">(.*?)</div>\s*</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def field_error(html: str, field: str) -> str:
    match = re.search(rf'data-field-error="{field}">(.*?)</div>\s*</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def login(client, employee_no: str, password: str):
    return client.post("/login", data={"employee_no": employee_no, "password": password})


# --- signing in -------------------------------------------------------------------------


def test_login_page_is_chinese_by_default(client) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.text
    assert "登录" in response.text


@pytest.mark.parametrize(
    ("accept", "lang"),
    [
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("zh-TW", "zh-Hans"),
        ("fr-FR,en;q=0.5", "en"),
        ("de-DE", "zh-Hans"),
    ],
)
def test_browser_language_is_honoured(client, accept: str, lang: str) -> None:
    response = client.get("/login", headers={"Accept-Language": accept})
    assert f'<html lang="{lang}">' in response.text


def test_sign_in_goes_home_and_sign_out_ends_the_session(client, create_user) -> None:
    user = create_user(name="王芳")
    response = login(client, user.employee_no.lower(), PASSWORD)
    assert response.status_code == 302
    assert response.location == "/"
    assert "王芳" in client.get("/").text
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_wrong_password_says_so_without_saying_which_part(client, create_user) -> None:
    user = create_user()
    wrong_password = form_errors(login(client, user.employee_no, "not-it-123").text)
    unknown_user = form_errors(login(client, "NOBODY9", "not-it-123").text)
    assert wrong_password
    assert wrong_password == unknown_user


def test_six_wrong_passwords_lock_and_the_right_one_is_then_refused(client, create_user) -> None:
    user = create_user()
    messages = [form_errors(login(client, user.employee_no, f"wrong{i}xx").text) for i in range(6)]
    assert len(set(messages[:4])) == 1  # plain "not correct"
    assert messages[4] == messages[5] != messages[0]  # the lock message from the fifth on
    response = login(client, user.employee_no, PASSWORD)
    assert response.status_code == 200
    assert form_errors(response.text) == messages[5]
    assert client.get("/").status_code == 302  # still signed out


def test_a_session_cookie_saved_before_logout_is_refused_after_it(client, create_user) -> None:
    user = create_user()
    login(client, user.employee_no, PASSWORD)
    saved = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    client.post("/logout")
    client.set_cookie("session", saved)
    response = client.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_a_password_change_ends_other_sessions_but_not_this_one(
    app: Flask, client, create_user
) -> None:
    user = create_user()
    other_device = app.test_client()
    login(client, user.employee_no, PASSWORD)
    login(other_device, user.employee_no, PASSWORD)
    response = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "fresh2026pw",
            "confirm_password": "fresh2026pw",
        },
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert other_device.get("/").status_code == 302


def test_deactivation_ends_the_persons_sessions(app: Flask, client, create_user) -> None:
    admin = create_user(roles=("admin",))
    user = create_user()
    their_device = app.test_client()
    login(their_device, user.employee_no, PASSWORD)
    sign_in(client, admin)
    client.post(f"/admin/users/{user.id}/deactivate")
    assert their_device.get("/").status_code == 302
    assert not user.is_active


def test_first_login_must_choose_a_new_password(client, create_user) -> None:
    user = create_user(must_change_password=True)
    login(client, user.employee_no, PASSWORD)
    response = client.get("/")
    assert response.status_code == 302
    assert response.location == "/account/password"
    assert client.get("/admin/users").location == "/account/password"
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
    )
    assert response.status_code == 200
    assert field_error(response.text, "new_password")
    client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "mine2026pw",
            "confirm_password": "mine2026pw",
        },
    )
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_login_never_redirects_off_site(client, create_user, target: str) -> None:
    user = create_user()
    response = client.post(
        f"/login?next={target}", data={"employee_no": user.employee_no, "password": PASSWORD}
    )
    assert response.location == "/"


def test_login_follows_a_local_next(client, create_user) -> None:
    user = create_user(roles=("admin",))
    response = client.post(
        "/login?next=/admin/users", data={"employee_no": user.employee_no, "password": PASSWORD}
    )
    assert response.location == "/admin/users"


# --- the language switch ----------------------------------------------------------------


def test_language_choice_is_remembered_for_the_user(app: Flask, client, create_user) -> None:
    user = create_user()
    sign_in(client, user)
    client.post("/language", data={"locale": "en", "next": "/"})
    assert user.locale == "en"
    other_device = app.test_client()
    login(other_device, user.employee_no, PASSWORD)
    assert '<html lang="en">' in other_device.get("/").text


def test_language_chosen_before_sign_in_carries_over(client, create_user) -> None:
    user = create_user()
    client.post("/language", data={"locale": "en", "next": "/login"})
    assert '<html lang="en">' in client.get("/login").text
    login(client, user.employee_no, PASSWORD)
    assert user.locale == "en"


def test_unknown_language_is_ignored(client) -> None:
    client.post("/language", data={"locale": "xx", "next": "/login"})
    assert '<html lang="zh-Hans">' in client.get("/login").text


# --- access -----------------------------------------------------------------------------

ADMIN_PAGES = [
    "/admin/users",
    "/admin/users/new",
    "/admin/users/import",
    "/admin/departments",
    "/admin/users/import/template.csv",
    "/admin/users/import/template.xlsx",
]


@pytest.mark.parametrize("url", ADMIN_PAGES + ["/", "/account/password"])
def test_anonymous_visitors_are_sent_to_sign_in(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.startswith("/login")


@pytest.mark.parametrize("role", ["agent", "trainer", "hr"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_refuse_other_roles(client, signed_in, role: str, url: str) -> None:
    signed_in(role)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_open_for_admins(client, signed_in, url: str) -> None:
    signed_in("admin")
    assert client.get(url).status_code == 200


def test_the_menu_shows_admin_entries_only_to_admins(client, signed_in) -> None:
    signed_in("agent")
    assert "/admin/users" not in client.get("/").text


# --- admin: people ----------------------------------------------------------------------


def test_admin_creates_a_person_and_sees_the_temporary_password_once(client, signed_in) -> None:
    signed_in("admin")
    response = client.post(
        "/admin/users/new",
        data={
            "employee_no": "00077",
            "name": "新同事",
            "roles": ["agent"],
            "hire_date": "2026-11-02",
            "department_id": "",
            "level": "",
        },
    )
    assert response.status_code == 200
    password = re.search(r'data-testid="temporary-password">([^<]+)<', response.text).group(1)
    user = services.find_user_by_employee_no("00077")
    assert user.must_change_password
    assert services.authenticate("00077", password) is user


def test_create_form_puts_errors_beside_their_fields(client, signed_in, create_user) -> None:
    signed_in("admin")
    create_user(employee_no="KF0001")
    response = client.post(
        "/admin/users/new",
        data={
            "employee_no": "kf0001",
            "name": "重复",
            "roles": [],
            "department_id": "",
            "level": "",
        },
    )
    assert response.status_code == 200
    assert field_error(response.text, "employee_no")
    assert field_error(response.text, "roles")
    assert not field_error(response.text, "name")
    assert 'value="kf0001"' in response.text  # what was typed is kept


def test_admin_edits_a_person(client, signed_in, create_user, create_department) -> None:
    signed_in("admin")
    team = create_department()
    user = create_user(name="旧名")
    response = client.post(
        f"/admin/users/{user.id}",
        data={
            "employee_no": user.employee_no,
            "name": "新名",
            "roles": ["agent", "trainer"],
            "department_id": str(team.id),
            "level": "mid",
            "position": "在线客服",
        },
    )
    assert response.status_code == 302
    assert user.name == "新名"
    assert user.roles == {Role.AGENT, Role.TRAINER}
    assert user.department_id == team.id
    assert client.get(f"/admin/users/{user.id}").status_code == 200


def test_admin_resets_a_password(client, signed_in, create_user) -> None:
    signed_in("admin")
    user = create_user()
    response = client.post(f"/admin/users/{user.id}/reset-password")
    password = re.search(r'data-testid="temporary-password">([^<]+)<', response.text).group(1)
    assert services.authenticate(user.employee_no, password) is user
    assert user.must_change_password


def test_admin_deactivates_and_reactivates(client, signed_in, create_user) -> None:
    signed_in("admin")
    user = create_user()
    client.post(f"/admin/users/{user.id}/deactivate")
    assert not user.is_active
    assert user.deactivated_at is not None
    client.post(f"/admin/users/{user.id}/reactivate")
    assert user.is_active


def test_admin_cannot_deactivate_themselves_through_the_page(client, signed_in) -> None:
    admin = signed_in("admin")
    client.post(f"/admin/users/{admin.id}/deactivate")
    assert admin.is_active


def test_unknown_ids_are_404(client, signed_in) -> None:
    signed_in("admin")
    assert client.get("/admin/users/999999").status_code == 404
    assert client.get("/admin/departments/999999").status_code == 404
    assert client.post("/admin/users/999999/deactivate").status_code == 404


def test_user_list_searches_and_pages(client, signed_in, create_user, app: Flask) -> None:
    signed_in("admin", name="管理员")
    for number in range(30):
        create_user(employee_no=f"P{number:03d}", name=f"人员{number:02d}")
    first = client.get("/admin/users?q=P0")
    assert first.text.count('href="/admin/users/') >= 25 * 2 - 2
    assert "page=2" in first.text
    second = client.get("/admin/users?q=P0&page=2")
    assert second.status_code == 200
    assert "P029" in second.text or "P029" in first.text


def test_import_page_lists_line_errors_and_imports_nothing(client, signed_in) -> None:
    import io

    signed_in("admin")
    content = "工号,姓名,部门,角色,入职日期\nKF1,甲,客服中心,客服专员,2024-99-01\n".encode()
    response = client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(content), "bad.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "bad.csv:2: " in response.text
    assert services.find_user_by_employee_no("KF1") is None


def test_import_page_imports_a_good_file(client, signed_in) -> None:
    import io

    signed_in("admin")
    content = "工号,姓名,部门,角色,入职日期\nKF1,甲,客服中心,客服专员,2024-01-01\n".encode("gbk")
    response = client.post(
        "/admin/users/import",
        data={"file": (io.BytesIO(content), "好.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert 'data-testid="import-summary"' in response.text
    assert services.find_user_by_employee_no("KF1").name == "甲"


def test_templates_download_with_their_names(client, signed_in) -> None:
    signed_in("admin")
    response = client.get("/admin/users/import/template.xlsx")
    assert response.status_code == 200
    assert response.data.startswith(b"PK")
    assert "attachment" in response.headers["Content-Disposition"]


# --- admin: departments -----------------------------------------------------------------


def test_departments_are_created_renamed_and_deleted(client, signed_in) -> None:
    signed_in("admin")
    client.post("/admin/departments", data={"name": "客服中心", "parent_id": ""})
    centre = next(
        n.department for n in services.department_tree() if n.department.name == "客服中心"
    )
    client.post("/admin/departments", data={"name": "一部", "parent_id": str(centre.id)})
    response = client.post("/admin/departments", data={"name": "一部", "parent_id": str(centre.id)})
    assert field_error(response.text, "name")
    part = next(n.department for n in services.department_tree() if n.department.name == "一部")
    client.post(
        f"/admin/departments/{part.id}", data={"name": "客服一部", "parent_id": str(centre.id)}
    )
    assert part.name == "客服一部"
    client.post(f"/admin/departments/{centre.id}/delete")
    assert services.get_department(centre.id) is not None  # it still has a child
    client.post(f"/admin/departments/{part.id}/delete")
    assert services.get_department(part.id) is None


# --- CSRF ---------------------------------------------------------------------------------


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    return build_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)


def test_posts_without_the_csrf_token_are_refused(csrf_app: Flask, db_session) -> None:
    client = csrf_app.test_client()
    assert client.post("/login", data={"employee_no": "x", "password": "y"}).status_code == 400
    assert client.post("/language", data={"locale": "en"}).status_code == 400
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"employee_no": "x", "password": "y", "csrf_token": token}
    )
    assert response.status_code == 200


def test_every_problem_of_a_new_person_is_reported_at_once(client, signed_in, create_user) -> None:
    signed_in("admin")
    create_user(employee_no="KF0001")
    response = client.post(
        "/admin/users/new",
        data={
            "employee_no": "KF0001",
            "name": "",
            "roles": [],
            "hire_date": "2024-99-99",
            "department_id": "",
            "level": "",
        },
    )
    assert response.status_code == 200
    for field in ("employee_no", "name", "roles", "hire_date"):
        assert field_error(response.text, field), field


def test_form_library_messages_are_chinese_too(client, signed_in) -> None:
    signed_in("admin")
    response = client.post(
        "/admin/users/new",
        data={
            "employee_no": "KF9",
            "name": "某",
            "roles": ["agent"],
            "hire_date": "2024-99-99",
            "department_id": "",
            "level": "",
        },
    )
    message = field_error(response.text, "hire_date")
    assert message
    assert re.search(r"[\u4e00-\u9fff]", message), message
