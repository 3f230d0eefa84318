"""KPI figures per agent per month: the metrics, importing a file, and reading figures back.

The metrics are a registry (``METRICS``): promotion rules name them by key, and the import
recognises their columns by the Chinese or English header. Figures arrive only by import,
all or nothing per file; a later file for the same agent and month replaces the figures of
the metrics it has columns for, and every replaced figure is kept as a ``KpiChange``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from lms.accounts import services as accounts
from lms.audit import services as audit
from lms.career.models.kpis import KpiChange, KpiImport, KpiValue
from lms.database import LabelledEnum, utcnow
from lms.extensions import db
from lms.months import add_months, month_start

CHUNK = 500


class Unit(LabelledEnum):
    SECONDS = "seconds", _l("seconds")
    MINUTES = "minutes", _l("minutes")
    PERCENT = "percent", _l("%")
    SCORE = "score", _l("points")
    COUNT = "count", _l("times")


class Better(LabelledEnum):
    HIGHER = "higher", _l("higher is better")
    LOWER = "lower", _l("lower is better")


@dataclass(frozen=True)
class Metric:
    """One appraisal metric. ``zh`` and ``en`` are its names in a KPI file's header (other
    accepted spellings in ``aliases``); ``label`` is its name on the pages."""

    key: str
    zh: str
    en: str
    label: LazyString
    unit: Unit
    minimum: Decimal
    maximum: Decimal
    better: Better
    decimals: int
    aliases: tuple[str, ...] = ()

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.zh, self.en, *self.aliases)

    def format(self, value: Decimal | None) -> str:
        """The figure as the pages show it, with the metric's decimals; a dash when absent."""
        return "—" if value is None else f"{value:.{self.decimals}f}"

    def is_better_or_equal(self, value: Decimal, threshold: Decimal) -> bool:
        """Whether ``value`` meets ``threshold`` in this metric's direction."""
        return value >= threshold if self.better is Better.HIGHER else value <= threshold


def _metric(
    key: str,
    zh: str,
    en: str,
    label: LazyString,
    unit: Unit,
    span: tuple[int, int],
    better: Better,
    decimals: int,
    *aliases: str,
) -> Metric:
    return Metric(
        key, zh, en, label, unit, Decimal(span[0]), Decimal(span[1]), better, decimals, aliases
    )


_H, _L = Better.HIGHER, Better.LOWER
METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        _metric(
            "first_response_seconds",
            "首次响应时长",
            "First response time",
            _l("First response time"),
            Unit.SECONDS,
            (0, 3600),
            _L,
            1,
            "首响时长",
            "FRT",
        ),
        _metric(
            "handling_minutes",
            "平均处理时长",
            "Average handling time",
            _l("Average handling time"),
            Unit.MINUTES,
            (0, 600),
            _L,
            1,
            "AHT",
        ),
        _metric(
            "resolution_rate",
            "问题解决率",
            "Resolution rate",
            _l("Resolution rate"),
            Unit.PERCENT,
            (0, 100),
            _H,
            1,
        ),
        _metric(
            "fcr_rate",
            "一次解决率",
            "First contact resolution",
            _l("First contact resolution"),
            Unit.PERCENT,
            (0, 100),
            _H,
            1,
            "FCR",
            "首次解决率",
        ),
        _metric(
            "csat",
            "满意度",
            "CSAT",
            _l("CSAT"),
            Unit.PERCENT,
            (0, 100),
            _H,
            1,
            "满意度 CSAT",
            "客户满意度",
        ),
        _metric(
            "nps",
            "NPS",
            "Net promoter score",
            _l("NPS"),
            Unit.SCORE,
            (-100, 100),
            _H,
            0,
            "净推荐值",
        ),
        _metric(
            "qa_compliance",
            "质检合规率",
            "QA compliance",
            _l("QA compliance"),
            Unit.PERCENT,
            (0, 100),
            _H,
            1,
            "质检合格率",
        ),
        _metric(
            "complaint_rate",
            "投诉率",
            "Complaint rate",
            _l("Complaint rate"),
            Unit.PERCENT,
            (0, 100),
            _L,
            2,
        ),
        _metric(
            "answered_within_30s_rate",
            "30秒内响应率",
            "Answered within 30 s",
            _l("Answered within 30 s"),
            Unit.PERCENT,
            (0, 100),
            _H,
            1,
            "30 秒内响应率",
            "30s响应率",
            "answered within 30s",
        ),
        _metric(
            "upheld_complaints",
            "经核实的严重投诉次数",
            "Upheld serious complaints",
            _l("Upheld serious complaints"),
            Unit.COUNT,
            (0, 1000),
            _L,
            0,
            "严重投诉",
            "有效投诉次数",
        ),
    )
}


