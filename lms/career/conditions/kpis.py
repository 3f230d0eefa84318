"""Condition kinds on the KPI figures: a metric against a threshold, and no upheld complaint."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_DOWN, ROUND_UP, Decimal
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from lms.career.conditions.base import (
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

if TYPE_CHECKING:
    from lms.career.services.kpis import Metric


def metrics() -> dict[str, Metric]:
    """The appraisal metrics' registry, kept with the KPI figures."""
    # Imported when called: the services package imports this module.
    from lms.career.services.kpis import METRICS

    return METRICS


def _shown_average(average: Decimal, metric: Metric) -> Decimal:
    # Rounded toward the failing side, so a failing average never shows as the threshold.
    rounding = ROUND_DOWN if _higher_is_better(metric) else ROUND_UP
    return average.quantize(Decimal("0.01"), rounding)


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
        return Needs(kpi_months=int(params["months"]), metrics={params["metric"]})

    def check(self, facts: AgentFacts, params: Mapping[str, Any], as_of: date) -> ConditionResult:
        metric = metrics()[params["metric"]]
        threshold = Decimal(params["threshold"])
        months = kpi_window(as_of, int(params["months"]))
        figures = facts.kpis.get(params["metric"], {})

        def good(value: Decimal) -> bool:
            return value >= threshold if _higher_is_better(metric) else value <= threshold

        evidence = tuple(
            Evidence(
                "kpi_month",
                str(metric.label),
                on=month,
                value=_figure(figures[month], metric),
                ref=month_label(month),
                counts=good(figures[month]),
            )
            for month in months
            if month in figures
        )
        unrecorded = [month_label(m) for m in months if m not in figures]
        required = ("≥ " if _higher_is_better(metric) else "≤ ") + _figure(threshold, metric)
        values = [figures[m] for m in months if m in figures]
        if params["mode"] == "every_month":
            bad = [v for v in values if not good(v)]
            actual = _("%(good)d of %(all)d months", good=len(values) - len(bad), all=len(months))
            if bad:
                values_ = {
                    "metric": str(metric.label),
                    "threshold": _figure(threshold, metric),
                    "bad": len(bad),
                    "all": len(months),
                }
                missing = (
                    _(
                        "%(metric)s below %(threshold)s in %(bad)d of the last %(all)d months",
                        **values_,
                    )
                    if _higher_is_better(metric)
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
            actual = (
                _figure(_shown_average(average, metric), metric) if average is not None else "—"
            )
            if unrecorded:
                missing = _("No figure for %(months)s", months=", ".join(unrecorded))
            elif average is not None and not good(average):
                missing = _(
                    "%(metric)s averaged %(actual)s; %(required)s needed",
                    metric=str(metric.label),
                    actual=actual,
                    required=required,
                )
            else:
                missing = ""
        return self._result(
            params,
            met=not missing,
            actual=actual,
            required=required,
            evidence=evidence,
            missing=missing,
        )


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
        return Needs(kpi_months=int(params["months"]), metrics={"upheld_complaints"})

    def check(self, facts: AgentFacts, params: Mapping[str, Any], as_of: date) -> ConditionResult:
        span = int(params["months"])
        months = kpi_window(as_of, span)
        figures = facts.kpis.get("upheld_complaints", {})
        # A complaint is an event: a month without a figure had none recorded.
        upheld = [(m, figures[m]) for m in months if figures.get(m, 0) > 0]
        total = sum((count for _m, count in upheld), Decimal(0))
        evidence = tuple(
            Evidence(
                "kpi_month",
                str(metrics()["upheld_complaints"].label),
                on=m,
                value=number(count),
                ref=month_label(m),
                counts=False,
            )
            for m, count in upheld
        )
        if not upheld:
            return self._result(params, met=True, actual="0", required="0", evidence=evidence)
        # The latest such month leaves the window span months later: time alone fixes it.
        clear_on = shift_months(upheld[-1][0], span + 1)
        return self._result(
            params,
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
