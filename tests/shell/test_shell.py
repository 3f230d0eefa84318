"""The shell: home, health check, error pages, security headers, offline assets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

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