# --- reading figures -------------------------------------------------------------------------


def kpi_months(
    user_ids: Iterable[int] | sa.Select[tuple[int]],
    metrics: Iterable[str],
    month_from: date,
    month_to: date,
) -> dict[tuple[int, str], dict[date, Decimal]]:
    """The figures of ``metrics`` for these agents from ``month_from`` to ``month_to``
    (inclusive, any day of those months), by (user id, metric), then month.

    One statement per 500 ids given as a list; one statement in all when ``user_ids`` is a
    query of ids (``accounts.agents_select``-style), however many agents it names. The
    number of months and metrics never adds statements.
    """
    wanted = sorted(set(metrics))
    found: dict[tuple[int, str], dict[date, Decimal]] = {}
    if not wanted:
        return found
    base = (
        sa.select(KpiValue.user_id, KpiValue.metric, KpiValue.month, KpiValue.value)
        .where(
            KpiValue.metric.in_(wanted),
            KpiValue.month >= month_start(month_from),
            KpiValue.month <= month_start(month_to),
        )
        .order_by(KpiValue.user_id, KpiValue.metric, KpiValue.month)
    )
    for statement in _agent_statements(base, user_ids):
        for user_id, metric, month, value in db.session.execute(statement):
            found.setdefault((user_id, metric), {})[month] = value
    return found


def _agent_statements(
    base: sa.Select[tuple[int, str, date, Decimal]],
    user_ids: Iterable[int] | sa.Select[tuple[int]],
) -> list[sa.Select[tuple[int, str, date, Decimal]]]:
    """``base`` for these agents: one statement given a select of ids, one per 500 ids."""
    if isinstance(user_ids, sa.Select):
        return [base.where(KpiValue.user_id.in_(user_ids.scalar_subquery()))]
    ids = sorted(set(user_ids))
    return [
        base.where(KpiValue.user_id.in_(ids[start : start + CHUNK]))
        for start in range(0, len(ids), CHUNK)
    ]


#: By agent, then metric, then month: the figure.
Figures = dict[int, dict[str, dict[date, Decimal]]]


def kpi_figures(
    user_ids: Iterable[int] | sa.Select[tuple[int]],
    windows: Mapping[str, tuple[date, date]],
    above_zero: Collection[str] = (),
) -> Figures:
    """The figures of several metrics each over its own months (``windows``: metric ->
    (first month, last month), inclusive), by agent, metric and month, in one read; for the
    metrics in ``above_zero`` only the figures above zero (counts of events, where a month
    without one had none). Months come in no particular order.

    Every metric in one statement, whatever the windows (one per 500 ids given a list, one
    in all given a select of ids): evaluating eligibility reads a few months of some
    metrics and a year of one, and a scan of the figures per window was most of its time.
    """
    found: Figures = {}
    if not windows:
        return found
    # The metrics sharing a window (and a filter) under one condition: the SQL stays short.
    grouped: dict[tuple[date, date, bool], list[str]] = {}
    for metric, (first, last) in sorted(windows.items()):
        window = (month_start(first), month_start(last), metric in above_zero)
        grouped.setdefault(window, []).append(metric)
    conditions = []
    for (first, last, events), wanted in grouped.items():
        condition = sa.and_(
            KpiValue.metric.in_(wanted), KpiValue.month >= first, KpiValue.month <= last
        )
        conditions.append(sa.and_(condition, KpiValue.value > 0) if events else condition)
    # The span of every window first: a plain comparison that sets most figures aside
    # before the per-metric conditions are looked at (a fifth quicker on PostgreSQL).
    earliest = min(first for first, _last, _events in grouped)
    latest = max(last for _first, last, _events in grouped)
    base = sa.select(KpiValue.user_id, KpiValue.metric, KpiValue.month, KpiValue.value).where(
        KpiValue.month >= earliest, KpiValue.month <= latest, sa.or_(*conditions)
    )
    # Plain rows from the connection (same transaction): the ORM's cost per row shows over
    # hundreds of thousands of figures and adds nothing to a select of columns.
    db.session.flush()
    connection = db.session.connection()
    for statement in _agent_statements(base, user_ids):
        # .all(): one fetch of every row, not a call into the driver per row.
        for user_id, metric, month, value in connection.execute(statement).all():
            agent = found.get(user_id)
            if agent is None:
                agent = found[user_id] = {}
            by_month = agent.get(metric)
            if by_month is None:
                by_month = agent[metric] = {}
            by_month[month] = value
    return found


