"""KPI figures: reading them back for eligibility, importing files all or nothing."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from lms.career.models.kpis import KpiChange, KpiImport, KpiValue
from lms.career.services import kpis
from lms.errors import ImportRejected
from lms.extensions import db

TODAY = date(2026, 12, 4)


def csv_bytes(lines: list[str], encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def count(model: type) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __enter__(self) -> StatementCounter:
        sa.event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc: object) -> None:
        sa.event.remove(db.engine, "before_cursor_execute", self._count)

    def _count(self, _conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            self.statements.append(statement)


@pytest.fixture
def agents(create_user):
    """Ten agents KA01..KA10."""
    return [create_user(employee_no=f"KA{i:02d}", name=f"坐席{i}") for i in range(1, 11)]


def store(user_id: int, month: date, metric: str, value: str) -> None:
    """A figure written straight into the table, for the reading tests."""
    record = db.session.scalar(sa.select(KpiImport).where(KpiImport.sha256 == "seed"))
    if record is None:
        record = KpiImport(
            filename="seed.csv",
            sha256="seed",
            rows=0,
            agents=0,
            values_written=0,
            values_replaced=0,
            months=[],
        )
        db.session.add(record)
        db.session.flush()
    db.session.add(
        KpiValue(
            user_id=user_id, month=month, metric=metric, value=Decimal(value), import_id=record.id
        )
    )
    db.session.flush()


# --- kpi_months ------------------------------------------------------------------------------


def test_kpi_months_gives_figures_by_agent_and_metric_within_the_months(agents) -> None:
    a, b = agents[0], agents[1]
    store(a.id, date(2026, 9, 1), "csat", "91.5")
    store(a.id, date(2026, 10, 1), "csat", "88")
    store(a.id, date(2026, 10, 1), "qa_compliance", "97")
    store(a.id, date(2026, 6, 1), "csat", "70")  # before the window
    store(b.id, date(2026, 11, 1), "csat", "95")
    store(b.id, date(2026, 11, 1), "nps", "40")  # a metric not asked for

    found = kpis.kpi_months(
        [a.id, b.id, agents[2].id], ["csat", "qa_compliance"], date(2026, 9, 15), date(2026, 11, 30)
    )

    assert found == {
        (a.id, "csat"): {date(2026, 9, 1): Decimal("91.50"), date(2026, 10, 1): Decimal("88.00")},
        (a.id, "qa_compliance"): {date(2026, 10, 1): Decimal("97.00")},
        (b.id, "csat"): {date(2026, 11, 1): Decimal("95.00")},
    }
    assert kpis.kpi_months([], ["csat"], date(2026, 1, 1), date(2026, 12, 1)) == {}
    assert kpis.kpi_months([a.id], [], date(2026, 1, 1), date(2026, 12, 1)) == {}


def test_kpi_months_statements_do_not_grow_with_agents_months_or_metrics(agents) -> None:
    for agent in agents:
        for m in range(1, 13):
            for metric in ("csat", "fcr_rate", "qa_compliance"):
                store(agent.id, date(2026, m, 1), metric, "90")
    ids = [a.id for a in agents]

    with StatementCounter() as few:
        small = kpis.kpi_months(ids[:2], ["csat"], date(2026, 12, 1), date(2026, 12, 1))
    with StatementCounter() as many:
        large = kpis.kpi_months(ids, ["csat", "fcr_rate", "qa_compliance"], date(2026, 1, 1), TODAY)
    assert len(few.statements) == len(many.statements) == 1
    assert len(small) == 2 and len(large) == 30
    assert all(len(by_month) == 12 for by_month in large.values())

    # A query of ids is one statement however many people it names.
    query = sa.select(KpiValue.user_id).distinct()
    with StatementCounter() as by_query:
        from_query = kpis.kpi_months(query, ["csat"], date(2026, 1, 1), TODAY)
    assert len(by_query.statements) == 1 and len(from_query) == 10

    # A list goes in chunks of 500 ids: 1,200 ids, three statements.
    with StatementCounter() as chunked:
        kpis.kpi_months([*ids, *range(10_000, 11_190)], ["csat"], date(2026, 1, 1), TODAY)
    assert len(chunked.statements) == 3


def test_kpis_of_gives_the_last_twelve_months_newest_first(agents) -> None:
    store(agents[0].id, date(2026, 12, 1), "csat", "93")
    store(agents[0].id, date(2025, 12, 1), "csat", "80")  # thirteen months ago
    table = kpis.kpis_of(agents[0].id, today=TODAY)
    assert table.months[0] == date(2026, 12, 1) and table.months[-1] == date(2026, 1, 1)
    assert len(table.months) == 12
    assert table.value(date(2026, 12, 1), "csat") == Decimal("93.00")
    assert table.value(date(2026, 11, 1), "csat") is None
    assert [m.key for m in table.metrics] == list(kpis.METRICS)


def test_kpis_of_ends_last_month_while_this_month_has_no_figures(agents) -> None:
    store(agents[0].id, date(2025, 12, 1), "csat", "80")
    store(agents[0].id, date(2025, 11, 1), "csat", "70")  # thirteen months before November
    table = kpis.kpis_of(agents[0].id, today=TODAY)
    assert table.months[0] == date(2026, 11, 1) and table.months[-1] == date(2025, 12, 1)
    assert table.value(date(2025, 12, 1), "csat") == Decimal(80)
    assert table.values.keys() == {date(2025, 12, 1)}
    assert not kpis.kpis_of(agents[1].id, today=TODAY).values


def test_metric_registry_has_the_shared_names_and_ranges() -> None:
    assert list(kpis.METRICS) == [
        "first_response_seconds",
        "handling_minutes",
        "resolution_rate",
        "fcr_rate",
        "csat",
        "nps",
        "qa_compliance",
        "complaint_rate",
        "answered_within_30s_rate",
        "upheld_complaints",
    ]
    nps = kpis.METRICS["nps"]
    assert (nps.minimum, nps.maximum) == (Decimal(-100), Decimal(100))
    assert kpis.METRICS["complaint_rate"].better is kpis.Better.LOWER
    assert kpis.METRICS["csat"].is_better_or_equal(Decimal(90), Decimal(90))
    assert not kpis.METRICS["complaint_rate"].is_better_or_equal(Decimal("1.1"), Decimal(1))
    assert kpis.METRICS["first_response_seconds"].maximum == 3600
    assert kpis.METRICS["upheld_complaints"].decimals == 0


# --- import ----------------------------------------------------------------------------------

GOOD = [
    "工号,姓名,月份,满意度,一次解决率,质检合规率,经核实的严重投诉次数",
    "KA01,坐席1,2026-10,92.5,81,97,0",
    "KA01,坐席1,2026/11,93,82.44,98,",
    "ka02,坐席2,2026年11月,88,75,95,1",
]


def test_a_good_file_imports_every_figure(agents, create_user) -> None:
    hr = create_user(employee_no="HR01", roles=("hr",))
    report = kpis.import_kpis("kpi.csv", csv_bytes(GOOD), hr.id, TODAY)

    assert (report.rows, report.agents, report.values_written, report.values_replaced) == (
        3,
        2,
        11,
        0,
    )
    assert report.months == [date(2026, 10, 1), date(2026, 11, 1)]
    record = db.session.get(KpiImport, report.import_id)
    assert record.imported_by_id == hr.id and record.months == ["2026-10", "2026-11"]
    assert len(record.sha256) == 64
    found = kpis.kpi_months(
        [agents[0].id, agents[1].id], kpis.METRICS, date(2026, 10, 1), date(2026, 11, 1)
    )
    assert found[(agents[0].id, "fcr_rate")] == {
        date(2026, 10, 1): Decimal("81.0"),
        date(2026, 11, 1): Decimal("82.4"),  # rounded to the metric's one decimal
    }
    assert found[(agents[1].id, "upheld_complaints")] == {date(2026, 11, 1): Decimal(1)}
    assert (agents[0].id, "nps") not in found  # no column, no figure
    assert date(2026, 11, 1) not in found[(agents[0].id, "upheld_complaints")]  # empty cell


def rows_with(line_count: int, replacements: dict[int, str]) -> list[str]:
    """A file of ``line_count`` lines (header on line 1), good rows but for ``replacements``."""
    lines = ["工号,月份,满意度,质检合规率"]
    for line in range(2, line_count + 1):
        agent = (line - 2) % 10 + 1
        month = 11 - (line - 2) // 10
        lines.append(replacements.get(line, f"KA{agent:02d},2026-{month:02d},90,95"))
    return lines


def test_must_show_unknown_employee_on_line_4_and_csat_130_on_line_9_nothing_imported(
    agents,
) -> None:
    """The issue's item 3."""
    lines = rows_with(12, {4: "KX99,2026-11,90,95", 9: "KA08,2026-11,130,95"})
    with pytest.raises(ImportRejected) as rejected:
        kpis.import_kpis("kpi-2026-11.csv", csv_bytes(lines), None, TODAY)

    problems = rejected.value.problems
    assert len(problems) == 2
    assert problems[0].startswith("kpi-2026-11.csv:4: ") and "KX99" in problems[0]
    assert problems[1].startswith("kpi-2026-11.csv:9: ") and "130" in problems[1]
    assert count(KpiValue) == 0 and count(KpiImport) == 0


