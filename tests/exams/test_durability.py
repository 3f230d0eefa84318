"""Exam answers survive a killed server, and racing requests grade an attempt exactly once.

These tests run against a real server, not the rolled-back ``db_session``: gunicorn (two
worker processes of four threads each, ``wsgi:app``) in its own process group, on its own
database — a SQLite file, or the schema ``lms_durability`` when DATABASE_URL names PostgreSQL
(the browser tests use ``lms_browser``). Seeding goes through the services: the question bank
and the seeded 服务规范考核 from ``content/``, plus some agents. Each agent is a stdlib HTTP
client with its own cookie jar. It signs in through the login form and sends the CSRF tokens
the pages carry, like a browser. Verdicts are read from the database directly, in an app built
on the same URL.

What is proven:

1. **An acknowledged save survives SIGKILL.** Four agents each hammer autosaves on their own
   attempt: they keep changing single-choice and true/false answers, one or two per request,
   and each save names the revision the server last returned. After a second (and at least
   ten acknowledged saves per agent) the server's whole process group gets SIGKILL while
   requests are in flight. A save counts as acknowledged only if it got a 200 "saved" reply;
   a request cut off by the kill has an unknown outcome. After a restart on the same database,
   every hammered answer's (response, revision, save_token) must be the state the last
   acknowledged save left. The one exception is when the agent's cut-off request touched that
   question: it may have been committed, so its state is accepted as well, provided it landed
   whole (all of its answers or none). Nothing else is accepted: a lost, rolled-back or
   half-applied save fails the test. The restarted server must then serve each attempt page
   showing the same revisions and answers, and acknowledge a new save.
2. **Two simultaneous submits of one attempt grade it once.** Two threads share one session
   and are released together by a barrier. Both must get a 302 to the result page (neither
   gets a 500). The attempt must be graded by the request that finished it
   (``graded_at == finished_at``; a second grading would stamp a later time). It must have
   exactly one ``participation_record`` ``exam-attempt:<id>`` and, when passed, exactly one
   certificate. Every other round answers everything right, so the certificate path races too.
3. **A save racing the submit is kept or refused, never lost.** A save and a submit of a fresh
   attempt are released together, over ten rounds. The save is either acknowledged, and then
   the graded attempt holds exactly that response and scored it, or refused with 409, and then
   the response did not land.

No test may leave a traceback in the server log.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa
from flask import Flask

from lms.accounts import services as accounts
from lms.accounts.models import Role
from lms.exams.models import Answer, Attempt, AttemptState, Certificate, Exam
from lms.exams.question_types import question_type
from lms.exams.services import attempts
from lms.exams.services.exam_files import sync_exams
from lms.exams.services.grading import shown_payload
from lms.exams.services.interchange import sync_question_bank
from lms.extensions import db
from lms.records.models import ParticipationRecord
from tests.exams.test_attempts import right_response
from tests.fixtures.app import build_app
from tests.fixtures.browser import database_url_in_schema, free_port, reset_schema

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
SCHEMA = "lms_durability"
HOST = "127.0.0.1"
SECRET_KEY = "durability-test-secret"
PASSWORD = "secret123"
EXAM_SLUG = "service-standards-certification"
HAMMERING = [f"KF07{n:02d}" for n in range(1, 5)]
DOUBLE_SUBMITTING = [f"KF07{n:02d}" for n in range(11, 16)]
RACING = [f"KF07{n:02d}" for n in range(21, 31)]
HAMMER_SECONDS = 1.0
MIN_ACKNOWLEDGED = 10  # per agent, before the kill
# How much later the save goes out than the submit (negative: earlier), round by round, so
# that each wins the race in some rounds.
SAVE_LAGS = (0.0, 0.001, -0.001, 0.002, -0.002)
ANSWERABLE = ("single_choice", "true_false")  # the types whose page inputs carry the response


# --- the server -----------------------------------------------------------------------------


@dataclass
class Reply:
    status: int
    headers: Message
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _Received:
    """What ``CookieJar.extract_cookies`` reads of a response."""

    def __init__(self, headers: Message) -> None:
        self._headers = headers

    def info(self) -> Message:
        return self._headers


def _exchange(
    port: int,
    method: str,
    path: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
    barrier: threading.Barrier | None = None,
    delay: float = 0.0,
    on_reply: Callable[[http.client.HTTPResponse], None] | None = None,
) -> Reply:
    """One request on a fresh connection. With ``barrier``, the connection is opened first
    and the request goes out ``delay`` seconds after every party is ready, so racing
    requests race."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        if barrier is not None:
            connection.connect()
            barrier.wait(timeout=30)
            time.sleep(delay)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        if on_reply is not None:
            on_reply(response)
        return Reply(response.status, response.headers, data)
    finally:
        connection.close()


