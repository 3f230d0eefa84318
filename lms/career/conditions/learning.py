"""Condition kinds on time at the level and on learning: certificates, courses, 学时,
monthly refreshers and classroom sessions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.career.conditions.base import (
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
from lms.career.conditions.facts import AgentFacts
from lms.career.conditions.results import ConditionResult, Evidence, NextStep


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

    def check(self, facts: AgentFacts, params: Mapping[str, Any], as_of: date) -> ConditionResult:
        months = int(params["months"])
        required = ngettext("%(num)d month", "%(num)d months", months)
        if facts.level_since is None:
            return self._result(
                params,
                met=False,
                actual="—",
                required=required,
                missing=_("The date the current level was reached is not recorded."),
            )
        reached = shift_months(facts.level_since, months)
        served = _whole_months_between(facts.level_since, as_of)
        evidence = (Evidence("level", _("At the current level since"), on=facts.level_since),)
        actual = ngettext("%(num)d month", "%(num)d months", served)
        if reached <= as_of:
            return self._result(
                params, met=True, actual=actual, required=required, evidence=evidence
            )
        return self._result(
            params,
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

    def _result(self, params: Mapping[str, Any], **values: Any) -> ConditionResult:
        # Named by the exam's title, which only the facts know.
        return ConditionResult(kind=self.name, **values)

    def check(self, facts: AgentFacts, params: Mapping[str, Any], as_of: date) -> ConditionResult:
        slug = params["exam"]
        title = facts.title("exam", slug)
        label = _("A valid certificate of %(exam)s", exam=title)
        held = sorted(
            (c for c in facts.certificates if c.exam_slug == slug),
            key=lambda c: c.issued_on,
            reverse=True,
        )
        valid = [c for c in held if c.is_valid_on(as_of)]
        required = _("Valid certificate")
        if valid:
            best = valid[0]
            return self._result(
                params,
                label=label,
                met=True,
                actual=_("Valid until %(date)s", date=best.expires_on.isoformat())
                if best.expires_on
                else _("Valid"),
                required=required,
                evidence=(
                    Evidence(
                        "certificate", title, on=best.issued_on, value=best.serial, ref=best.serial
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
            missing = _("The certificate expired on %(date)s.", date=held[0].expires_on.isoformat())
            actual = _("Expired")
        else:
            missing, actual = _("Pass the exam %(exam)s.", exam=title), _("None")
        return self._result(
            params,
            label=label,
            met=False,
            actual=actual,
            required=required,
            evidence=evidence,
            missing=missing,
            next_steps=(NextStep("exam", slug, title),),
        )


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

    def check(self, facts: AgentFacts, params: Mapping[str, Any], as_of: date) -> ConditionResult:
        slugs: Sequence[str] = params["courses"]
        evidence, todo = [], []
        for slug in slugs:
            done_on = facts.completions.get(slug)
            title = facts.title("course", slug)
            if done_on is not None and done_on <= as_of:
                evidence.append(Evidence("course", title, on=done_on, ref=slug))
            else:
                todo.append(NextStep("course", slug, title))
        actual = _("%(done)d of %(all)d", done=len(evidence), all=len(slugs))
        required = _("%(done)d of %(all)d", done=len(slugs), all=len(slugs))
        if not todo:
            return self._result(
                params, met=True, actual=actual, required=required, evidence=tuple(evidence)
            )
        return self._result(
            params,
            met=False,
            actual=actual,
            required=required,
            evidence=tuple(evidence),
            missing=_("Not completed yet: %(courses)s", courses="、".join(s.title for s in todo)),
            next_steps=tuple(todo),
        )


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
        return Needs(months_back=int(params["months"]))

    def check(self, facts: AgentFacts, params: Mapping[str, Any], as_of: date) -> ConditionResult:
        wanted = Decimal(params["hours"])
        start = window_start(as_of, int(params["months"]))
        used = [r for r in facts.records if start <= r.occurred_on <= as_of and r.hours > 0]
        total = sum((r.hours for r in used), Decimal(0))
        evidence = tuple(
            Evidence("record", r.title, on=r.occurred_on, value=number(r.hours), ref=str(r.id))
            for r in sorted(used, key=lambda r: (r.occurred_on, r.id), reverse=True)
        )
        actual = _("%(hours)s h", hours=number(total))
        required = _("%(hours)s h", hours=number(wanted))
        if total >= wanted:
            return self._result(
                params, met=True, actual=actual, required=required, evidence=evidence
            )
        return self._result(
            params,
            met=False,
            actual=actual,
            required=required,
            evidence=evidence,
            missing=_("%(hours)s more hours needed", hours=number(wanted - total)),
        )


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
        return Needs(months_back=int(params["months"]))

    def check(self, facts: AgentFacts, params: Mapping[str, Any], as_of: date) -> ConditionResult:
        wanted = Decimal(params["percent"])
        start = window_start(as_of, int(params["months"]))
        # Refreshers due in the window: one not yet due cannot be held against anyone.
        due = sorted(
            (r for r in facts.refreshers if start <= r.due_on <= as_of), key=lambda r: r.due_on
        )
        done = [r for r in due if r.completed_on is not None and r.completed_on <= as_of]
        evidence = tuple(
            Evidence(
                "refresher",
                r.title,
                on=r.completed_on if r in done else r.due_on,
                value=month_label(r.month),
                counts=r in done,
            )
            for r in due
        )
        required = f"{number(wanted)}%"
        if not due:
            return self._result(
                params, met=True, actual=_("None due"), required=required, evidence=evidence
            )
        rate = percent_of(len(done), len(due))
        actual = f"{number(rate)}%"
        if rate >= wanted:
            return self._result(
                params, met=True, actual=actual, required=required, evidence=evidence
            )
        return self._result(
            params,
            met=False,
            actual=actual,
            required=required,
            evidence=evidence,
            missing=ngettext(
                "%(num)d of %(all)d refresher not completed",
                "%(num)d of %(all)d refreshers not completed",
                len(due) - len(done),
                all=len(due),
            ),
        )


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
        return Needs(months_back=int(params["months"]))

    def check(self, facts: AgentFacts, params: Mapping[str, Any], as_of: date) -> ConditionResult:
        wanted = int(params["count"])
        start = window_start(as_of, int(params["months"]))
        attended = sorted(
            (
                r
                for r in facts.records
                if r.kind == "classroom"
                and r.attendance in ATTENDED
                and start <= r.occurred_on <= as_of
            ),
            key=lambda r: (r.occurred_on, r.id),
            reverse=True,
        )
        evidence = tuple(
            Evidence("record", r.title, on=r.occurred_on, ref=str(r.id)) for r in attended
        )
        actual, required = str(len(attended)), str(wanted)
        if len(attended) >= wanted:
            return self._result(
                params, met=True, actual=actual, required=required, evidence=evidence
            )
        return self._result(
            params,
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