@pytest.mark.parametrize(
    ("row", "words"),
    [
        ("KX99,2026-11,90,95", ["KX99"]),
        (",2026-11,90,95", []),
        ("KA02,2027-01,90,95", ["2027-01"]),
        ("KA02,,90,95", []),
        ("KA02,Nov 2026,90,95", ["Nov 2026"]),
        ("KA02,2026-11,130,95", ["130", "100"]),
        ("KA02,2026-11,-1,95", ["-1"]),
        ("KA02,2026-11,good,95", ["good"]),
        ("KA01,2026-11,91,96", ["KA01", "2026-11", "2"]),
    ],
    ids=[
        "unknown employee",
        "missing employee",
        "future month",
        "missing month",
        "not a month",
        "above range",
        "below range",
        "not a number",
        "duplicate month",
    ],
)
def test_each_kind_of_bad_row_is_reported_on_its_line(agents, row, words) -> None:
    lines = ["工号,月份,满意度,质检合规率", "KA01,2026-11,90,95", row]
    with pytest.raises(ImportRejected) as rejected:
        kpis.import_kpis("k.csv", csv_bytes(lines), None, TODAY)
    [problem] = rejected.value.problems
    assert problem.startswith("k.csv:3: ")
    for word in words:
        assert word in problem
    assert count(KpiValue) == 0


