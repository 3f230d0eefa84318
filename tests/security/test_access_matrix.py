"""The access matrix: every route of the app, requested as each role, against one table.

``ACCESS`` declares, for every (endpoint, method) of the URL map, the status each role
gets. A route missing from it fails ``test_the_table_covers_every_route``, naming the
route, so no new page can be forgotten; a row for a route that no longer exists fails too.
``test_each_role_gets_the_declared_status`` then requests every route as anonymous,
agent, trainer, hr and admin, with URL arguments naming B's objects (someone else's for
every one of the five).

How the app answers, and so what the table says:
- anonymous on a protected route: 302 to ``/login?next=<the URL>`` (``LOGIN``);
- a signed-in role a route is not for: 403, before any object is looked up;
- an object that is not yours on a route open to its owner (an attempt, a certificate,
  evidence, a notification, a classroom invitation): 404, the same as an id that does not
  exist, so ids reveal nothing. Staff reach others' objects through staff routes, and
  the certificate PDF (trainers, HR) and evidence (HR) on the shared ones.
POSTs carry an empty form (CSRF is off in the tests' config): a forbidden role must still
be refused, an allowed one gets the form's own answer (a 400 or 422 for missing fields,
a redirect after an action), never a 403 or a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import unquote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from tests.security.world import World

ROLES = ("anonymous", "agent", "trainer", "hr", "admin")
LOGIN = "login"  # 302 to /login?next=<the URL requested>
# HEAD and OPTIONS are answered by Flask itself for every GET route: nothing of ours.
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}
# Flask's own static files: public by design, outside any blueprint, no access rule to keep.
SKIPPED_ENDPOINTS = {"static"}

Status = int | str


@dataclass(frozen=True)
class Access:
    """The status each role gets from one (endpoint, method)."""

    anonymous: Status
    agent: Status
    trainer: Status
    hr: Status
    admin: Status

    def of(self, role: str) -> Status:
        return getattr(self, role)

    def but(self, **statuses: Status) -> Access:
        """The same with some roles' statuses replaced."""
        return replace(self, **statuses)


# The shapes of the table: upper case, as they read in it ("HR", "SIGNED_IN(302)").
def PUBLIC(status: int = 200) -> Access:
    """Anyone, signed in or not."""
    return Access(status, status, status, status, status)


def SIGNED_IN(status: int = 200) -> Access:
    """Anyone signed in: each sees their own (the route takes no one's id)."""
    return Access(LOGIN, status, status, status, status)


def ROLE(*roles: str, status: int = 200) -> Access:
    """Holders of ``roles`` (and admins, who pass every role check); others get 403."""

    def for_role(role: str) -> Status:
        return status if role in roles or role == "admin" else 403

    return Access(LOGIN, for_role("agent"), for_role("trainer"), for_role("hr"), status)


# The URL names B's object and none of the five roles is B: hidden from all of them.
OWNER = Access(LOGIN, 404, 404, 404, 404)

ADMIN = ROLE("admin")
HR = ROLE("hr")
TRAINER = ROLE("trainer")
STAFF = ROLE("trainer", "hr")