@dataclass
class Server:
    """gunicorn on the test database, in its own process group so SIGKILL takes it whole."""

    app: Flask  # an app on the server's database, to seed and inspect it from the test
    port: int
    log_path: Path
    env: dict[str, str]
    exam_id: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--bind",
                    f"{HOST}:{self.port}",
                    "--access-logfile",
                    "-",
                    "--timeout",
                    "60",
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                if _exchange(self.port, "GET", "/healthz", timeout=2).status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                pytest.fail(f"the server did not start:\n{self.log()}")
            time.sleep(0.1)

    def ensure_running(self) -> None:
        if self.process is None or self.process.poll() is not None:
            self.start()

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once: nothing gets to clean up."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        process = self.process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):  # the group may be gone already
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.process = None

    def log(self, since: int = 0, tail: int = 12_000) -> str:
        text = self.log_path.read_bytes()[since:].decode("utf-8", errors="replace")
        return text[-tail:]

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def seed(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn`` in an app context on the server's database and commit."""
        with self.app.app_context():
            try:
                result = fn(*args, **kwargs)
                db.session.commit()
                return result
            finally:
                db.session.remove()

    def read(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn`` on fresh data and end the transaction at once (on SQLite the test's
        own transactions begin IMMEDIATE, so a lingering one would block the server)."""
        with self.app.app_context():
            db.session.remove()
            try:
                return fn()
            finally:
                db.session.remove()


def _seed() -> int:
    sync_question_bank(CONTENT / "questions")
    sync_exams(CONTENT / "exams")
    for employee_no in HAMMERING + DOUBLE_SUBMITTING + RACING:
        user, _password = accounts.create_user(
            accounts.UserDetails(employee_no=employee_no, name="测试", roles={Role.AGENT}),
            PASSWORD,
        )
        user.must_change_password = False
    exam_id = db.session.scalar(sa.select(Exam.id).where(Exam.slug == EXAM_SLUG))
    assert exam_id is not None
    return exam_id


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp_dir = tmp_path_factory.mktemp("durability")
    database_url = database_url_in_schema(tmp_dir, SCHEMA)
    app = build_app(database_url)
    reset_schema(app, SCHEMA)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "FLASK_DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
    }
    running = Server(app=app, port=free_port(), log_path=tmp_dir / "server.log", env=env)
    running.exam_id = running.seed(_seed)
    try:
        running.start()
        yield running
    finally:
        running.stop()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def live(server: Server) -> Iterator[Server]:
    """The server, running (an earlier test may have left it killed), and a clean log after."""
    server.ensure_running()
    start = server.log_size()
    yield server
    assert "Traceback" not in server.log(since=start, tail=10**9), server.log(since=start)


# --- an agent's browser ---------------------------------------------------------------------


@dataclass
class PageQuestion:
    position: int
    type: str
    revision: int
    values: list[str] = field(default_factory=list)  # the `value`s of inputs name="a{pos}"
    checked: str | None = None


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.csrf_field: str | None = None  # <input name="csrf_token" value=...>
        self.data_csrf: str | None = None  # <div id="attempt" data-csrf=...>
        self.questions: dict[int, PageQuestion] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        name = found.get("name") or ""
        if tag == "div" and found.get("id") == "attempt":
            self.data_csrf = found.get("data-csrf")
        elif tag == "section" and "attempt-question" in (found.get("class") or "").split():
            position = int(found["data-position"] or "")
            self.questions[position] = PageQuestion(
                position, found["data-type"] or "", int(found["data-revision"] or "")
            )
        elif tag == "input" and name == "csrf_token":
            self.csrf_field = found.get("value")
        elif tag == "input" and re.fullmatch(r"a\d+", name):
            question = self.questions[int(name[1:])]
            question.values.append(found.get("value") or "")
            if "checked" in found:
                question.checked = found.get("value")


def parse_page(html: str) -> _PageParser:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser


def response_of(kind: str, value: str) -> Any:
    """The JSON response a page input's ``value`` stands for."""
    return int(value) if kind == "single_choice" else value == "true"


class Agent:
    """A browser for one agent: a cookie jar, and the forms' CSRF tokens sent back."""

    def __init__(self, server: Server, employee_no: str) -> None:
        self.server = server
        self.employee_no = employee_no
        self.jar = CookieJar()

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        payload: Any = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
        barrier: threading.Barrier | None = None,
        delay: float = 0.0,
    ) -> Reply:
        probe = urllib.request.Request(f"http://{HOST}:{self.server.port}{path}", method=method)
        self.jar.add_cookie_header(probe)
        sent = dict(probe.header_items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif payload is not None:
            body = json.dumps(payload).encode()
            sent["Content-Type"] = "application/json"
        sent.update(headers or {})
        return _exchange(
            self.server.port,
            method,
            path,
            body=body,
            headers=sent,
            timeout=timeout,
            barrier=barrier,
            delay=delay,
            on_reply=lambda response: self.jar.extract_cookies(
                _Received(response.headers),  # type: ignore[arg-type]
                probe,
            ),
        )

    def get_page(self, path: str) -> _PageParser:
        reply = self.request("GET", path)
        assert reply.status == 200, (path, reply.status, reply.location)
        return parse_page(reply.text)

    def sign_in(self) -> Agent:
        token = self.get_page("/login").csrf_field
        assert token
        reply = self.request(
            "POST",
            "/login",
            form={"csrf_token": token, "employee_no": self.employee_no, "password": PASSWORD},
        )
        assert reply.status == 302, (self.employee_no, reply.status, reply.text[:500])
        return self

    def start(self, exam_id: int) -> int:
        token = self.get_page(f"/exams/{exam_id}").csrf_field
        assert token
        reply = self.request("POST", f"/exams/{exam_id}/start", form={"csrf_token": token})
        assert reply.status == 302, (self.employee_no, reply.status, reply.text[:500])
        found = re.search(r"/attempts/(\d+)$", reply.location)
        assert found, reply.location
        return int(found.group(1))

    def save(
        self,
        attempt_id: int,
        csrf: str,
        saves: list[dict[str, Any]],
        *,
        timeout: float = 30.0,
        barrier: threading.Barrier | None = None,
        delay: float = 0.0,
    ) -> Reply:
        return self.request(
            "POST",
            f"/attempts/{attempt_id}/answers",
            payload={"saves": saves, "flags": {}},
            headers={"X-CSRFToken": csrf},
            timeout=timeout,
            barrier=barrier,
            delay=delay,
        )

    def submit(
        self,
        attempt_id: int,
        csrf: str,
        barrier: threading.Barrier | None = None,
        delay: float = 0.0,
    ) -> Reply:
        return self.request(
            "POST",
            f"/attempts/{attempt_id}/submit",
            form={"csrf_token": csrf},
            barrier=barrier,
            delay=delay,
        )


def _in_parallel(*calls: Callable[[], Reply]) -> list[Reply]:
    """Run each call on its own thread; re-raise here whatever one of them raised."""
    replies: list[Reply | None] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int, call: Callable[[], Reply]) -> None:
        try:
            replies[index] = call()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    assert all(reply is not None for reply in replies), "a request hung"
    return [reply for reply in replies if reply is not None]


# --- 1. SIGKILL durability ------------------------------------------------------------------


@dataclass
class SentSave:
    """One save request: per position the response, the revision it named and its token."""

    changes: dict[int, tuple[Any, int, str]]
    acknowledged: dict[int, int] | None = None  # position -> revision the server returned


@dataclass
class Hammer:
    """One agent saving as fast as the server answers, on its own attempt."""

    agent: Agent
    attempt_id: int
    csrf: str
    kinds: dict[int, str]  # hammered position -> question type
    options: dict[int, list[Any]]
    revision: dict[int, int]
    current: dict[int, Any]
    sent: list[SentSave] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    cut_off: bool = False  # ended by a request whose outcome is unknown

    def run(self, stop: threading.Event, seed: int) -> None:
        rng = random.Random(seed)
        tab = f"tab{seed}"
        sequence = 0
        positions = sorted(self.kinds)
        while not stop.is_set():
            changes = {}
            for position in rng.sample(positions, k=rng.choice((1, 1, 2))):
                sequence += 1
                choices = [v for v in self.options[position] if v != self.current[position]]
                changes[position] = (
                    rng.choice(choices),
                    self.revision[position],
                    f"{tab}:{sequence}",
                )
            record = SentSave(changes)
            self.sent.append(record)
            saves = [
                {"position": p, "revision": rev, "response": value, "token": token}
                for p, (value, rev, token) in changes.items()
            ]
            try:
                reply = self.agent.save(self.attempt_id, self.csrf, saves, timeout=10)
            except (OSError, http.client.HTTPException):
                self.cut_off = True  # in flight at the kill, or refused after it
                return
            if reply.status != 200:
                self.failures.append(f"save {saves} -> {reply.status} {reply.text[:300]}")
                return
            results = reply.json()["results"]
            if sorted(r["position"] for r in results) != sorted(changes) or any(
                r["status"] != "saved" for r in results
            ):
                self.failures.append(f"save {saves} -> {results}")
                return
            record.acknowledged = {r["position"]: r["revision"] for r in results}
            for position, (value, _rev, _token) in changes.items():
                self.current[position] = value
                self.revision[position] = record.acknowledged[position]

    def acknowledged_count(self) -> int:
        return sum(1 for record in list(self.sent) if record.acknowledged is not None)

    def acceptable(self, position: int) -> list[tuple[str, int, str | None]]:
        """The (response as JSON, revision, token) states the database may hold."""
        states: list[tuple[str, int, str | None]] = [("null", 0, None)]
        for record in self.sent:
            if position not in record.changes:
                continue
            value, named, token = record.changes[position]
            if record.acknowledged is not None:
                states = [(json.dumps(value), record.acknowledged[position], token)]
            else:  # unknown outcome: it may have been committed
                states.append((json.dumps(value), named + 1, token))
        return states


def _stored_answers(attempt_id: int) -> dict[int, tuple[str, int, str | None]]:
    answers = db.session.scalars(sa.select(Answer).where(Answer.attempt_id == attempt_id))
    return {a.position: (json.dumps(a.response), a.revision, a.save_token) for a in answers}


def test_acknowledged_saves_survive_sigkill(live: Server) -> None:
    exam_id = live.exam_id
    hammers = []
    for employee_no in HAMMERING:
        agent = Agent(live, employee_no).sign_in()
        attempt_id = agent.start(exam_id)
        page = agent.get_page(f"/attempts/{attempt_id}")
        assert page.data_csrf
        questions = [q for q in page.questions.values() if q.type in ANSWERABLE][:8]
        assert len(questions) >= 4, [q.type for q in page.questions.values()]
        hammers.append(
            Hammer(
                agent=agent,
                attempt_id=attempt_id,
                csrf=page.data_csrf,
                kinds={q.position: q.type for q in questions},
                options={q.position: [response_of(q.type, v) for v in q.values] for q in questions},
                revision={q.position: q.revision for q in questions},
                current={q.position: None for q in questions},
            )
        )

    stop = threading.Event()
    crashed: list[BaseException] = []

    def work(hammer: Hammer, seed: int) -> None:
        try:
            hammer.run(stop, seed)
        except BaseException as error:
            crashed.append(error)

    threads = [
        threading.Thread(target=work, args=(hammer, seed)) for seed, hammer in enumerate(hammers)
    ]
    for thread in threads:
        thread.start()
    # About a second of saves, and enough acknowledged ones to mean something on a slow box.
    time.sleep(HAMMER_SECONDS)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not crashed:
        if all(h.acknowledged_count() >= MIN_ACKNOWLEDGED or h.failures for h in hammers):
            break
        time.sleep(0.05)
    live.kill()
    # Each hammer stops by itself: its next save meets the dead server and ends it cut off.
    # Setting ``stop`` first would race with that on a loaded machine (a hammer between two
    # saves at the kill would stop cleanly and never see it).
    for thread in threads:
        thread.join(timeout=30)
    stop.set()
    assert not any(thread.is_alive() for thread in threads), "a client hung after the kill"
    if crashed:
        raise crashed[0]
    for hammer in hammers:
        assert not hammer.failures, (hammer.failures, live.log())
        acknowledged = hammer.acknowledged_count()
        assert acknowledged >= MIN_ACKNOWLEDGED, f"only {acknowledged} saves acknowledged"
        assert hammer.cut_off, "the hammer stopped before the kill"

    live.start()  # the same database, after SIGKILL

    for hammer in hammers:
        stored = live.read(lambda h=hammer: _stored_answers(h.attempt_id))
        for position in hammer.kinds:
            acceptable = hammer.acceptable(position)
            assert stored[position] in acceptable, (
                f"{hammer.agent.employee_no}, attempt {hammer.attempt_id}, question {position}: "
                f"the database holds {stored[position]}, but the saves acknowledged before "
                f"SIGKILL allow only {acceptable}"
            )
        # A request cut off by the kill saved all of its answers or none (one transaction).
        for record in hammer.sent:
            if record.acknowledged is None:
                landed = {
                    stored[p] == (json.dumps(value), named + 1, token)
                    for p, (value, named, token) in record.changes.items()
                }
                assert len(landed) == 1, (record.changes, stored)
        # The restarted server serves the attempt, as the database holds it.
        page = hammer.agent.get_page(f"/attempts/{hammer.attempt_id}")
        assert page.data_csrf
        for position, kind in hammer.kinds.items():
            shown = page.questions[position]
            response, revision, _token = stored[position]
            assert shown.revision == revision
            held = None if shown.checked is None else response_of(kind, shown.checked)
            assert json.dumps(held) == response
        # ...and acknowledges a new save on top of what survived.
        position = min(hammer.kinds)
        response, revision, _token = stored[position]
        value = next(v for v in hammer.options[position] if json.dumps(v) != response)
        save = {"position": position, "revision": revision, "response": value, "token": "new:1"}
        reply = hammer.agent.save(hammer.attempt_id, page.data_csrf, [save])
        assert reply.status == 200, reply.text
        assert reply.json()["results"] == [
            {"position": position, "status": "saved", "revision": revision + 1, "response": None}
        ]
        after = live.read(lambda h=hammer: _stored_answers(h.attempt_id))
        assert after[position] == (json.dumps(value), revision + 1, "new:1")


# --- 2. concurrency -------------------------------------------------------------------------


def _answer_everything_right(agent: Agent, attempt_id: int, csrf: str) -> None:
    def saves() -> list[dict[str, Any]]:
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        return [
            {
                "position": q.position,
                "revision": 0,
                "response": right_response(q),
                "token": f"r:{n}",
            }
            for n, q in enumerate(attempts.present(attempt))
        ]

    reply = agent.save(attempt_id, csrf, agent.server.read(saves))
    assert reply.status == 200, reply.text
    assert {r["status"] for r in reply.json()["results"]} == {"saved"}


@dataclass
class Outcome:
    state: AttemptState
    finished_at: Any
    graded_at: Any
    is_passed: bool | None
    records: int
    certificates: int


def _outcome(attempt_id: int) -> Outcome:
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    return Outcome(
        state=attempt.state,
        finished_at=attempt.finished_at,
        graded_at=attempt.graded_at,
        is_passed=attempt.is_passed,
        records=db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ParticipationRecord)
            .where(ParticipationRecord.source_key == f"exam-attempt:{attempt_id}")
        )
        or 0,
        certificates=db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Certificate)
            .where(Certificate.attempt_id == attempt_id)
        )
        or 0,
    )


