"""Twelve months of KPI figures for the demo's agents, imported as HR would: one CSV file
through ``import_kpis``. Deterministic (seeded) and loaded once.

Most agents are good; a few are weak in one metric (CSAT or QA compliance), and two had an
upheld serious complaint in the last six months, so that the career pages show agents who
are eligible and agents one condition short.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from lms.accounts import services as accounts
from lms.career.services import kpis
from lms.i18n import local_today
from lms.tabular import write_csv

AGENT_NUMBERS = [f"KF{i:04d}" for i in range(1, 31) if i != 15] + ["00215", "T0002"]
WEAK_CSAT = {"KF0004", "KF0011", "KF0019"}
WEAK_QA = {"KF0009", "KF0022"}
# Employee number -> months before the current one when the complaint was upheld.
UPHELD_COMPLAINT = {"KF0012": 3, "KF0023": 2}
STRONG = {"KF0026", "KF0027", "KF0028", "KF0029", "KF0030", "T0002"}
SEED = 20261204

# metric -> (low, high) of a good agent's monthly figure.
GOOD_RANGES: dict[str, tuple[float, float]] = {
    "first_response_seconds": (9, 24),
    "handling_minutes": (5, 9),
    "resolution_rate": (91, 97),
    "fcr_rate": (80, 88),
    "csat": (91.5, 97),
    "nps": (30, 62),
    "qa_compliance": (96, 99.5),
    "complaint_rate": (0.05, 0.45),
    "answered_within_30s_rate": (88, 96),
}


def _figure(metric: str, low: float, high: float, rng: random.Random) -> Decimal:
    definition = kpis.METRICS[metric]
    step = Decimal(1).scaleb(-definition.decimals)
    return Decimal(str(rng.uniform(low, high))).quantize(step)


def demo_rows(
    agents: list[tuple[str, str, date | None]], today: date
) -> tuple[list[str], list[list[object]]]:
    """The file's header and rows: (employee no, name, hire date) of each agent, the twelve
    complete months before ``today``'s month (none before the agent was hired)."""
    rng = random.Random(SEED)
    this_month = kpis.month_start(today)
    months = [kpis.add_months(this_month, -i) for i in range(12, 0, -1)]
    metrics = [*GOOD_RANGES, "upheld_complaints"]
    header = ["工号", "姓名", "月份", *(kpis.METRICS[m].zh for m in metrics)]
    rows: list[list[object]] = []
    for number, name, hired in agents:
        for month in months:
            if hired is not None and month < kpis.month_start(hired):
                continue
            figures: dict[str, Decimal] = {}
            for metric, (low, high) in GOOD_RANGES.items():
                if metric == "csat" and number in WEAK_CSAT:
                    low, high = 84.0, 89.5
                elif metric == "qa_compliance" and number in WEAK_QA:
                    low, high = 90.0, 94.5
                elif number in STRONG and kpis.METRICS[metric].better is kpis.Better.HIGHER:
                    low = (low + high) / 2
                figures[metric] = _figure(metric, low, high, rng)
            upheld = UPHELD_COMPLAINT.get(number)
            figures["upheld_complaints"] = Decimal(
                1 if upheld is not None and month == kpis.add_months(this_month, -upheld) else 0
            )
            rows.append([number, name, month.strftime("%Y-%m"), *(figures[m] for m in metrics)])
    return header, rows


def load_demo_kpis(today: date | None = None) -> kpis.KpiImportReport | None:
    """Import the demo agents' figures once; None when they are loaded already (or when
    the demo has no agents yet). The caller commits."""
    today = today or local_today()
    agents = []
    for number in AGENT_NUMBERS:
        user = accounts.find_user_by_employee_no(number)
        if user is not None:
            agents.append((user.id, user.employee_no, user.name, user.hire_date))
    if not agents:
        return None
    this_month = kpis.month_start(today)
    loaded = kpis.kpi_months(
        [agent[0] for agent in agents],
        kpis.METRICS,
        kpis.add_months(this_month, -12),
        kpis.add_months(this_month, -1),
    )
    if loaded:
        return None
    header, rows = demo_rows([agent[1:] for agent in agents], today)
    content = write_csv(header, rows)
    return kpis.import_kpis("demo-kpis.csv", content, None, today)