ACCESS: dict[tuple[str, str], Access] = {
    # --- accounts -------------------------------------------------------------------------
    ("accounts.login", "GET"): PUBLIC().but(agent=302, trainer=302, hr=302, admin=302),
    ("accounts.login", "POST"): PUBLIC().but(agent=302, trainer=302, hr=302, admin=302),
    ("accounts.logout", "POST"): SIGNED_IN(302),
    ("accounts.change_password", "GET"): SIGNED_IN(),
    ("accounts.change_password", "POST"): SIGNED_IN(),  # the form again, with its errors
    # The second step of signing in: without a passed password step, back to the login page.
    ("accounts.second_factor", "GET"): PUBLIC(302),
    ("accounts.second_factor", "POST"): PUBLIC(302),
    # Two-factor sign-in is for HR and admins (agents and trainers have nothing to set up).
    ("accounts.two_factor_enrol", "GET"): Access(302, 403, 403, 200, 200),
    ("accounts.two_factor_enrol", "POST"): Access(302, 403, 403, 200, 200),
    ("accounts.two_factor", "GET"): SIGNED_IN().but(agent=404, trainer=404),
    ("accounts.two_factor", "POST"): SIGNED_IN().but(agent=404, trainer=404),
    ("accounts.recovery_codes", "GET"): SIGNED_IN(302),  # shown once, right after making them
    ("accounts.reset_two_factor", "POST"): ROLE("admin", status=302),
    ("accounts.users", "GET"): ADMIN,
    ("accounts.create_user", "GET"): ADMIN,
    ("accounts.create_user", "POST"): ADMIN,
    ("accounts.edit_user", "GET"): ADMIN,
    ("accounts.edit_user", "POST"): ADMIN,
    ("accounts.deactivate_user", "POST"): ROLE("admin", status=302),
    ("accounts.reactivate_user", "POST"): ROLE("admin", status=302),
    ("accounts.reset_password", "POST"): ADMIN,  # the new password, shown once
    ("accounts.import_users", "GET"): ADMIN,
    ("accounts.import_users", "POST"): ADMIN,
    ("accounts.import_template", "GET"): ADMIN,
    ("accounts.departments", "GET"): ADMIN,
    ("accounts.departments", "POST"): ADMIN,
    ("accounts.edit_department", "GET"): ADMIN,
    ("accounts.edit_department", "POST"): ADMIN,
    ("accounts.delete_department", "POST"): ROLE("admin", status=302),
    # --- shell ----------------------------------------------------------------------------
    ("shell.home", "GET"): SIGNED_IN(),
    ("shell.healthz", "GET"): PUBLIC(),
    ("shell.set_language", "POST"): PUBLIC(302),
    ("notifications.index", "GET"): SIGNED_IN(),
    ("notifications.unread_count", "GET"): SIGNED_IN(),
    ("notifications.read_all", "POST"): SIGNED_IN(302),
    ("notifications.open_notification", "POST"): OWNER,
    # --- courses --------------------------------------------------------------------------
    ("courses.catalogue", "GET"): SIGNED_IN(),
    ("courses.my_learning", "GET"): SIGNED_IN(),
    ("courses.course", "GET"): SIGNED_IN(),
    ("courses.lesson", "GET"): SIGNED_IN(),
    ("courses.mark_done", "POST"): SIGNED_IN(302),
    ("courses.submit_check", "POST"): SIGNED_IN(),  # the lesson with the check's result
    ("courses.preview", "GET"): STAFF,
    ("courses.learners", "GET"): STAFF,
    ("courses.export_learners", "GET"): STAFF,
    # --- exams: taking them ---------------------------------------------------------------
    ("attempts.exams", "GET"): SIGNED_IN(),
    ("attempts.exam", "GET"): SIGNED_IN(),
    # Only agents sit exams: staff are told why, with 409, on the start page.
    ("attempts.start", "POST"): SIGNED_IN(302).but(trainer=409, hr=409, admin=409),
    ("attempts.attempt", "GET"): OWNER,
    ("attempts.save", "POST"): OWNER,
    ("attempts.status", "GET"): OWNER,
    ("attempts.submit", "GET"): OWNER,
    ("attempts.submit", "POST"): OWNER,
    ("attempts.result", "GET"): OWNER,
    # The holder, and the staff who issue and check certificates.
    ("attempts.certificate_pdf", "GET"): OWNER.but(trainer=200, hr=200, admin=200),
    ("attempts.verify", "GET"): PUBLIC(),  # whoever holds the paper checks it
    # --- exams: the question bank ---------------------------------------------------------
    ("exams.questions", "GET"): TRAINER,
    ("exams.question", "GET"): TRAINER,
    ("exams.version", "GET"): TRAINER,
    # An image of a question: the bank's trainers, staff reading attempts, and a candidate
    # whose paper showed it (not A: B's question was on no paper of A's).
    ("exams.file", "GET"): OWNER.but(trainer=200, hr=200, admin=200),
    ("exams.new_question", "GET"): TRAINER,
    ("exams.new_question", "POST"): ROLE("trainer", status=422),
    ("exams.edit_question", "GET"): TRAINER,
    ("exams.edit_question", "POST"): ROLE("trainer", status=422),
    ("exams.set_status", "POST"): ROLE("trainer", status=302),
    ("exams.move_question", "POST"): ROLE("trainer", status=302),
    ("exams.add_category", "POST"): ROLE("trainer", status=302),
    ("exams.import_questions", "GET"): TRAINER,
    ("exams.import_questions", "POST"): ROLE("trainer", status=422),
    # A staged import is its trainer's alone: another (an admin here) is told it is not there.
    ("exams.import_preview", "GET"): TRAINER.but(admin=404),
    ("exams.finish_import", "POST"): ROLE("trainer", status=302).but(admin=404),
    ("exams.export", "GET"): TRAINER,
    ("exams.template", "GET"): TRAINER,
    # --- exams: staff ---------------------------------------------------------------------
    ("exam_staff.results", "GET"): STAFF,
    ("exam_staff.export", "GET"): STAFF,
    ("exam_staff.attempt_detail", "GET"): STAFF,
    ("exam_staff.items", "GET"): TRAINER,
    ("exam_staff.grading_queue", "GET"): TRAINER,
    ("exam_staff.grade_answer", "POST"): ROLE("trainer", status=400),  # no mark given
    ("exam_staff.regrade", "POST"): ROLE("trainer", status=302),
    ("exam_staff.exam_list", "GET"): TRAINER,
    ("exam_staff.edit_exam", "GET"): TRAINER,
    ("exam_staff.edit_exam", "POST"): ROLE("trainer", status=400),
    ("exam_staff.add_override", "POST"): ROLE("trainer", status=302),
    ("exam_staff.certificate_list", "GET"): HR,
    ("exam_staff.revoke", "POST"): ROLE("hr", status=302),
    ("exam_staff.seal", "POST"): ROLE("hr", status=400),  # no image sent
    ("exam_staff.seal_image", "GET"): HR,
    # --- training: classroom --------------------------------------------------------------
    ("sessions.my_sessions", "GET"): SIGNED_IN(),
    ("sessions.calendar", "GET"): SIGNED_IN(),
    # Not invited: hidden from agents; staff are sent on to the session's staff page.
    ("sessions.session_page", "GET"): OWNER.but(trainer=302, hr=302, admin=302),
    ("sessions.respond", "POST"): OWNER,
    ("sessions.check_in", "POST"): OWNER,
    ("sessions.rate", "POST"): OWNER,
    ("sessions.staff_list", "GET"): STAFF,
    ("sessions.staff_session", "GET"): STAFF,
    ("sessions.edit_session", "GET"): STAFF,
    ("sessions.edit_session", "POST"): ROLE("trainer", "hr", status=400),
    ("sessions.mark_attendance", "POST"): ROLE("trainer", "hr", status=302),
    ("sessions.invite_again", "POST"): ROLE("trainer", "hr", status=302),
    ("sessions.new_code", "POST"): ROLE("trainer", "hr", status=302),
    ("sessions.cancel", "POST"): ROLE("trainer", "hr", status=302),
    ("sessions.remove", "POST"): ROLE("trainer", "hr", status=302),
    # --- training: refreshers -------------------------------------------------------------
    ("refreshers.mine", "GET"): SIGNED_IN(),
    ("refreshers.programmes", "GET"): STAFF,
    ("refreshers.programme", "GET"): STAFF,
    ("refreshers.edit_programme", "GET"): STAFF,
    ("refreshers.edit_programme", "POST"): ROLE("trainer", "hr", status=400),
    ("refreshers.assign", "POST"): ROLE("trainer", "hr", status=302),
    ("refreshers.overdue", "GET"): STAFF,
    ("refreshers.compliance", "GET"): STAFF,
    ("refreshers.export_compliance", "GET"): STAFF,
    # --- records --------------------------------------------------------------------------
    ("records.my_record", "GET"): SIGNED_IN(),
    ("records.my_policy", "GET"): SIGNED_IN(),
    ("records.my_policy", "POST"): SIGNED_IN(400),  # no policy named
    # The person it belongs to and HR; everyone else is told it is not there.
    ("records.evidence", "GET"): OWNER.but(hr=200, admin=200),
    ("records.ledger", "GET"): HR,
    ("records.ledger_export", "GET"): HR,
    ("records.record_detail", "GET"): HR,
    ("records.record_detail", "POST"): ROLE("hr", status=400),
    ("records.external_list", "GET"): HR,
    ("records.external_new", "GET"): HR,
    ("records.external_new", "POST"): ROLE("hr", status=400),
    ("records.external_detail", "GET"): HR,
    ("records.external_approve", "POST"): ROLE("hr", status=302),
    ("records.external_reject", "POST"): ROLE("hr", status=400),  # no reason given
    ("records.policy_status", "GET"): HR,
    ("records.policy_export", "GET"): HR,
    ("records.policy_new", "GET"): HR,
    ("records.policy_new", "POST"): ROLE("hr", status=400),
    ("records.settings", "GET"): HR,
    ("records.settings", "POST"): ROLE("hr", status=400),
    # --- records: HR reports --------------------------------------------------------------
    ("reports.dashboard", "GET"): HR,
    ("reports.departments", "GET"): HR,
    ("reports.departments_export", "GET"): HR,
    ("reports.agents", "GET"): HR,
    ("reports.agents_export", "GET"): HR,
    ("reports.agent", "GET"): HR,
    ("reports.agent_export", "GET"): HR,
    ("reports.appraisal", "GET"): HR,
    ("reports.appraisal_export", "GET"): HR,
    ("reports.expiries", "GET"): HR,
    ("reports.expiries_export", "GET"): HR,
    ("reports.knowledge_gaps", "GET"): HR,
    ("reports.knowledge_gaps_export", "GET"): HR,
    # --- career ---------------------------------------------------------------------------
    ("career.my_path", "GET"): SIGNED_IN(),
    ("career.eligibility", "GET"): HR,
    ("career.export", "GET"): HR,
    ("career.agent", "GET"): HR,  # one agent's checklist and decisions: HR only
    ("career.decide", "POST"): HR,  # the page again, with the form's errors
    ("career_rules.index", "GET"): HR,
    ("career_rules.versions", "GET"): HR,
    ("career_rules.edit", "GET"): HR,
    ("career_rules.edit", "POST"): HR,  # the form again, with its errors
    ("kpis.history", "GET"): HR,
    ("kpis.import_file", "GET"): HR,
    ("kpis.import_file", "POST"): HR,  # the form again, with its errors
    ("kpis.template", "GET"): HR,
    ("kpis.import_detail", "GET"): HR,
    ("kpis.agent", "GET"): HR,
    # --- audit ----------------------------------------------------------------------------
    ("audit.events", "GET"): ADMIN,
    ("audit.export", "GET"): ADMIN,  # fmt=csv
}