@dataclass(frozen=True)
class KpiTable:
    """One agent's figures for a page: months (newest first) × metrics."""

    months: list[date]
    metrics: list[Metric]
    values: dict[date, dict[str, Decimal]]

    def value(self, month: date, metric: str) -> Decimal | None:
        return self.values.get(month, {}).get(metric)

    def shown(self, month: date, metric: Metric) -> str:
        return metric.format(self.value(month, metric.key))

    @property
    def is_empty(self) -> bool:
        return not self.values


def kpis_of(user_id: int, months: int = 12, today: date | None = None) -> KpiTable:
    """The agent's figures over the last ``months`` months, every metric, newest first:
    up to the current month when it has figures, else up to the month before."""
    last = month_start(today or date.today())
    found = kpi_months([user_id], METRICS, add_months(last, -months), last)
    # A month's figures arrive after it ends: the current month shows only once it has some.
    if not any(last in by_month for by_month in found.values()):
        last = add_months(last, -1)
    shown = [add_months(last, -i) for i in range(months)]
    values: dict[date, dict[str, Decimal]] = {}
    for (_user, metric), by_month in found.items():
        for month, value in by_month.items():
            if month >= shown[-1]:
                values.setdefault(month, {})[metric] = value
    return KpiTable(shown, list(METRICS.values()), values)


# --- imports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiImportReport:
    """What an import did. ``import_id`` is None when nothing was written: every figure was
    stored already (``already_imported``: this very file, by its SHA-256, was imported
    before), or it was a dry run."""

    filename: str
    import_id: int | None
    rows: int
    agents: int
    months: list[date]
    values_written: int
    values_replaced: int
    values_removed: int
    already_imported: bool = False
    earlier_at: datetime | None = None
    dry_run: bool = False


def import_kpis(
    filename: str,
    content: bytes,
    by_id: int | None,
    today: date | None = None,
    now: datetime | None = None,
    *,
    dry_run: bool = False,
) -> KpiImportReport:
    """Import a KPI file (CSV or XLSX), all or nothing.

    Raises ``ImportRejected`` with every problem as ``file:line: reason``; nothing is
    written then. A figure for an (agent, month, metric) already stored is replaced and
    the old one kept as a ``KpiChange``; an empty cell in a metric's column removes a
    stored figure of that month. ``dry_run`` checks and counts without writing.
    """
    from lms.career import kpi_import

    today = today or date.today()
    now = now or utcnow()
    digest = kpi_import.file_digest(content)
    employees = {
        accounts.employee_no_key(agent.employee_no): agent.id for agent in accounts.agent_rows()
    }
    parsed = kpi_import.read_kpi_file(filename, content, METRICS, employees, today)

    keys = {(row.user_id, row.month) for row in parsed.rows}
    stored = _stored_values({user_id for user_id, _month in keys}, parsed.months, parsed.metrics)
    writes: list[tuple[int, date, str, Decimal | None, KpiValue | None]] = []
    for row in parsed.rows:
        for metric in parsed.metrics:
            new = row.values.get(metric)
            old = stored.get((row.user_id, row.month, metric))
            if old is None and new is None:
                continue
            if old is not None and new is not None and old.value == new:
                continue
            writes.append((row.user_id, row.month, metric, new, old))

    written = sum(1 for w in writes if w[3] is not None)
    replaced = sum(1 for w in writes if w[3] is not None and w[4] is not None)
    removed = sum(1 for w in writes if w[3] is None)
    earlier = db.session.scalar(
        sa.select(KpiImport).where(KpiImport.sha256 == digest).order_by(KpiImport.id.desc())
    )
    report = KpiImportReport(
        filename=filename,
        import_id=None,
        rows=len(parsed.rows),
        agents=len({row.user_id for row in parsed.rows}),
        months=parsed.months,
        values_written=written,
        values_replaced=replaced,
        values_removed=removed,
        already_imported=earlier is not None and not writes,
        earlier_at=earlier.imported_at if earlier is not None else None,
        dry_run=dry_run,
    )
    # A file that changes nothing leaves no trace: the history lists what changed figures.
    if dry_run or not writes:
        return report

    record = KpiImport(
        filename=filename[:255],
        sha256=digest,
        imported_by_id=by_id,
        imported_at=now,
        rows=report.rows,
        agents=report.agents,
        values_written=written,
        values_replaced=replaced,
        months=[m.strftime("%Y-%m") for m in parsed.months],
    )
    db.session.add(record)
    db.session.flush()
    for user_id, month, metric, new, old in writes:
        if old is not None:
            db.session.add(
                KpiChange(
                    import_id=record.id,
                    user_id=user_id,
                    month=month,
                    metric=metric,
                    old_value=old.value,
                    new_value=new,
                    old_import_id=old.import_id,
                )
            )
            if new is None:
                db.session.delete(old)
            else:
                old.value = new
                old.import_id = record.id
        elif new is not None:
            db.session.add(
                KpiValue(
                    user_id=user_id, month=month, metric=metric, value=new, import_id=record.id
                )
            )
    db.session.flush()
    audit.record(
        "career.kpis_imported",
        actor_id=by_id,
        subject_type="kpi_import",
        subject_id=record.id,
        message=audit.N_("Imported KPI figures from %(file)s"),
        params={"file": record.filename},
        after={
            "filename": record.filename,
            "rows": report.rows,
            "agents": report.agents,
            "months": record.months,
            "values_written": written,
            "values_replaced": replaced,
            "values_removed": removed,
        },
        now=now,
    )
    return _with_id(report, record.id)