def test_upheld_complaints_must_be_a_whole_number(agents) -> None:
    lines = ["工号,月份,经核实的严重投诉次数", "KA01,2026-11,1.5"]
    with pytest.raises(ImportRejected) as rejected:
        kpis.import_kpis("k.csv", csv_bytes(lines), None, TODAY)
    assert rejected.value.problems[0].startswith("k.csv:2: ")
    assert "1.5" in rejected.value.problems[0]


def test_unknown_column_and_missing_columns_are_reported_on_the_header(agents) -> None:
    with pytest.raises(ImportRejected) as rejected:
        kpis.import_kpis(
            "k.csv", csv_bytes(["工号,月份,满意度,加班时长", "KA01,2026-11,90,3"]), None, TODAY
        )
    [problem] = rejected.value.problems
    assert problem.startswith("k.csv:1: ") and "加班时长" in problem
    with pytest.raises(ImportRejected) as rejected:
        kpis.import_kpis("k.csv", csv_bytes(["工号,满意度", "KA01,90"]), None, TODAY)
    assert (
        rejected.value.problems[0].startswith("k.csv:1: ") and "月份" in rejected.value.problems[0]
    )
    with pytest.raises(ImportRejected) as rejected:
        kpis.import_kpis("k.csv", csv_bytes(["工号,月份,姓名", "KA01,2026-11,坐席1"]), None, TODAY)
    assert rejected.value.problems[0].startswith("k.csv:1: ")


def test_english_headers_and_the_current_month_are_accepted(agents) -> None:
    lines = ["employee_no,month,CSAT,NPS,Answered within 30 s", "KA03,2026-12,90%,-12,88.8"]
    report = kpis.import_kpis("en.csv", csv_bytes(lines), None, TODAY)
    assert report.values_written == 3
    found = kpis.kpi_months([agents[2].id], kpis.METRICS, TODAY, TODAY)
    assert found[(agents[2].id, "nps")] == {date(2026, 12, 1): Decimal(-12)}
    assert found[(agents[2].id, "csat")] == {date(2026, 12, 1): Decimal(90)}


