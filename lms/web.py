"""Request-layer pieces every area's routes share: errors onto forms, safe redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

from flask import Response, abort, current_app, make_response, request
from flask_wtf import FlaskForm

from lms.database import holds_nul
from lms.errors import FieldErrors

F = TypeVar("F", bound=Callable[..., Any])


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


def takes_json(view: F) -> F:
    """Mark a view that reads a JSON body; every other view refuses one (``refuse_json``)."""
    view.takes_json = True  # type: ignore[attr-defined]
    return view


def refuse_json() -> None:
    """Before each request: a JSON body is for the views marked ``takes_json`` only.

    Flask-WTF reads a body that says it is JSON as the form's data, and one that is not an
    object (``true``, ``[1]``) breaks it with a server error. Every form here is an HTML
    form, so a JSON body sent to one is a bad request, answered as such.
    """
    if request.method in ("GET", "HEAD", "OPTIONS") or not request.is_json:
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if view is not None and not getattr(view, "takes_json", False):
        abort(400)


def refuse_nul() -> None:
    """Before each request: no NUL character in the path, the query string, a form field or
    a JSON body.

    No text the app keeps may hold one (PostgreSQL refuses it, even as the parameter of a
    search) and no browser sends one from a form, so it is a bad request, not a 500 on one
    database and a stored oddity on the other. Uploaded files are not fields: their bytes
    are the importers' to judge.
    """
    if holds_nul(request.view_args or {}) or any(
        holds_nul(k) or holds_nul(v) for k, v in request.args.items(multi=True)
    ):
        abort(400)
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        if holds_nul(request.get_json(silent=True)):
            abort(400)
    elif any(holds_nul(k) or holds_nul(v) for k, v in request.form.items(multi=True)):
        abort(400)