def _with_id(report: KpiImportReport, import_id: int) -> KpiImportReport:
    from dataclasses import replace

    return replace(report, import_id=import_id)


def _stored_values(
    user_ids: set[int], months: Sequence[date], metrics: Sequence[str]
) -> dict[tuple[int, date, str], KpiValue]:
    """The stored figures a file may replace, in one statement per 500 agents."""
    if not user_ids or not months or not metrics:
        return {}
    ids = sorted(user_ids)
    found: dict[tuple[int, date, str], KpiValue] = {}
    for start in range(0, len(ids), CHUNK):
        for value in db.session.scalars(
            sa.select(KpiValue).where(
                KpiValue.user_id.in_(ids[start : start + CHUNK]),
                KpiValue.month.in_(list(months)),
                KpiValue.metric.in_(list(metrics)),
            )
        ):
            found[(value.user_id, value.month, value.metric)] = value
    return found


@dataclass(frozen=True)
class ImportLine:
    """An import in the history, with who made it."""

    record: KpiImport
    imported_by: str | None


def recent_imports(limit: int = 50) -> list[ImportLine]:
    """The latest imports, newest first."""
    records = list(
        db.session.scalars(sa.select(KpiImport).order_by(KpiImport.id.desc()).limit(limit))
    )
    people = {
        u.id: f"{u.employee_no} {u.name}"
        for u in accounts.users_by_id({r.imported_by_id for r in records if r.imported_by_id})
    }
    return [ImportLine(r, people.get(r.imported_by_id or 0)) for r in records]


def get_import(import_id: int) -> KpiImport | None:
    return db.session.get(KpiImport, import_id)


@dataclass(frozen=True)
class ChangeLine:
    change: KpiChange
    metric: Metric | None
    employee_no: str
    name: str


def changes_of(import_id: int) -> list[ChangeLine]:
    """The figures an import replaced or removed, by agent, month and metric."""
    changes = list(
        db.session.scalars(
            sa.select(KpiChange)
            .where(KpiChange.import_id == import_id)
            .order_by(KpiChange.user_id, KpiChange.month, KpiChange.metric)
        )
    )
    people = {u.id: u for u in accounts.users_by_id({c.user_id for c in changes})}
    return [
        ChangeLine(
            c,
            METRICS.get(c.metric),
            people[c.user_id].employee_no if c.user_id in people else "",
            people[c.user_id].name if c.user_id in people else "",
        )
        for c in changes
    ]


def changes_for(user_id: int, limit: int = 100) -> list[KpiChange]:
    """The latest changes of one agent's figures, newest first."""
    return list(
        db.session.scalars(
            sa.select(KpiChange)
            .where(KpiChange.user_id == user_id)
            .order_by(KpiChange.id.desc())
            .limit(limit)
        )
    )


def template_headers() -> list[str]:
    """The header row of a KPI file to fill in: key columns, then every metric's Chinese name."""
    return ["工号", "姓名", "月份", *(metric.zh for metric in METRICS.values())]
