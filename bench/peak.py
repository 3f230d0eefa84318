"""Month end on exam day: 300 agents in the certification exam while 5 HR users pull the
department report and its exports, on gunicorn + PostgreSQL.

    .venv/bin/python bench/peak.py [--agents 300] [--hr 5] [--duration 60] [--ramp 10]
        [--report-agents 2000] [--months 12] [--workers CORES+1] [--threads 3] [--hr-workers 0]
        [--database-url URL] [--schema bench_peak]

What it does, in one run against a real gunicorn on 127.0.0.1:

1. Builds its own PostgreSQL schema (dropped at the end, nothing else is touched): the
   migrations; a department of ``--report-agents`` agents with four ledger rows each a month
   for ``--months`` months, loaded by COPY (what HR reports on, as ``bench/reports.py``);
   the seeded 50-question exam; two sets of ``--agents`` exam agents (one for the exam
   alone, one for the peak: an agent starts the exam once) and ``--hr`` HR users, created
   through the account services.
2. Reports alone: the HR users, each in its own session and thread, for ``--duration``
   seconds, each request 2-5 s after the previous reply (reading the page): in turn the
   department report for the year (the page), its XLSX, and the XLSX of every agent for
   the quarter. "report" is one such request until its body is read.
3. Exam alone: ``--agents`` agents sign in and start within ``--ramp`` seconds, then each
   changes one answer every 2-5 s for ``--duration`` seconds (``bench/exam_day.py``'s exam
   day, open loop, one save in flight per agent).
4. Peak: the other ``--agents`` agents do the same while the HR users pull reports as in 2.
5. Every acknowledged save of 3 and 4 is checked against attempt_answer (lost answers).

Prints save p95 and report p95 at the peak with their ratios to the exam alone and to the
reports alone (the references from the same run), errors (any non-200 reply, exception or
"stale" save) and lost answers. The exit status is 1 if there is an error or a lost answer;
the latency targets of the exam day (save p95 < 150 ms) and of the report (< 2 s for the
year) are printed with a verdict, not enforced: on a two-core machine that also runs
PostgreSQL and the client they are figures to watch, not a property of the code alone.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import io
import math
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import flask_migrate
from exam_day import (
    HASH_METHOD,
    MAX_SAVE_P95,
    SAVE_INTERVAL,
    Agent,
    BenchError,
    Client,
    CpuMeter,
    Ledger,
    add_people,
    count_lost,
    default_workers,
    exam_day,
    gunicorn,
    ms,
    percentile,
    prepare,
    sign_in,
)
from reports import MAX_REPORT_SECONDS, load, own_schema, schema_url

from lms import create_app
from lms.accounts.models import Role
from lms.extensions import db

THINK = (2.0, 5.0)  # seconds an HR user reads a report before the next click
REPORTS = {
    # name: the request; the year for the department report, a quarter for every agent.
    "department report (page)": "/reports/departments?period=year",
    "department report (XLSX)": "/reports/departments.xlsx?period=year",
    "every agent (XLSX)": "/reports/agents.xlsx?period=quarter",
}


@dataclass
class Desk:
    """What the HR users saw: latency per report and errors."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in REPORTS})
    errors: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def everything(self) -> list[float]:
        return [s for values in self.seconds.values() for s in values]

    def requests(self) -> int:
        return sum(len(v) for v in self.seconds.values())


def hr_at_work(port: int, numbers: list[str], seconds: float, desk: Desk) -> None:
    """Each HR user signs in, then requests the reports in turn, 2-5 s apart, for
    ``seconds``; returns when all have stopped."""
    stop_at = time.perf_counter() + seconds
    names = list(REPORTS)

    def one(index: int) -> None:
        rng = random.Random(f"hr{index}")
        person = numbers[index]
        client = Client(port, person)
        try:
            sign_in(Agent(person, client, rng), Ledger())
        except (BenchError, OSError, http.client.HTTPException) as exc:
            with desk.lock:
                desk.errors[f"sign-in: {exc}"[:80]] += 1
            return
        turn = index  # the users start on different reports
        time.sleep(rng.uniform(0, THINK[1]))
        while time.perf_counter() < stop_at:
            name = names[turn % len(names)]
            turn += 1
            started = time.perf_counter()
            try:
                status, headers, body = client.get(REPORTS[name])
            except (OSError, http.client.HTTPException) as exc:
                client.close()
                with desk.lock:
                    desk.errors[f"{name}: {type(exc).__name__}"] += 1
                continue
            took = time.perf_counter() - started
            if status != 200 or not body:
                with desk.lock:
                    desk.errors[f"{name}: HTTP {status}"] += 1
            else:
                with desk.lock:
                    desk.seconds[name].append(took)
            time.sleep(rng.uniform(*THINK))
        client.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(numbers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def add_hr(url: str, numbers: list[str]) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "PASSWORD_HASH_METHOD": HASH_METHOD})
    with app.app_context():
        add_people(numbers, Role.HR, "人事")
        db.session.commit()
        db.engine.dispose()


def migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        with redirect_stderr(io.StringIO()):  # alembic's log lines, one per migration
            flask_migrate.upgrade()
        db.engine.dispose()


def p95(values: list[float]) -> float:
    return percentile(values, 95)


def ratio(peak: float, alone: float) -> str:
    return f"{peak / alone:5.2f}x" if alone and not math.isnan(alone) else "  n/a"


def saves_of(ledger: Ledger) -> list[float]:
    return [seconds for _, seconds in ledger.save_seconds]


def print_reports(title: str, desk: Desk, cpu: object) -> None:
    print(f"{title}  {desk.requests()} requests, errors {sum(desk.errors.values())}  {cpu}")
    for name, values in desk.seconds.items():
        print(
            f"  {name:26} p50/p95 {ms(percentile(values, 50))} {ms(p95(values))}  ({len(values)})"
        )


def print_exam(title: str, ledger: Ledger, cpu: object) -> None:
    saves = saves_of(ledger)
    print(
        f"{title}  {len(ledger.start_seconds)} started, {len(saves):,} saves, "
        f"errors {sum(ledger.errors.values())}  {cpu}"
    )
    print(
        f"  start p95 {ms(p95(ledger.start_seconds))}   save p50/p95/p99 "
        f"{ms(percentile(saves, 50))} {ms(p95(saves))} {ms(percentile(saves, 99))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=300)
    parser.add_argument("--hr", type=int, default=5)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of each phase")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds to start the exam")
    parser.add_argument("--report-agents", type=int, default=2000, help="agents HR reports on")
    parser.add_argument("--months", type=int, default=12, help="months of their records")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--threads", type=int, default=3, help="threads per gthread worker")
    parser.add_argument(
        "--hr-workers",
        type=int,
        default=0,
        help="HR's requests on a gunicorn of their own with this many workers (0: shared)",
    )
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--schema", default="bench_peak")
    args = parser.parse_args()
    url = schema_url(args.database_url, args.schema)
    alone_numbers = [f"E{n:05d}" for n in range(1, args.agents + 1)]
    peak_numbers = [f"P{n:05d}" for n in range(1, args.agents + 1)]
    hr_numbers = [f"HR{n:03d}" for n in range(1, args.hr + 1)]

    with own_schema(args.database_url, args.schema), tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        migrate(url)
        rows = load(url, args.schema, args.report_agents, 4, args.months, date.today())
        exam_id = prepare(url, alone_numbers + peak_numbers)
        add_hr(url, hr_numbers)
        print(
            f"setup: {time.perf_counter() - started:6.1f} s   schema {args.schema}: "
            f"{args.report_agents:,} agents with {rows:,} ledger rows over {args.months} "
            f"months, {2 * args.agents} exam agents, {args.hr} HR users",
            flush=True,
        )
        log = Path(folder) / "gunicorn.log"
        hr_log = Path(folder) / "gunicorn-hr.log"
        with contextlib.ExitStack() as servers:
            port, pid = servers.enter_context(gunicorn(url, args.workers, args.threads, log))
            hr_port = port
            if args.hr_workers:
                # HR's own pool (its own processes behind the same load balancer): an export
                # never holds the GIL of a process that is answering an autosave.
                hr_port, _ = servers.enter_context(
                    gunicorn(url, args.hr_workers, args.threads, hr_log)
                )
            meter = CpuMeter(pid)
            print(f"gunicorn: {args.workers} workers, gthread, {args.threads} threads each")
            if args.hr_workers:
                print(
                    f"HR's gunicorn: {args.hr_workers} workers, {args.threads} threads each "
                    "(its CPU counts as 'other')"
                )
            print(
                f"HR: {args.hr} users, a report every {THINK[0]:.0f}-{THINK[1]:.0f} s after "
                f"the last; agents: {args.agents}, starts over {args.ramp:.0f} s, a save every "
                f"{SAVE_INTERVAL[0]:.0f}-{SAVE_INTERVAL[1]:.0f} s, {args.duration:.0f} s\n",
                flush=True,
            )

            desk_alone = Desk()
            before = meter.snapshot()
            hr_at_work(hr_port, hr_numbers, args.duration, desk_alone)
            print_reports("reports alone:", desk_alone, meter.since(before))

            exam_alone = Ledger()
            before = meter.snapshot()
            exam_day(port, exam_id, alone_numbers, args.ramp, args.duration, exam_alone)
            print_exam("exam alone:   ", exam_alone, meter.since(before))

            desk_peak, exam_peak = Desk(), Ledger()
            before = meter.snapshot()
            # The reports run as long as the exam phase: its ramp plus its duration.
            hr = threading.Thread(
                target=hr_at_work,
                args=(hr_port, hr_numbers, args.ramp + args.duration, desk_peak),
            )
            hr.start()
            exam_day(port, exam_id, peak_numbers, args.ramp, args.duration, exam_peak)
            hr.join()
            cpu = meter.since(before)
            print_reports("peak, reports:", desk_peak, cpu)
            print_exam("peak, exam:   ", exam_peak, cpu)
            logs = [f for f in (log, hr_log) if f.exists()]
            tracebacks = sum(f.read_text(errors="replace").count("Traceback") for f in logs)
        checked_alone, lost_alone, unsure_alone = count_lost(url, args.schema, exam_alone)
        checked_peak, lost_peak, unsure_peak = count_lost(url, args.schema, exam_peak)

    save_alone, save_peak = p95(saves_of(exam_alone)), p95(saves_of(exam_peak))
    report_alone, report_peak = p95(desk_alone.everything()), p95(desk_peak.everything())
    year_page = "department report (page)"
    page_alone, page_peak = p95(desk_alone.seconds[year_page]), p95(desk_peak.seconds[year_page])
    errors = (
        sum(exam_alone.errors.values())
        + sum(exam_peak.errors.values())
        + sum(desk_alone.errors.values())
        + sum(desk_peak.errors.values())
    )
    every_error = exam_alone.errors + exam_peak.errors + desk_alone.errors + desk_peak.errors
    lost = lost_alone + lost_peak
    checked = checked_alone + checked_peak
    started = exam_peak.start_seconds
    started_all = len(started) == args.agents

    print("\nsummary (peak, and its ratio to the same load alone in this run)")
    lines: list[tuple[str, str, str, bool | None]] = [
        ("save p95 at peak", ms(save_peak), f"{ratio(save_peak, save_alone)} exam alone", None),
        (f"  target < {MAX_SAVE_P95 * 1000:.0f} ms", "", "", save_peak < MAX_SAVE_P95),
        ("report p95 at peak", ms(report_peak), f"{ratio(report_peak, report_alone)} alone", None),
        (
            f"  year's department page < {MAX_REPORT_SECONDS:.0f} s",
            ms(page_peak),
            f"{ratio(page_peak, page_alone)} alone",
            page_peak < MAX_REPORT_SECONDS,
        ),
        (
            "agents started at peak",
            f"{len(exam_peak.start_seconds)}/{args.agents}",
            "",
            started_all,
        ),
        ("errors", str(errors), str(dict(every_error) or ""), errors == 0),
        ("server tracebacks", str(tracebacks), "", tracebacks == 0),
        (
            "lost answers",
            str(lost),
            f"of {checked:,} acknowledged"
            + (f", {unsure_alone + unsure_peak} unsure" if unsure_alone + unsure_peak else ""),
            lost == 0 and checked > 0,
        ),
    ]
    for label, figure, note, ok in lines:
        verdict = "" if ok is None else "ok" if ok else "NOT MET"
        print(f"  {label:32}{figure:>12}  {note:28} {verdict}")
    required = errors == 0 and tracebacks == 0 and lost == 0 and checked > 0 and started_all
    sys.exit(0 if required else 1)


if __name__ == "__main__":
    main()
