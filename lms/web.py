"""Request-layer pieces every area's routes share: errors onto forms, safe redirects."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Response, make_response
from flask_wtf import FlaskForm

from lms.errors import FieldErrors


def put_errors_on_form(form: FlaskForm, error: FieldErrors) -> None:
    """Show each ``(field, message)`` beside its field; unknown fields go to the form's top."""
    for name, message in error.pairs:
        field = form._fields.get(name)
        if field is None:
            form.form_errors.append(message)
        elif message not in field.errors:
            field.errors = [*field.errors, message]


def safe_next_url(target: str | None, default: str) -> str:
    """``target`` if it stays on this site (a path), else ``default``: no open redirects."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target:
        return default
    return target


def download(content: bytes, filename: str, mimetype: str) -> Response:
    """A file download whose name may be Chinese (RFC 5987 ``filename*``)."""
    response = make_response(content)
    response.mimetype = mimetype
    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
