"""Demo KPIs: twelve months for the demo's agents, through the import, once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from lms.career import demo_kpis
from lms.career.models.kpis import KpiImport
from lms.career.services import kpis
from lms.extensions import db

TODAY = date(2026, 12, 4)


def test_demo_kpis_are_twelve_months_varied_and_loaded_once(create_user) -> None:
    good = create_user(employee_no="KF0001", hire_date=date(2025, 11, 24))
    weak = create_user(employee_no="KF0004", hire_date=date(2024, 1, 1))
    complained = create_user(employee_no="KF0012", hire_date=date(2024, 1, 8))
    senior = create_user(
        employee_no="T0002", roles=("trainer", "agent"), hire_date=date(2016, 5, 16)
    )
    ids = [good.id, weak.id, complained.id, senior.id]

    report = demo_kpis.load_demo_kpis(TODAY)

    assert report is not None and report.agents == 4 and report.rows == 48
    assert report.months[0] == date(2025, 12, 1) and report.months[-1] == date(2026, 11, 1)
    found = kpis.kpi_months(ids, kpis.METRICS, date(2025, 12, 1), date(2026, 11, 1))
    assert all(len(found[(i, m)]) == 12 for i in ids for m in kpis.METRICS)

    def average(user_id: int, metric: str) -> Decimal:
        values = found[(user_id, metric)].values()
        return sum(values, Decimal(0)) / len(values)

    assert average(good.id, "csat") >= 90 and average(weak.id, "csat") < 90
    complaints = found[(complained.id, "upheld_complaints")]
    assert [m for m, v in complaints.items() if v] == [date(2026, 9, 1)]
    assert not any(found[(good.id, "upheld_complaints")].values())

    assert demo_kpis.load_demo_kpis(TODAY) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiImport)) == 1


def test_demo_rows_are_deterministic_and_skip_months_before_hire() -> None:
    agents = [("KF0001", "王芳", date(2026, 6, 15)), ("KF0026", "冯建华", None)]
    first = demo_kpis.demo_rows(agents, TODAY)
    assert first == demo_kpis.demo_rows(agents, TODAY)
    months = [row[2] for row in first[1] if row[0] == "KF0001"]
    assert months[0] == "2026-06" and len(months) == 6


def test_no_demo_agents_means_nothing_loaded(db_session) -> None:
    assert demo_kpis.load_demo_kpis(TODAY) is None