def test_reimporting_a_month_replaces_its_figures_with_change_records(agents) -> None:
    first = kpis.import_kpis("oct.csv", csv_bytes(GOOD), None, TODAY)
    correction = [
        "工号,月份,满意度,经核实的严重投诉次数",
        "KA01,2026-10,94,0",  # CSAT 92.5 -> 94; complaints unchanged
        "KA02,2026-11,88,",  # CSAT unchanged; the upheld complaint removed
    ]
    report = kpis.import_kpis("correction.csv", csv_bytes(correction), None, TODAY)

    assert (report.values_written, report.values_replaced, report.values_removed) == (1, 1, 1)
    changes = db.session.scalars(sa.select(KpiChange).order_by(KpiChange.user_id)).all()
    assert [(c.user_id, c.month, c.metric, c.old_value, c.new_value) for c in changes] == [
        (agents[0].id, date(2026, 10, 1), "csat", Decimal("92.50"), Decimal("94.00")),
        (agents[1].id, date(2026, 11, 1), "upheld_complaints", Decimal("1.00"), None),
    ]
    assert all(
        c.import_id == report.import_id and c.old_import_id == first.import_id for c in changes
    )
    found = kpis.kpi_months([agents[0].id, agents[1].id], kpis.METRICS, date(2026, 10, 1), TODAY)
    assert found[(agents[0].id, "csat")][date(2026, 10, 1)] == Decimal(94)
    # Metrics without a column in the correction keep their figures.
    assert found[(agents[0].id, "qa_compliance")][date(2026, 10, 1)] == Decimal(97)
    assert (agents[1].id, "upheld_complaints") not in found
    lines = kpis.changes_of(report.import_id)
    assert [(line.employee_no, line.metric.key) for line in lines] == [
        ("KA01", "csat"),
        ("KA02", "upheld_complaints"),
    ]


def test_the_same_file_twice_is_recognised_and_nothing_new(agents) -> None:
    kpis.import_kpis("kpi.csv", csv_bytes(GOOD), None, TODAY)
    again = kpis.import_kpis("kpi-copy.csv", csv_bytes(GOOD), None, TODAY)
    assert again.already_imported and again.import_id is None
    assert again.values_written == 0 and again.earlier_at is not None
    assert count(KpiImport) == 1 and count(KpiChange) == 0


def test_dry_run_counts_without_writing(agents) -> None:
    report = kpis.import_kpis("kpi.csv", csv_bytes(GOOD), None, TODAY, dry_run=True)
    assert report.dry_run and report.values_written == 11
    assert count(KpiValue) == 0 and count(KpiImport) == 0


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_csv_as_chinese_excel_saves_it(agents, encoding) -> None:
    report = kpis.import_kpis("gbk.csv", csv_bytes(GOOD, encoding), None, TODAY)
    assert report.values_written == 11


def test_xlsx_with_excel_dates_for_months(agents) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["工号", "月份", "满意度 CSAT", "平均处理时长"])
    sheet.append(["KA01", datetime(2026, 10, 1), 91.25, 6.5])
    sheet.append(["KA02", "2026-11", 89, None])
    buffer = io.BytesIO()
    workbook.save(buffer)

    report = kpis.import_kpis("kpi.xlsx", buffer.getvalue(), None, TODAY)

    assert report.values_written == 3 and report.months == [date(2026, 10, 1), date(2026, 11, 1)]
    found = kpis.kpi_months([agents[0].id], ["csat", "handling_minutes"], date(2026, 10, 1), TODAY)
    assert found[(agents[0].id, "csat")] == {date(2026, 10, 1): Decimal("91.30")}
    assert found[(agents[0].id, "handling_minutes")] == {date(2026, 10, 1): Decimal("6.5")}


def test_recent_imports_names_who_imported(agents, create_user) -> None:
    hr = create_user(employee_no="HR02", name="刘晓梅", roles=("hr",))
    kpis.import_kpis("kpi.csv", csv_bytes(GOOD), hr.id, TODAY)
    [line] = kpis.recent_imports()
    assert line.record.filename == "kpi.csv" and line.imported_by == "HR02 刘晓梅"