def _double_submit(live: Server, employee_no: str, passing: bool) -> None:
    agent = Agent(live, employee_no).sign_in()
    attempt_id = agent.start(live.exam_id)
    if passing:
        data_csrf = agent.get_page(f"/attempts/{attempt_id}").data_csrf
        assert data_csrf
        _answer_everything_right(agent, attempt_id, data_csrf)
    token = agent.get_page(f"/attempts/{attempt_id}/submit").csrf_field
    assert token
    barrier = threading.Barrier(2)
    replies = _in_parallel(
        lambda: agent.submit(attempt_id, token, barrier),
        lambda: agent.submit(attempt_id, token, barrier),
    )
    for reply in replies:
        assert reply.status == 302, (employee_no, reply.status, reply.text[:500], live.log())
        assert reply.location.endswith(f"/attempts/{attempt_id}/result"), reply.location
    outcome = live.read(lambda: _outcome(attempt_id))
    assert outcome.state == AttemptState.GRADED, outcome
    assert outcome.graded_at is not None, outcome
    # Graded by the request that finished it: a second grading would stamp a later time.
    assert outcome.graded_at == outcome.finished_at, outcome
    assert outcome.records == 1, outcome
    assert outcome.is_passed is passing, outcome
    assert outcome.certificates == (1 if passing else 0), outcome
    assert agent.request("GET", f"/attempts/{attempt_id}/result").status == 200


