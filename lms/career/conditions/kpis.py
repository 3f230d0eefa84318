"""Condition kinds on the KPI figures: a metric against a threshold, and no upheld complaint."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

from lms.career.conditions.base import (
    Check,
    ConditionKind,
    Needs,
    Problems,
    check_decimal,
    check_months,
    kpi_window,
    month_label,
    number,
    shift_months,
)
from lms.career.conditions.facts import AgentFacts
from lms.career.conditions.results import ConditionResult, Evidence
from lms.career.conditions.words import _, ngettext

if TYPE_CHECKING:
    from lms.career.services.kpis import Metric


def metrics() -> dict[str, Metric]:
    """The appraisal metrics' registry, kept with the KPI figures."""
    # Imported when called: the services package imports this module.
    from lms.career.services.kpis import METRICS

    return METRICS


def _higher_is_better(metric: Metric) -> bool:
    return metric.better.value == "higher"


KPI_MODES = ("average", "every_month")


def _figure(value: Decimal, metric: Metric) -> str:
    return f"{number(value)}%" if metric.unit.value == "percent" else number(value)


class KpiThreshold(ConditionKind):
    name = "kpi"
    label = _l("A KPI over the last months")
    params = ("metric", "mode", "threshold", "months")

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], Problems]:
        problems: Problems = []
        name = raw.get("metric")
        metric = metrics().get(name) if isinstance(name, str) else None
        if metric is None:
            problems.append(("metric", _("Choose one of the appraisal metrics.")))
        mode = raw.get("mode", "average")
        if mode not in KPI_MODES:
            problems.append(("mode", _("Choose the average or every month.")))
        threshold = None
        if metric is not None:
            threshold = check_decimal(raw, "threshold", metric.minimum, metric.maximum, problems)
        months = check_months(raw, problems)
        return {
            "metric": name,
            "mode": mode,
            "threshold": number(threshold) if threshold is not None else None,
            "months": months,
        }, problems

    def describe(self, params: Mapping[str, Any]) -> str:
        metric = metrics()[params["metric"]]
        values = {
            "metric": str(metric.label),
            "sign": "≥" if _higher_is_better(metric) else "≤",
            "threshold": _figure(Decimal(params["threshold"]), metric),
            "num": int(params["months"]),
        }
        if params["mode"] == "every_month":
            return _(
                "%(metric)s %(sign)s %(threshold)s in each of the last %(num)d months", **values
            )
        return _(
            "%(metric)s %(sign)s %(threshold)s on average over the last %(num)d months", **values
        )

    def needs(self, params: Mapping[str, Any]) -> Needs:
        return Needs(kpis={params["metric"]: int(params["months"])})

    def prepare(self, params: Mapping[str, Any], as_of: date) -> Check:
        key = params["metric"]
        metric = metrics()[key]
        threshold = Decimal(params["threshold"])
        months = kpi_window(as_of, int(params["months"]))
        higher = _higher_is_better(metric)
        every_month = params["mode"] == "every_month"
        kind, label = self.name, self.describe(params)
        metric_label = str(metric.label)
        required = ("≥ " if higher else "≤ ") + _figure(threshold, metric)
        percent = metric.unit.value == "percent"
        # An average is shown rounded toward the failing side, so a failing average never
        # shows as the threshold.
        rounding = ROUND_DOWN if higher else ROUND_UP
        cent = Decimal("0.01")
        # A month's line of evidence depends only on its month and figure: agents with the
        # same figure share it (it is immutable).
        lines: dict[tuple[date, Decimal], Evidence] = {}

        def good(value: Decimal) -> bool:
            return value >= threshold if higher else value <= threshold

        def shown(value: Decimal) -> str:  # _figure, the metric's unit looked at once
            return f"{number(value)}%" if percent else number(value)

        def check(facts: AgentFacts) -> ConditionResult:
            figures = facts.kpis.get(key) or {}
            values, evidence, unrecorded = [], [], []
            for month in months:
                value = figures.get(month)
                if value is None:
                    unrecorded.append(month_label(month))
                    continue
                values.append(value)
                line = lines.get((month, value))
                if line is None:
                    line = lines[month, value] = Evidence(
                        "kpi_month",
                        metric_label,
                        on=month,
                        value=shown(value),
                        ref=month_label(month),
                        counts=good(value),
                    )
                evidence.append(line)
            if every_month:
                bad = sum(1 for e in evidence if not e.counts)
                actual = _("%(good)d of %(all)d months", good=len(values) - bad, all=len(months))
                if bad:
                    values_ = {
                        "metric": metric_label,
                        "threshold": _figure(threshold, metric),
                        "bad": bad,
                        "all": len(months),
                    }
                    missing = (
                        _(
                            "%(metric)s below %(threshold)s in %(bad)d of the last %(all)d months",
                            **values_,
                        )
                        if higher
                        else _(
                            "%(metric)s above %(threshold)s in %(bad)d of the last %(all)d months",
                            **values_,
                        )
                    )
                elif unrecorded:
                    missing = _("No figure for %(months)s", months=", ".join(unrecorded))
                else:
                    missing = ""
            else:
                average = (sum(values, Decimal(0)) / len(values)) if values else None
                actual = shown(average.quantize(cent, rounding)) if average is not None else "—"
                if unrecorded:
                    missing = _("No figure for %(months)s", months=", ".join(unrecorded))
                elif average is not None and not good(average):
                    missing = _(
                        "%(metric)s averaged %(actual)s; %(required)s needed",
                        metric=metric_label,
                        actual=actual,
                        required=required,
                    )
                else:
                    missing = ""
            return ConditionResult(
                kind,
                label,
                met=not missing,
                actual=actual,
                required=required,
                evidence=tuple(evidence),
                missing=missing,
            )

        return check