# --- the URL map ----------------------------------------------------------------------------


def routes(app: Flask) -> Iterator[tuple[str, str, Rule]]:
    """Every (endpoint, method, rule) the app serves, but for ``SKIPPED_ENDPOINTS``."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - IMPLICIT_METHODS):
            yield rule.endpoint, method, rule


def coverage_problems(app: Flask, table: dict[tuple[str, str], Access]) -> list[str]:
    """What keeps ``table`` from matching the URL map exactly, one line per route."""
    served: dict[tuple[str, str], list[str]] = {}
    for endpoint, method, rule in routes(app):
        served.setdefault((endpoint, method), []).append(rule.rule)
    missing = [
        f"{endpoint} {method} {' and '.join(sorted(rules))} has no row in ACCESS"
        for (endpoint, method), rules in sorted(served.items())
        if (endpoint, method) not in table
    ]
    stale = [
        f"ACCESS has a row for {endpoint} {method}, which the app no longer serves"
        for endpoint, method in sorted(table)
        if (endpoint, method) not in served
    ]
    return missing + stale


# URL arguments: B's objects by the argument's name; ``arguments_of`` where a name means
# something else on one endpoint.
def default_arguments(world: World) -> dict[str, Any]:
    return {
        "user_id": world.owner_id,
        "department_id": world.department_id,
        "attempt_id": world.attempt_id,
        "exam_id": world.exam_id,
        "serial": world.certificate_serial,
        "answer_id": world.answer_id,
        "question_id": world.question_id,
        "number": 1,
        "version_id": world.version_id,
        "name": world.file_name,
        "import_id": world.question_import_id,
        "training_id": world.external_training_id,
        "record_id": world.record_id,
        "programme_id": world.programme_id,
        "session_id": world.session_id,
        "notification_id": world.notification_id,
        "slug": world.course_slug,
        "lesson_slug": world.lesson_slug,
        "kind": "csv",
        "fmt": "csv",
        "status": "published",
        "action": "cancel",
        "answer": "accept",
        "from_level": "junior",  # the rule up from 初级
    }


def arguments_of(world: World) -> dict[str, dict[str, Any]]:
    return {
        "kpis.import_detail": {"import_id": world.kpi_import_id},
        "exams.new_question": {"kind": "true_false"},
        "exams.export": {"fmt": "gift"},
    }


# Bodies other than an empty form.
JSON_BODIES = {"attempts.save": {"saves": []}}


def url_of(app: Flask, world: World, endpoint: str, method: str, rule: Rule) -> str:
    values = {**default_arguments(world), **arguments_of(world).get(endpoint, {})}
    missing = rule.arguments - values.keys()
    assert not missing, f"{endpoint} {rule.rule}: give the world a value for {sorted(missing)}"
    adapter = app.url_map.bind("localhost")
    return adapter.build(endpoint, {k: values[k] for k in rule.arguments}, method=method)


def request(client: FlaskClient, endpoint: str, method: str, url: str) -> Any:
    if method == "GET":
        return client.get(url)
    if endpoint in JSON_BODIES:
        return client.open(url, method=method, json=JSON_BODIES[endpoint])
    return client.open(url, method=method, data={})


def assert_status(response: Any, expected: Status, url: str, label: str) -> None:
    if expected == LOGIN:
        location = response.headers.get("Location", "")
        assert response.status_code == 302 and location.startswith("/login?next="), (
            f"{label}: expected the redirect to sign in, got {response.status_code} {location}"
        )
        assert unquote(location.removeprefix("/login?next=")) == url, label
    else:
        assert response.status_code == expected, (
            f"{label}: expected {expected}, got {response.status_code}"
        )


# --- the tests ------------------------------------------------------------------------------


def test_the_table_covers_every_route(app: Flask) -> None:
    problems = coverage_problems(app, ACCESS)
    assert not problems, "\n".join(problems)


def test_a_missing_row_and_a_stale_row_are_each_named(app: Flask) -> None:
    table = dict(ACCESS)
    del table[("records.evidence", "GET")]
    table[("records.gone", "POST")] = HR
    assert coverage_problems(app, table) == [
        "records.evidence GET /records/external/<int:training_id>/evidence has no row in ACCESS",
        "ACCESS has a row for records.gone POST, which the app no longer serves",
    ]


def test_an_endpoint_with_two_urls_is_named_with_both(app: Flask) -> None:
    table = {key: access for key, access in ACCESS.items() if key[0] != "exam_staff.edit_exam"}
    assert coverage_problems(app, table) == [
        "exam_staff.edit_exam GET /exam-admin/<int:exam_id>/edit and /exam-admin/new "
        "has no row in ACCESS",
        "exam_staff.edit_exam POST /exam-admin/<int:exam_id>/edit and /exam-admin/new "
        "has no row in ACCESS",
    ]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("endpoint", "method"), sorted(ACCESS), ids=[f"{e} {m}" for e, m in sorted(ACCESS)]
)
def test_each_role_gets_the_declared_status(
    app: Flask,
    world: World,
    client_as: Callable[[str | None], FlaskClient],
    endpoint: str,
    method: str,
    role: str,
) -> None:
    expected = ACCESS[(endpoint, method)].of(role)
    rules = [rule for e, m, rule in routes(app) if (e, m) == (endpoint, method)]
    assert rules, f"{endpoint} {method} is not served (see the coverage test)"
    for rule in rules:
        url = url_of(app, world, endpoint, method, rule)
        client = client_as(None if role == "anonymous" else role)
        response = request(client, endpoint, method, url)
        assert_status(response, expected, url, f"{method} {url} as {role}")
