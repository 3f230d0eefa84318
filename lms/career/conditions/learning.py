"""Condition kinds on time at the level and on learning: certificates, courses, 学时,
monthly refreshers and classroom sessions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from operator import attrgetter
from typing import Any

from flask_babel import lazy_gettext as _l

from lms.career.conditions.base import (
    Check,
    ConditionKind,
    Needs,
    Problems,
    check_decimal,
    check_months,
    check_slug,
    check_slugs,
    check_whole,
    month_label,
    number,
    percent_of,
    shift_months,
    window_start,
)
from lms.career.conditions.facts import AgentFacts, LedgerLine
from lms.career.conditions.results import ConditionResult, Evidence, NextStep
from lms.career.conditions.words import _, ngettext


class MonthsAtLevel(ConditionKind):
    name = "months_at_level"
    label = _l("Months at the current level")
    params = ("months",)

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], Problems]:
        problems: Problems = []
        months = check_whole(raw, "months", 1, 120, problems)
        return {"months": months}, problems

    def describe(self, params: Mapping[str, Any]) -> str:
        return ngettext(
            "At least %(num)d month at the current level",
            "At least %(num)d months at the current level",
            int(params["months"]),
        )

    def prepare(self, params: Mapping[str, Any], as_of: date) -> Check:
        months = int(params["months"])
        kind, label = self.name, self.describe(params)
        required = ngettext("%(num)d month", "%(num)d months", months)
        since_words = _("At the current level since")
        unknown = ConditionResult(
            kind,
            label,
            met=False,
            actual="—",
            required=required,
            missing=_("The date the current level was reached is not recorded."),
        )

        # The result depends only on the day the level was reached, which many agents share
        # (those promoted together): worked out once per day.
        seen: dict[date, ConditionResult] = {}

        def check(facts: AgentFacts) -> ConditionResult:
            since = facts.level_since
            if since is None:
                return unknown
            found = seen.get(since)
            if found is None:
                found = seen[since] = result(since)
            return found

        def result(since: date) -> ConditionResult:
            reached = shift_months(since, months)
            served = _whole_months_between(since, as_of)
            evidence = (Evidence("level", since_words, on=since),)
            actual = ngettext("%(num)d month", "%(num)d months", served)
            if reached <= as_of:
                return ConditionResult(kind, label, True, actual, required, evidence)
            return ConditionResult(
                kind,
                label,
                met=False,
                actual=actual,
                required=required,
                evidence=evidence,
                missing=ngettext(
                    "%(num)d more month at this level needed (met on %(date)s)",
                    "%(num)d more months at this level needed (met on %(date)s)",
                    months - served,
                    date=reached.isoformat(),
                ),
                met_on=reached,
            )

        return check


def _whole_months_between(start: date, end: date) -> int:
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    return months if shift_months(start, months) <= end else months - 1


class CertificateValid(ConditionKind):
    name = "certificate"
    label = _l("A valid certificate")
    params = ("exam",)

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], Problems]:
        problems: Problems = []
        return {"exam": check_slug(raw, "exam", problems)}, problems

    def describe(self, params: Mapping[str, Any]) -> str:
        return _("A valid certificate of the exam %(exam)s", exam=params["exam"])

    def needs(self, params: Mapping[str, Any]) -> Needs:
        return Needs(exams={params["exam"]})

    def prepare(self, params: Mapping[str, Any], as_of: date) -> Check:
        slug, kind = params["exam"], self.name
        required = _("Valid certificate")
        # Named by the exam's title, which only the facts know: the words for each title
        # seen (the same one for every agent of a gathering).
        named: dict[str, tuple[str, str, tuple[NextStep, ...]]] = {}

        def words(title: str) -> tuple[str, str, tuple[NextStep, ...]]:
            found = named.get(title)
            if found is None:
                found = named[title] = (
                    _("A valid certificate of %(exam)s", exam=title),
                    _("Pass the exam %(exam)s.", exam=title),
                    (NextStep("exam", slug, title),),
                )
            return found

        def check(facts: AgentFacts) -> ConditionResult:
            title = facts.title("exam", slug)
            label, pass_the_exam, next_steps = words(title)
            held = [c for c in facts.certificates if c.exam_slug == slug]
            if len(held) > 1:
                held.sort(key=attrgetter("issued_on"), reverse=True)
            valid = [c for c in held if c.is_valid_on(as_of)]
            if valid:
                best = valid[0]
                return ConditionResult(
                    kind,
                    label,
                    met=True,
                    actual=_("Valid until %(date)s", date=best.expires_on.isoformat())
                    if best.expires_on
                    else _("Valid"),
                    required=required,
                    evidence=(
                        Evidence(
                            "certificate",
                            title,
                            on=best.issued_on,
                            value=best.serial,
                            ref=best.serial,
                        ),
                    ),
                )
            evidence = tuple(
                Evidence(
                    "certificate", title, on=c.issued_on, value=c.serial, ref=c.serial, counts=False
                )
                for c in held
            )
            if held and held[0].revoked_on is not None and held[0].revoked_on <= as_of:
                missing, actual = _("The certificate was revoked."), _("Revoked")
            elif held and held[0].expires_on is not None and held[0].expires_on < as_of:
                missing = _(
                    "The certificate expired on %(date)s.", date=held[0].expires_on.isoformat()
                )
                actual = _("Expired")
            else:
                missing, actual = pass_the_exam, _("None")
            return ConditionResult(
                kind,
                label,
                met=False,
                actual=actual,
                required=required,
                evidence=evidence,
                missing=missing,
                next_steps=next_steps,
            )

        return check


class CoursesCompleted(ConditionKind):
    name = "courses_completed"
    label = _l("Courses completed")
    params = ("courses",)

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], Problems]:
        problems: Problems = []
        return {"courses": check_slugs(raw, "courses", problems)}, problems

    def describe(self, params: Mapping[str, Any]) -> str:
        return ngettext(
            "Complete %(num)d course", "Complete all %(num)d courses", len(params["courses"])
        )

    def needs(self, params: Mapping[str, Any]) -> Needs:
        return Needs(courses=set(params["courses"]))

    def prepare(self, params: Mapping[str, Any], as_of: date) -> Check:
        slugs: Sequence[str] = params["courses"]
        kind, label = self.name, self.describe(params)
        required = _("%(done)d of %(all)d", done=len(slugs), all=len(slugs))

        def check(facts: AgentFacts) -> ConditionResult:
            evidence, todo = [], []
            for slug in slugs:
                done_on = facts.completions.get(slug)
                title = facts.title("course", slug)
                if done_on is not None and done_on <= as_of:
                    evidence.append(Evidence("course", title, on=done_on, ref=slug))
                else:
                    todo.append(NextStep("course", slug, title))
            actual = _("%(done)d of %(all)d", done=len(evidence), all=len(slugs))
            if not todo:
                return ConditionResult(kind, label, True, actual, required, tuple(evidence))
            return ConditionResult(
                kind,
                label,
                met=False,
                actual=actual,
                required=required,
                evidence=tuple(evidence),
                missing=_(
                    "Not completed yet: %(courses)s", courses="、".join(s.title for s in todo)
                ),
                next_steps=tuple(todo),
            )

        return check


def _newest_first(lines: Sequence[LedgerLine]) -> list[LedgerLine]:
    return sorted(lines, key=attrgetter("occurred_on", "id"), reverse=True)


class TrainingHours(ConditionKind):
    name = "training_hours"
    label = _l("Training hours (学时)")
    params = ("hours", "months")

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], Problems]:
        problems: Problems = []
        hours = check_decimal(raw, "hours", Decimal("0.5"), Decimal(1000), problems)
        if hours is not None and hours * 10 != int(hours * 10):
            problems.append(("hours", _("Hours are counted in tenths: use at most one decimal.")))
            hours = None
        months = check_months(raw, problems)
        return {"hours": number(hours) if hours is not None else None, "months": months}, problems

    def describe(self, params: Mapping[str, Any]) -> str:
        return ngettext(
            "At least %(hours)s training hours in the last %(num)d month",
            "At least %(hours)s training hours in the last %(num)d months",
            int(params["months"]),
            hours=params["hours"],
        )

    def needs(self, params: Mapping[str, Any]) -> Needs:
        return Needs(ledger_months=int(params["months"]))

    def prepare(self, params: Mapping[str, Any], as_of: date) -> Check:
        wanted = Decimal(params["hours"])
        start = window_start(as_of, int(params["months"]))
        kind, label = self.name, self.describe(params)
        required = _("%(hours)s h", hours=number(wanted))
        zero = Decimal(0)

        def check(facts: AgentFacts) -> ConditionResult:
            used = [r for r in facts.records if start <= r.occurred_on <= as_of and r.hours > 0]
            total = sum([r.hours for r in used], zero)
            evidence = tuple(
                [
                    # Positional: made for every record of every agent (kind, title, on,
                    # value, ref).
                    Evidence("record", r.title, r.occurred_on, number(r.hours), str(r.id))
                    for r in _newest_first(used)
                ]
            )
            actual = _("%(hours)s h", hours=number(total))
            if total >= wanted:
                return ConditionResult(kind, label, True, actual, required, evidence)
            return ConditionResult(
                kind,
                label,
                met=False,
                actual=actual,
                required=required,
                evidence=evidence,
                missing=_("%(hours)s more hours needed", hours=number(wanted - total)),
            )

        return check


class RefresherRate(ConditionKind):
    name = "refresher_rate"
    label = _l("Monthly refresher completion rate")
    params = ("percent", "months")

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], Problems]:
        problems: Problems = []
        percent = check_decimal(raw, "percent", Decimal(1), Decimal(100), problems)
        months = check_months(raw, problems)
        return {
            "percent": number(percent) if percent is not None else None,
            "months": months,
        }, problems

    def describe(self, params: Mapping[str, Any]) -> str:
        return ngettext(
            "At least %(percent)s%% of monthly refreshers completed in the last %(num)d month",
            "At least %(percent)s%% of monthly refreshers completed in the last %(num)d months",
            int(params["months"]),
            percent=params["percent"],
        )

    def needs(self, params: Mapping[str, Any]) -> Needs:
        return Needs(refresher_months=int(params["months"]))

    def prepare(self, params: Mapping[str, Any], as_of: date) -> Check:
        wanted = Decimal(params["percent"])
        start = window_start(as_of, int(params["months"]))
        kind, label = self.name, self.describe(params)
        required = f"{number(wanted)}%"
        none_due = ConditionResult(kind, label, True, _("None due"), required)

        def check(facts: AgentFacts) -> ConditionResult:
            # Refreshers due in the window: one not yet due cannot be held against anyone.
            due = sorted(
                (r for r in facts.refreshers if start <= r.due_on <= as_of),
                key=attrgetter("due_on"),
            )
            if not due:
                return none_due
            done = 0
            evidence = []
            for r in due:
                counts = r.completed_on is not None and r.completed_on <= as_of
                done += counts
                # (kind, title, on, value, ref, counts)
                evidence.append(
                    Evidence(
                        "refresher",
                        r.title,
                        r.completed_on if counts else r.due_on,
                        month_label(r.month),
                        None,
                        counts,
                    )
                )
            rate = percent_of(done, len(due))
            actual = f"{number(rate)}%"
            if rate >= wanted:
                return ConditionResult(kind, label, True, actual, required, tuple(evidence))
            return ConditionResult(
                kind,
                label,
                met=False,
                actual=actual,
                required=required,
                evidence=tuple(evidence),
                missing=ngettext(
                    "%(num)d of %(all)d refresher not completed",
                    "%(num)d of %(all)d refreshers not completed",
                    len(due) - done,
                    all=len(due),
                ),
            )

        return check


ATTENDED = ("present", "late")


class ClassroomSessions(ConditionKind):
    name = "classroom_sessions"
    label = _l("Classroom sessions attended")
    params = ("count", "months")

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], Problems]:
        problems: Problems = []
        count = check_whole(raw, "count", 1, 100, problems)
        return {"count": count, "months": check_months(raw, problems)}, problems

    def describe(self, params: Mapping[str, Any]) -> str:
        return _(
            "Attend at least %(count)d classroom sessions in the last %(months)d months",
            count=int(params["count"]),
            months=int(params["months"]),
        )

    def needs(self, params: Mapping[str, Any]) -> Needs:
        return Needs(ledger_months=int(params["months"]))

    def prepare(self, params: Mapping[str, Any], as_of: date) -> Check:
        wanted = int(params["count"])
        start = window_start(as_of, int(params["months"]))
        kind, label = self.name, self.describe(params)
        required = str(wanted)

        def check(facts: AgentFacts) -> ConditionResult:
            attended = _newest_first(
                [
                    r
                    for r in facts.records
                    if r.kind == "classroom"
                    and r.attendance in ATTENDED
                    and start <= r.occurred_on <= as_of
                ]
            )
            evidence = tuple(
                [Evidence("record", r.title, r.occurred_on, None, str(r.id)) for r in attended]
            )
            actual = str(len(attended))
            if len(attended) >= wanted:
                return ConditionResult(kind, label, True, actual, required, evidence)
            return ConditionResult(
                kind,
                label,
                met=False,
                actual=actual,
                required=required,
                evidence=evidence,
                missing=ngettext(
                    "%(num)d more classroom session needed",
                    "%(num)d more classroom sessions needed",
                    wanted - len(attended),
                ),
            )

        return check