class NoUpheldComplaints(ConditionKind):
    name = "no_upheld_complaints"
    label = _l("No upheld serious complaint")
    params = ("months",)

    def validate(self, raw: Mapping[str, Any]) -> tuple[dict[str, Any], Problems]:
        problems: Problems = []
        return {"months": check_months(raw, problems)}, problems

    def describe(self, params: Mapping[str, Any]) -> str:
        return _(
            "No upheld serious complaint in the last %(num)d months", num=int(params["months"])
        )

    def needs(self, params: Mapping[str, Any]) -> Needs:
        # A complaint is an event: only the months with one are read.
        return Needs(kpi_events={"upheld_complaints": int(params["months"])})

    def prepare(self, params: Mapping[str, Any], as_of: date) -> Check:
        span = int(params["months"])
        months = kpi_window(as_of, span)
        kind, label = self.name, self.describe(params)
        metric_label = str(metrics()["upheld_complaints"].label)
        clear = ConditionResult(kind, label, True, "0", "0")

        def check(facts: AgentFacts) -> ConditionResult:
            figures = facts.kpis.get("upheld_complaints")
            if not figures:
                return clear
            # A month without a figure had none recorded.
            upheld = [(m, figures[m]) for m in months if figures.get(m, 0) > 0]
            if not upheld:
                return clear
            total = sum((count for _m, count in upheld), Decimal(0))
            evidence = tuple(
                Evidence(
                    "kpi_month",
                    metric_label,
                    on=m,
                    value=number(count),
                    ref=month_label(m),
                    counts=False,
                )
                for m, count in upheld
            )
            # The latest such month leaves the window span months later: time alone fixes it.
            clear_on = shift_months(upheld[-1][0], span + 1)
            return ConditionResult(
                kind,
                label,
                met=False,
                actual=number(total),
                required="0",
                evidence=evidence,
                missing=ngettext(
                    "%(num)d upheld serious complaint in the last %(months)d months",
                    "%(num)d upheld serious complaints in the last %(months)d months",
                    int(total),
                    months=span,
                ),
                met_on=clear_on,
            )

        return check
