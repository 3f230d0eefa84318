"""Eligibility for promotion on PostgreSQL: every agent of 10,000 against the rules in force,
with their ledger, certificates, courses, refreshers and 24 months of KPIs.

    .venv/bin/python bench/eligibility.py [--agents 10000] [--subset 1000] [--months 24]
        [--database-url URL] [--schema bench_eligibility] [--keep] [--reuse]

What it does, in one run:

1. Builds its own PostgreSQL schema (dropped at the end, nothing else is touched) with the
   migrations, loads the content (courses, question bank, exams, career levels and rules)
   through the services of ``flask content sync``, then loads by COPY: 3 centres x 4
   departments x 5 teams; ``--agents`` agents at junior (60 %) and mid (40 %) level since 3
   to 40 months ago; about 50 ledger rows each over ``--months`` months (courses, exams,
   classroom sessions with attendance, refreshers, external training); the service
   standards certificate for 85 % of them (with its passed attempt), some expired; course
   completions; twelve monthly refresher quizzes assigned to everyone (3 % missed); and
   ``--months`` months of all ten KPI metrics for every agent (good, weak in one metric,
   or weak overall), then ANALYZE.
2. Times ``career.evaluate_agents(accounts.agents_select(), today)``, every active agent
   given as a select, the best of three runs after a warm-up, and counts its SQL
   statements (a ``before_cursor_execute`` listener on the engine); then counts them for
   the agents of a few teams (about ``--subset``): the two counts must be equal.
3. Reference: "just loading the same input rows", the SELECTs the evaluation sent,
   replayed on a raw psycopg cursor and fetched, nothing evaluated; the evaluation's time
   is printed as a ratio to it.

While iterating: ``--keep`` leaves the schema in place at the end, and ``--reuse`` runs on a
schema a previous ``--keep`` run left (same day, same options), skipping step 1; give both
to keep reusing it.

Requirement: 10,000 agents evaluated in under 3 s, with the same number of statements for
the subset as for everyone. The exit status is 1 when it is not met.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import redirect_stderr
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate
import psycopg
import sqlalchemy as sa
from reports import StatementCounter, admin_url, make_teams, measure, own_schema, schema_url

from lms import create_app
from lms.accounts import services as accounts
from lms.career import services as career
from lms.career.demo_kpis import GOOD_RANGES
from lms.career.services import kpis
from lms.courses import services as courses
from lms.courses.models import Course
from lms.exams import services as exams
from lms.exams.models import Exam
from lms.extensions import db
from lms.months import add_months, month_end

ROOT = Path(__file__).resolve().parent.parent
MAX_SECONDS = 3.0
CERTIFICATION = "service-standards-certification"
QUIZ = "monthly-refresher-quiz"
RANGES = {**GOOD_RANGES, "upheld_complaints": (0, 0)}
# metric -> how far a weak agent's figure moves (the bad way for the metric).
WEAK_SHIFT = {
    "first_response_seconds": 15,
    "handling_minutes": 4,
    "resolution_rate": -10,
    "fcr_rate": -15,
    "csat": -12,
    "nps": -30,
    "qa_compliance": -10,
    "complaint_rate": 1.2,
    "answered_within_30s_rate": -8,
    "upheld_complaints": 0,
}


def load_content() -> dict[str, int]:
    """Courses, question bank, exams and the career ladder, as ``flask content sync`` does;
    the ids of the courses and exams by slug."""
    root = ROOT / "content"
    report = courses.sync_content(root)
    bank = exams.sync_question_bank(root / "questions")
    papers = exams.sync_exams(root / "exams")
    ladder = career.sync_career(root / "career")
    problems = report.problems + bank.problems + papers.problems + ladder.problems
    if problems:
        raise SystemExit("\n".join(str(p) for p in problems))
    db.session.commit()
    ids = {f"course:{slug}": i for slug, i in db.session.execute(sa.select(Course.slug, Course.id))}
    ids.update((f"exam:{slug}", i) for slug, i in db.session.execute(sa.select(Exam.slug, Exam.id)))
    return ids


def load(
    url: str, schema: str, agents: int, months: int, today: date, content: dict[str, int]
) -> dict[str, int]:
    """Everything but the content, by COPY; returns how many rows of each table."""
    rng = random.Random(11)
    now = datetime.now(UTC)
    loaded: Counter[str] = Counter()
    course_ids = [i for key, i in content.items() if key.startswith("course:")]
    certification, quiz = content[f"exam:{CERTIFICATION}"], content[f"exam:{QUIZ}"]
    this_month = today.replace(day=1)
    first_month = add_months(this_month, -(months - 1))
    days = (today - first_month).days
    with psycopg.connect(admin_url(url), options=f"-csearch_path={schema}") as connection:
        teams = make_teams(connection, now)
        team_of = {n: teams[(n - 1) * len(teams) // agents] for n in range(1, agents + 1)}
        with connection.cursor() as cursor:
            with cursor.copy(
                'COPY "user" (id, employee_no, employee_no_key, name, name_pinyin, '
                "name_initials, department_id, level, level_since, is_active, password_hash, "
                "must_change_password, session_version, created_at, updated_at) FROM STDIN"
            ) as copy:
                for n in range(1, agents + 1):
                    number = f"E{n:05d}"
                    level = "junior" if rng.random() < 0.6 else "mid"
                    since = today - timedelta(days=rng.randrange(90, 1200))
                    copy.write_row(
                        (n, number, number.lower(), f"坐席{n}", f"zuo xi {n}", "zx",
                         team_of[n], level, since, True, "-", False, 1, now, now)
                    )  # fmt: skip
            with cursor.copy("COPY user_role (user_id, role) FROM STDIN") as copy:
                for n in range(1, agents + 1):
                    copy.write_row((n, "agent"))
            loaded["user"] = agents
            connection.execute(
                "SELECT setval(pg_get_serial_sequence('\"user\"', 'id'), %s)", (agents,)
            )

            # The ledger: about two lines a month for each agent.
            kinds = ("course", "exam", "classroom", "classroom", "refresher", "external")
            with cursor.copy(
                "COPY participation_record (user_id, kind, source_key, title, category, method, "
                "occurred_on, minutes, credit_hours, result, score, attendance, created_at, "
                "updated_at) FROM STDIN"
            ) as copy:
                for n in range(1, agents + 1):
                    for k in range(rng.randrange(40, 61)):
                        kind = rng.choice(kinds)
                        day = first_month + timedelta(days=rng.randrange(days + 1))
                        credit = rng.choice((1, 2, 3)) if kind in ("course", "external") else None
                        copy.write_row(
                            (n, kind, f"bench:{n}:{k}", f"{kind} {k}", None,
                             "external" if kind == "external" else "online", day,
                             None if credit else rng.choice((30, 45, 60, 90, 180)), credit,
                             "passed" if kind == "exam" else None,
                             rng.randrange(60, 100) if kind == "exam" else None,
                             rng.choice(("present", "present", "present", "late", "absent"))
                             if kind == "classroom" else None,
                             now, now)
                        )  # fmt: skip
                        loaded["participation_record"] += 1

            # The certificate with the passed attempt it was earned by, for 85 %.
            holders = [n for n in range(1, agents + 1) if rng.random() < 0.85]
            issued = {n: today - timedelta(days=rng.randrange(10, 480)) for n in holders}
            with cursor.copy(
                "COPY attempt (id, exam_id, user_id, number, state, language, started_at, "
                "finished_at, graded_at, marks, max_marks, percent, is_passed) FROM STDIN"
            ) as copy:
                for n in holders:
                    finished = datetime.combine(issued[n], clock(4), UTC)
                    copy.write_row(
                        (n, certification, n, 1, "graded", "zh", finished - timedelta(hours=1),
                         finished, finished, 90, 100, 90, True)
                    )  # fmt: skip
            with cursor.copy(
                "COPY certificate (serial, user_id, exam_id, attempt_id, holder_name, "
                "score_percent, issued_on, expires_on, created_at) FROM STDIN"
            ) as copy:
                for n in holders:
                    copy.write_row(
                        (f"BENCH-{n:05d}", n, certification, n, f"坐席{n}", 90, issued[n],
                         issued[n] + timedelta(days=365), now)
                    )  # fmt: skip
            loaded["certificate"] = len(holders)
            connection.execute(
                "SELECT setval(pg_get_serial_sequence('attempt', 'id'), %s)", (agents,)
            )

            with cursor.copy(
                "COPY course_completion (user_id, course_id, completed_at) FROM STDIN"
            ) as copy:
                for n in range(1, agents + 1):
                    for course_id in course_ids:
                        if rng.random() < 0.75:
                            day = first_month + timedelta(days=rng.randrange(days + 1))
                            copy.write_row((n, course_id, datetime.combine(day, clock(3), UTC)))
                            loaded["course_completion"] += 1

            # Twelve monthly quizzes before this month, assigned to everyone; 3 % missed.
            programmes = []
            for m in range(12, 0, -1):
                month = add_months(this_month, -m)
                programmes.append(
                    (
                        connection.execute(
                            "INSERT INTO refresher_programme (month, title, exam_id, audience, "
                            "due_on, created_at, updated_at) VALUES (%s, %s, %s, %s, %s, %s, %s) "
                            "RETURNING id",
                            (month, f"月度复训 {month:%Y-%m}", quiz, '{"roles": ["agent"]}',
                             month_end(month), now, now),
                        ).fetchone()[0],
                        month,
                    )
                )  # fmt: skip
            with cursor.copy(
                "COPY refresher_assignment (programme_id, user_id, department_id, assigned_at, "
                "completed_on) FROM STDIN"
            ) as copy:
                for programme_id, month in programmes:
                    assigned = datetime.combine(month, clock(1), UTC)
                    for n in range(1, agents + 1):
                        done = None
                        if rng.random() >= 0.03:
                            done = month + timedelta(days=rng.randrange(month_end(month).day))
                        copy.write_row((programme_id, n, team_of[n], assigned, done))
                        loaded["refresher_assignment"] += 1

            # KPIs: every metric, every month, every agent; 70 % good, 25 % weak in one
            # metric, 5 % weak in all.
            import_id = connection.execute(
                "INSERT INTO kpi_import (filename, sha256, imported_at, rows, agents, "
                "values_written, values_replaced, months) VALUES (%s, %s, %s, %s, %s, %s, "
                "%s, %s) RETURNING id",
                ("bench.csv", "0" * 64, now, agents * months, agents,
                 agents * months * len(RANGES), 0, "[]"),
            ).fetchone()[0]  # fmt: skip
            metrics = list(RANGES)
            formats = {m: f"{{:.{kpis.METRICS[m].decimals}f}}" for m in metrics}
            with cursor.copy(
                "COPY kpi_value (user_id, month, metric, value, import_id) FROM STDIN"
            ) as copy:
                for n in range(1, agents + 1):
                    profile = rng.random()
                    weak = set(metrics) if profile < 0.05 else set()
                    if 0.05 <= profile < 0.30:
                        weak = {rng.choice(metrics)}
                    upheld = (
                        add_months(this_month, -rng.randrange(1, 12)) if profile > 0.99 else None
                    )
                    for m in range(months):
                        month = add_months(first_month, m)
                        if month >= this_month:
                            continue  # a month's figures arrive after it ends
                        for metric in metrics:
                            low, high = RANGES[metric]
                            value = rng.uniform(low, high)
                            if metric in weak:
                                value += WEAK_SHIFT[metric]
                            if metric == "upheld_complaints" and month == upheld:
                                value = 1
                            span = kpis.METRICS[metric]
                            value = min(max(value, float(span.minimum)), float(span.maximum))
                            copy.write_row(
                                (n, month, metric, formats[metric].format(value), import_id)
                            )
                            loaded["kpi_value"] += 1
        connection.commit()
        connection.autocommit = True
        connection.execute("ANALYZE")
    return dict(loaded)


def selects_of(fn: Callable[[], Any]) -> list[tuple[str, Any]]:
    """The SELECT statements ``fn`` sends, with their parameters, in order."""
    sent: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        db.session.remove()
        fn()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
        db.session.remove()
    return sent


def replay(statements: list[tuple[str, Any]]) -> int:
    """Run and fetch ``statements`` on a raw psycopg cursor; the rows fetched."""
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        rows = 0
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            rows += len(cursor.fetchall())
        raw.rollback()
        return rows
    finally:
        raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--subset", type=int, default=1_000, help="about this many agents")
    parser.add_argument("--months", type=int, default=24, help="of ledger and KPIs")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--schema", default="bench_eligibility")
    parser.add_argument("--keep", action="store_true", help="leave the schema at the end")
    parser.add_argument(
        "--reuse", action="store_true", help="run on the schema a --keep run left (no setup)"
    )
    args = parser.parse_args()
    url = schema_url(args.database_url, args.schema)

    with own_schema(args.database_url, args.schema, args.keep, args.reuse):
        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        with app.app_context(), app.test_request_context():
            today = date.today()
            if args.reuse:
                print(f"setup:                 reused schema {args.schema}")
            else:
                with redirect_stderr(io.StringIO()):  # alembic's log lines, one per migration
                    flask_migrate.upgrade()
                started = time.perf_counter()
                content = load_content()
                db.engine.dispose()
                loaded = load(url, args.schema, args.agents, args.months, today, content)
                print(
                    f"setup:                 {time.perf_counter() - started:6.1f} s   "
                    f"{args.agents:,} agents; "
                    + ", ".join(
                        f"{rows:,} {table}" for table, rows in loaded.items() if table != "user"
                    )
                    + f"; schema {args.schema}"
                )
            counter = StatementCounter(db.engine)
            everyone = accounts.agents_select()
            teams = sorted(
                db.session.scalars(
                    sa.select(accounts.User.department_id)
                    .distinct()
                    .order_by(accounts.User.department_id)
                )
            )
            per_team = args.agents / len(teams)
            subset = accounts.agents_select(teams[: max(1, round(args.subset / per_team))])

            def evaluate_everyone() -> dict[int, career.Eligibility | None]:
                return career.evaluate_agents(everyone, today)

            evaluate_everyone()  # warm-up: caches, compiled statements, PostgreSQL's buffers
            db.session.remove()
            seconds, statements = measure(counter, evaluate_everyone)
            found = evaluate_everyone()
            db.session.remove()
            subset_seconds, subset_statements = measure(
                counter, lambda: career.evaluate_agents(subset, today), runs=1
            )
            subset_size = len(career.evaluate_agents(subset, today))
            db.session.remove()

            gathering, _ = measure(counter, lambda: career.gather_facts(everyone, today))
            evaluated = [e for e in found.values() if e is not None]
            tally = Counter(
                "eligible" if e.eligible else "one short" if e.short_by == 1 else "not eligible"
                for e in evaluated
            )
            by_level = Counter(f"{e.from_level.value}->{e.to_level.value}" for e in evaluated)
            print(
                f"evaluate every agent:  {seconds * 1000:7.0f} ms  {statements} statements  "
                f"({len(found):,} agents, best of 3 after a warm-up)"
            )
            print(
                f"  of which gathering:  {gathering * 1000:7.0f} ms  (gather_facts alone; the "
                f"rest is checking the conditions and writing their texts)"
            )
            print(
                f"  {subset_size:,} agents:         {subset_seconds * 1000:7.0f} ms  "
                f"{subset_statements} statements  (the agents of a few teams)"
            )
            print(
                f"  outcome:             {tally['eligible']:,} eligible, "
                f"{tally['one short']:,} one condition short, "
                f"{tally['not eligible']:,} not eligible "
                f"({', '.join(f'{k}: {v:,}' for k, v in sorted(by_level.items()))})"
            )
            short = Counter(
                r.kind for e in evaluated if e.short_by == 1 for r in e.results if not r.met
            )
            print(
                "  one short on:        "
                + ", ".join(f"{kind} {n:,}" for kind, n in short.most_common())
            )

            selects = selects_of(evaluate_everyone)
            reference_rows = replay(selects)  # warm-up
            reference, _ = measure(counter, lambda: replay(selects))
            ratio = seconds / reference
            print(
                f"reference loading:     {reference * 1000:7.0f} ms  {len(selects)} SELECTs  "
                f"(the same SELECTs on a raw cursor, {reference_rows:,} rows fetched, "
                f"nothing evaluated)"
            )
            print(f"ratio evaluate/loading: {ratio:6.2f}")
            db.engine.dispose()

    met_time = seconds < MAX_SECONDS
    met_constant = statements == subset_statements
    print(
        f"requirement: {args.agents:,} agents < {MAX_SECONDS:.0f} s: "
        f"{'met' if met_time else 'NOT met'}; statements constant "
        f"({statements} for {len(found):,} agents, {subset_statements} for {subset_size:,}): "
        f"{'met' if met_constant else 'NOT met'}"
    )
    sys.exit(0 if met_time and met_constant else 1)


if __name__ == "__main__":
    main()
