"""Hostile input through HTTP: the upload pages with hostile files, and every POST route of
the app with hostile field values. The answer is a page (200, or 400/422 re-rendered with
the errors), a redirect, or a refusal (403/404/405/409/413/429); a 500 is a bug. A refused
upload writes nothing.

``pytest tests/hostile/test_routes.py --hypothesis-show-statistics`` prints the counts.
"""

from __future__ import annotations

import importlib
import inspect
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from hypothesis import event, given
from hypothesis import strategies as st
from werkzeug.datastructures import FileStorage, MultiDict

from lms.accounts import user_import
from tests.fixtures.factories import post_multipart
from tests.hostile import strategies as hostile_files
from tests.hostile.conftest import ROUTE_EXAMPLES, hostile, row_counts
from tests.hostile.test_importers import KPI_HEADERS, USER_CELLS, kpi_rows, user_rows
from tests.security.test_access_matrix import url_of
from tests.security.world import PIXEL, World

FINE = {200, 302, 303, 400, 403, 404, 405, 409, 413, 422, 429}
FORM_EXAMPLES = max(ROUTE_EXAMPLES // 4, 10)


def assert_not_a_server_error(response: Any, label: str) -> None:
    assert response.status_code in FINE, f"{label}: {response.status_code}"


# --- uploads -------------------------------------------------------------------------------


@st.composite
def upload_names(draw: st.DrawFn) -> str:
    """What the browser says the file is called: often a lie about its content."""
    return draw(
        st.sampled_from(
            ["people.csv", "people.xlsx", "bank.gift", "bank.xml", "evidence.pdf", "seal.png",
             "photo.jpg", "x.exe", "noext", "", "../../x.csv", "名单.CSV", "a\u202egpj.csv"]
        )
    )  # fmt: skip


UPLOAD_TYPES = st.sampled_from(
    ["text/csv", "application/octet-stream", "image/png", "text/html", "application/pdf", ""]
)


def _file(name: str, content: bytes, claimed: str) -> FileStorage:
    return FileStorage(io.BytesIO(content), name, content_type=claimed or None)


UPLOADS: dict[str, dict[str, Any]] = {
    # endpoint: who posts, the file field, other fields, what the files are, the table an
    # accepted file adds one row to.
    "accounts.import_users": {
        "role": "admin",
        "field": "file",
        "files": st.one_of(
            hostile_files.table_files(user_import.TEMPLATE_HEADERS, USER_CELLS),
            hostile_files.csv_from(hostile_files.spoiled(user_rows())),
            hostile_files.xlsx_from(hostile_files.spoiled(user_rows())),
        ),
        "record": "user_import",
    },
    "kpis.import_file": {
        "role": "hr",
        "field": "file",
        "files": st.one_of(
            hostile_files.table_files(KPI_HEADERS),
            hostile_files.csv_from(hostile_files.spoiled(kpi_rows())),
        ),
        "record": "kpi_import",
    },
    "exams.import_questions": {
        "role": "trainer",
        "field": "file",
        "files": hostile_files.question_files().map(lambda pair: pair[1]),
        "record": "question_import",
    },
    "records.external_new": {
        "role": "hr",
        "field": "evidence",
        "files": st.one_of(
            hostile_files.arbitrary_bytes(),
            st.sampled_from([PIXEL, b"%PDF-1.4\n%%EOF", b"\xff\xd8\xff\xe0junk", b"<html>"]),
        ),
        "record": "external_training",
    },
    "exam_staff.seal": {
        "role": "hr",
        "field": "image",
        "files": st.one_of(
            hostile_files.arbitrary_bytes(),
            st.sampled_from([PIXEL, PIXEL[:40], PIXEL + b"<script>alert(1)</script>"]),
        ),
        "record": "certificate_seal",
    },
}


def _upload_form(endpoint: str, world: World, draw: st.DrawFn) -> dict[str, Any]:
    """The other fields of the upload's form: right, or hostile."""
    if endpoint == "accounts.import_users":
        return {"initial_password": draw(st.sampled_from(["", "Str0ng-Passw0rd", "short"]))}
    if endpoint == "exams.import_questions":
        return {"category": draw(st.sampled_from(["", "1", "abc", "-1"])),
                "new_category": draw(st.sampled_from(["", "导入/默认", "//", "\x00"]))}  # fmt: skip
    if endpoint == "records.external_new":
        return {
            "employee_no": draw(st.sampled_from(["SA0002", "sa0002", "", "NOPE"])),
            "title": draw(st.sampled_from(["外部讲座", "", "x" * 300])),
            "provider": "某机构",
            "occurred_on": draw(st.sampled_from(["2026-01-05", "", "2999-01-01", "x"])),
            "minutes": draw(st.sampled_from(["90", "", "-5", "99999999999999999999"])),
            "credit_hours": draw(st.sampled_from(["", "1.5", "abc", "1e999"])),
        }
    return {}


@pytest.mark.parametrize("endpoint", sorted(UPLOADS))
@hostile(ROUTE_EXAMPLES)
@given(data=st.data())
def test_upload_pages_accept_or_refuse_files_without_a_partial_write(
    app: Flask,
    world: World,
    client_as: Callable[[str | None], FlaskClient],
    each_example: Callable,
    endpoint: str,
    data: st.DataObject,
) -> None:
    spec = UPLOADS[endpoint]
    content = data.draw(spec["files"], label="content")
    name = data.draw(upload_names(), label="name")
    claimed = data.draw(UPLOAD_TYPES, label="content type")
    with each_example():
        client = client_as(spec["role"])
        form = {
            **_upload_form(endpoint, world, data.draw),
            spec["field"]: _file(name, content, claimed),
        }
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        before = row_counts()
        response = post_multipart(client, url_of(app, world, endpoint, "POST", rule), form)
        assert_not_a_server_error(response, endpoint)
        after = row_counts()
        if after[spec["record"]] == before[spec["record"]]:
            event("refused")
            changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
            assert not changed, f"a refused upload wrote rows: {changed}"
            assert response.status_code != 302, "a refused upload is answered with its errors"
        else:
            event("accepted")
            assert after[spec["record"]] == before[spec["record"]] + 1


# --- every POST form ------------------------------------------------------------------------

# Who posts: admins pass every role check; routes about one's own things are posted by
# their owner (agent B), sign-in pages by no one.
POSTED_BY = {
    "attempts.save": "owner",
    "attempts.submit": "owner",
    "attempts.start": "owner",
    "sessions.respond": "owner",
    "sessions.check_in": "owner",
    "sessions.rate": "owner",
    "notifications.open_notification": "owner",
    "notifications.read_all": "owner",
    "courses.submit_check": "owner",
    "courses.mark_done": "owner",
    "records.my_policy": "owner",
    "accounts.change_password": "owner",
    "accounts.login": None,
    "accounts.second_factor": None,
}
FORM_MODULES = (
    "lms.accounts.forms", "lms.audit.forms", "lms.career.forms", "lms.career.kpi_forms",
    "lms.career.rule_forms", "lms.courses.forms", "lms.exams.forms", "lms.exams.staff_forms",
    "lms.records.forms", "lms.records.report_forms", "lms.shell.forms",
    "lms.training.refresher_forms", "lms.training.session_forms",
)  # fmt: skip
NAME = re.compile(r'name="([^"]+)"')


def field_names(app: Flask) -> list[str]:
    """The field names of every form the app has (subforms' as ``rules-0-count``)."""
    names: set[str] = set()
    with app.test_request_context():
        for module_name in FORM_MODULES:
            module = importlib.import_module(module_name)
            for _name, form_class in inspect.getmembers(module, inspect.isclass):
                if issubclass(form_class, FlaskForm) and form_class is not FlaskForm:
                    try:
                        form = form_class(meta={"csrf": False})
                    except TypeError:  # a form needing constructor arguments
                        continue
                    names.update(field.name for field in form)
    return sorted(names)


def _post_rules(app: Flask) -> list[tuple[str, str]]:
    return sorted(
        {(r.endpoint, r.rule) for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    )


def _rules() -> list[tuple[str, str]]:
    from lms import create_app
    from tests.fixtures.app import TEST_CONFIG

    return _post_rules(create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://"}))


POST_RULES = _rules()

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_files.form_values,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
json_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {"saves": st.lists(st.fixed_dictionaries(
            {"position": json_values, "seq": json_values, "value": json_values,
             "key": json_values, "flag": json_values}), max_size=4)}
    ),
)  # fmt: skip


@pytest.fixture(scope="module")
def every_field_name(app: Flask) -> list[str]:
    return field_names(app)


def test_every_post_route_is_fuzzed(app: Flask) -> None:
    assert _post_rules(app) == POST_RULES, "the app's POST routes changed since collection"


@pytest.mark.parametrize(("endpoint", "path"), POST_RULES, ids=[f"{e} {p}" for e, p in POST_RULES])
@hostile(FORM_EXAMPLES)
@given(data=st.data())
def test_no_post_route_answers_hostile_fields_with_a_server_error(
    app: Flask,
    world: World,
    client_as: Callable[[str | None], FlaskClient],
    each_example: Callable,
    every_field_name: list[str],
    endpoint: str,
    path: str,
    data: st.DataObject,
) -> None:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint and r.rule == path)
    url = url_of(app, world, endpoint, "POST", rule)
    with each_example():
        client = client_as(POSTED_BY.get(endpoint, "admin"))
        names = list(every_field_name)
        if "GET" in (rule.methods or ()):  # the page's own fields, so its form gets deep
            page = client.get(url)
            names = sorted(set(NAME.findall(page.get_data(as_text=True)))) or names
        chosen = data.draw(st.lists(st.sampled_from(names), max_size=12), label="fields")
        form = MultiDict([(n, data.draw(hostile_files.form_values, label=n)) for n in chosen])
        if endpoint == "attempts.save" or data.draw(st.integers(0, 9), label="json?") == 5:
            response = client.post(url, json=data.draw(json_bodies, label="json"))
        else:
            response = client.post(url, data=form)
        event(f"status {response.status_code}")
        assert_not_a_server_error(response, f"{endpoint} {url} {dict(form)}"[:2000])
