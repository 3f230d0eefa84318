"""The shell: home, health check, error pages, security headers, offline assets."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import TestResponse

from lms.accounts.models import UserImport
from lms.extensions import db
from tests.fixtures.factories import post_multipart

LMS = Path(__file__).resolve().parents[2] / "lms"
EXTERNAL = re.compile(r"""(src|href)=["'](https?:)?//""", re.I)
CSS_EXTERNAL = re.compile(r"""(url\(\s*["']?(https?:)?//|@import\s+["']?(https?:)?//)""", re.I)


def test_healthz_checks_the_database(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_every_response_carries_the_security_headers(client) -> None:
    for url in ["/login", "/healthz", "/no-such-page", "/static/css/app.css"]:
        response = client.get(url)
        headers = response.headers
        response.close()
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_httponly_and_samesite(client, create_user) -> None:
    user = create_user()
    response = client.post(
        "/login", data={"employee_no": user.employee_no, "password": "secret123"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_not_found_page_is_friendly(client) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert 'href="/"' in response.text


def test_forbidden_page_is_friendly(client, signed_in) -> None:
    signed_in("agent")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert 'href="/"' in response.text


def post_file_of(client, size: int, referer: str) -> TestResponse:
    """A people file of ``size`` bytes, sent as a browser sends it."""
    upload = FileStorage(io.BytesIO(b"x" * size), "people.csv", content_type="text/csv")
    return post_multipart(client, "/admin/users/import", {"file": upload}, {"Referer": referer})


def test_an_upload_over_the_size_limit_gets_a_page_saying_so_and_writes_nothing(
    app, client, signed_in
) -> None:
    signed_in("admin")
    limit = app.config["MAX_CONTENT_LENGTH"]
    form_page = "http://localhost/admin/users/import"
    response = post_file_of(client, limit + 1, referer=form_page)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert f"{limit // (1024 * 1024)} MB" in page
    assert 'href="/admin/users/import"' in page  # back to the form it came from
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserImport)) == 0


def test_the_too_large_page_links_back_only_to_this_site(app, client, signed_in) -> None:
    signed_in("admin")
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = post_file_of(client, limit + 1, referer="https://evil.example/phish")
    assert response.status_code == 413
    assert "evil.example" not in response.get_data(as_text=True)


def test_server_errors_get_the_error_page(app, client) -> None:
    from werkzeug.exceptions import InternalServerError

    handler = app.error_handler_spec[None][500][InternalServerError]
    with app.test_request_context("/"):
        body, status = handler(InternalServerError())
    assert status == 500
    assert "500" in body


@pytest.mark.parametrize("role", ["agent", "trainer", "hr", "admin"])
def test_home_greets_every_role(client, signed_in, role: str) -> None:
    signed_in(role, name="周到")
    response = client.get("/")
    assert response.status_code == 200
    assert "周到" in response.text


def test_home_offers_admins_their_shortcuts(client, signed_in) -> None:
    signed_in("admin")
    text = client.get("/").text
    for url in ["/admin/users", "/admin/departments", "/admin/users/import"]:
        assert f'href="{url}"' in text


def test_no_page_or_stylesheet_loads_anything_from_outside() -> None:
    offenders = []
    for path in LMS.rglob("*"):
        if path.suffix in {".html", ".js"} and EXTERNAL.search(path.read_text(errors="replace")):
            offenders.append(str(path))
        if path.suffix == ".css" and CSS_EXTERNAL.search(path.read_text(errors="replace")):
            offenders.append(str(path))
    assert offenders == []


def test_vendored_files_carry_their_licences() -> None:
    for vendor in (LMS / "static" / "vendor").iterdir():
        assert (vendor / "LICENSE").exists(), vendor


@pytest.mark.parametrize("body", ["true", "[1, 2]", '"x"', "{not json"])
def test_a_json_body_sent_to_a_form_is_a_bad_request_not_a_server_error(
    client, signed_in, body: str
) -> None:
    signed_in("admin")
    response = client.post("/admin/users/new", data=body, content_type="application/json")
    assert response.status_code == 400


def test_an_unknown_level_is_shown_beside_the_field(client, signed_in) -> None:
    signed_in("admin")
    response = client.post(
        "/admin/users/new", data={"employee_no": "KF7001", "name": "新人", "level": "chief"}
    )
    assert response.status_code in (200, 400)
    page = response.get_data(as_text=True)
    assert 'id="level"' in page and "is-invalid" in page


def test_a_nul_in_a_field_the_query_or_json_is_a_bad_request(client, signed_in) -> None:
    # PostgreSQL refuses a NUL even as a search parameter: on either database the answer
    # is 400, never a 500.
    signed_in("admin")
    assert client.get("/admin/users?q=a%00b").status_code == 400
    assert client.post("/admin/users/new", data={"name": "a\x00b"}).status_code == 400
    assert client.post("/attempts/1/answers", json={"saves": ["\x00"]}).status_code == 400
    assert client.get("/verify/AB%00CD").status_code == 400