def test_two_simultaneous_submits_grade_the_attempt_once(live: Server) -> None:
    for round_no, employee_no in enumerate(DOUBLE_SUBMITTING):
        _double_submit(live, employee_no, passing=round_no % 2 == 0)


def _graded_answer(attempt_id: int, position: int) -> tuple[AttemptState, str, int, Any, float]:
    """The attempt's state; the answer's response (as JSON), revision and fraction; and the
    fraction its response earns."""
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt is not None
    answer = next(a for a in attempt.answers if a.position == position)
    version = answer.version
    earned = question_type(version.type).grade(
        shown_payload(version, attempt.language), answer.response
    )
    return (
        attempt.state,
        json.dumps(answer.response),
        answer.revision,
        answer.fraction,
        min(1.0, max(0.0, earned.fraction)),
    )


def _save_racing_submit(live: Server, employee_no: str, round_no: int, save_lag: float) -> str:
    agent = Agent(live, employee_no).sign_in()
    attempt_id = agent.start(live.exam_id)
    page = agent.get_page(f"/attempts/{attempt_id}")
    data_csrf = page.data_csrf
    assert data_csrf
    question = next(q for q in page.questions.values() if q.type in ANSWERABLE)
    value = response_of(question.type, question.values[round_no % len(question.values)])
    token = agent.get_page(f"/attempts/{attempt_id}/submit").csrf_field
    assert token
    save = {"position": question.position, "revision": 0, "response": value, "token": "t:1"}
    barrier = threading.Barrier(2)
    saved, submitted = _in_parallel(
        lambda: agent.save(attempt_id, data_csrf, [save], barrier=barrier, delay=max(save_lag, 0)),
        lambda: agent.submit(attempt_id, token, barrier, delay=max(-save_lag, 0)),
    )
    context = (employee_no, saved.status, saved.text[:300], submitted.status, live.log())
    assert submitted.status == 302, context
    assert submitted.location.endswith(f"/attempts/{attempt_id}/result"), context
    state, response, revision, fraction, earned = live.read(
        lambda: _graded_answer(attempt_id, question.position)
    )
    assert state == AttemptState.GRADED, context
    if saved.status == 200:
        assert saved.json()["results"][0]["status"] == "saved", context
        # Acknowledged: the graded attempt holds that very response, and scored it.
        assert (response, revision) == (json.dumps(value), 1), context
        assert fraction == earned, context
        return "saved"
    assert saved.status == 409, context
    assert saved.json()["error"] == "closed", context
    assert (response, revision) == ("null", 0), context  # refused, and not landed either
    return "refused"


def test_a_save_racing_the_submit_is_kept_or_refused(live: Server) -> None:
    outcomes = [
        _save_racing_submit(live, employee_no, round_no, SAVE_LAGS[round_no % 5])
        for round_no, employee_no in enumerate(RACING)
    ]
    print({outcome: outcomes.count(outcome) for outcome in set(outcomes)})
