"""Every importer, fed hostile files: it accepts the file or refuses it whole.

The property, for users (CSV, XLSX), KPIs (CSV, XLSX) and questions (GIFT, Moodle XML,
Aiken, the Excel template): the call returns, or raises ``ImportRejected`` whose problems
are ``file:line: reason`` strings; never another exception; and after a refusal every
table holds exactly the rows it held before (no partial write), counted before the
caller's rollback. An accepted file wrote what the importer says it wrote.

``pytest tests/hostile/test_importers.py --hypothesis-show-statistics`` prints, per test,
how many examples ran and how many files were accepted and refused.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from lms.accounts import user_import
from lms.accounts.models import User
from lms.career.services import kpis
from lms.errors import ImportRejected
from lms.exams.services import bank, interchange
from lms.extensions import db
from tests.hostile import strategies as hostile_files
from tests.hostile.conftest import hostile, row_counts
from tests.security.world import World

FILENAMES = st.sampled_from(
    ["people.csv", "人员名单.xlsx", "upload", "../../etc/passwd", "a b.CSV", "名单\u202egpj.csv"]
)


def assert_refused_cleanly(rejected: ImportRejected, filename: str, before: dict) -> None:
    """Problems are ``file:line: reason`` (``file: reason`` for the file as a whole), and
    nothing of the file was written."""
    assert rejected.problems, "a refusal names at least one problem"
    shape = re.compile(re.escape(filename) + r"(:\d+)?: \S", re.DOTALL)
    for problem in rejected.problems:
        assert isinstance(problem, str)
        assert shape.match(problem), problem
    assert row_counts() == before, "a refused file left rows behind"


def grew(before: dict, table: str) -> int:
    return row_counts()[table] - before[table]


# --- users ---------------------------------------------------------------------------------

USER_CELLS = (
    "KF9001", "kf9001", "00215", "SA0001", "张三", "客服中心/在线客服部/一组", "客服中心//一组",
    "客服", "培训师; 人事", "admin", "2024-03-01", "2024/3/1", "20240301", "1949-12-31", "初级",
    "高级客户服务专员", "组长",
)  # fmt: skip


@st.composite
def user_rows(draw: st.DrawFn) -> list[list[str]]:
    """A good people file (new employee numbers, known roles and levels), as rows."""
    numbers = draw(
        st.lists(
            st.from_regex(r"HX[0-9]{3,5}", fullmatch=True), min_size=1, max_size=5, unique=True
        )
    )
    rows = [list(user_import.TEMPLATE_HEADERS)]
    for number in numbers:
        rows.append(
            [
                number,
                draw(st.sampled_from(["张三", " 李四 ", "O'Brien", "阿依古丽·买买提"])),
                draw(st.sampled_from(["客服中心/在线客服部/一组", "客服中心 / 新组", "新部门"])),
                draw(st.sampled_from(["客服", "agent; trainer", "人事、培训师"])),
                draw(st.sampled_from(["2024-03-01", "2024/3/1", "2024年3月1日", "20240301"])),
                draw(st.sampled_from(["", "一线客服", "组长"])),
                draw(st.sampled_from(["", "初级", "senior"])),
            ]
        )
    return rows


def _user_files(encode) -> st.SearchStrategy[bytes]:  # type: ignore[no-untyped-def]
    headers = [*user_import.TEMPLATE_HEADERS, "employee no", "role", "备注"]
    return st.one_of(
        encode(hostile_files.grids(headers, USER_CELLS)),
        encode(hostile_files.spoiled(user_rows())),
        hostile_files.arbitrary_bytes(),
    )


PASSWORDS = st.one_of(
    st.none(), st.sampled_from(["short", "Str0ng-Passw0rd", "\x00" * 12, "密码密码密码密码"])
)


def _import_users(world: World, filename: str, content: bytes, password: str | None) -> None:
    admin = db.session.get(User, world.people["admin"])
    before = row_counts()
    try:
        summary = user_import.import_users(filename, content, admin, initial_password=password)
    except ImportRejected as rejected:
        event("refused")
        assert_refused_cleanly(rejected, filename, before)
    else:
        event("accepted")
        assert summary.users_created >= 1
        assert grew(before, "user") == summary.users_created
        assert grew(before, "user_import") == 1
        assert grew(before, "department") == summary.departments_created


@pytest.mark.parametrize(
    "encode", [hostile_files.csv_from, hostile_files.xlsx_from], ids=["csv", "xlsx"]
)
@hostile()
@given(filename=FILENAMES, password=PASSWORDS, data=st.data())
def test_user_import_accepts_or_refuses_whole_files(
    world, each_example, encode, filename: str, password: str | None, data: st.DataObject
) -> None:
    content = data.draw(_user_files(encode), label="content")
    with each_example():
        _import_users(world, filename, content, password)


# --- KPIs ----------------------------------------------------------------------------------

TODAY = date(2026, 12, 4)
KPI_HEADERS = ["工号", "月份", "employee no", "month", "姓名", "部门"] + [
    header for metric in kpis.METRICS.values() for header in metric.headers[:2]
]
KPI_CELLS = ("SA0001", "SA0002", "sa0002", "ST0001", "2026-11", "2026年10月", "202612", "2027-01")


@st.composite
def kpi_rows(draw: st.DrawFn) -> list[list[str]]:
    """A good KPI file for the world's two agents: months of this year, figures in range."""
    metrics = draw(
        st.lists(st.sampled_from(list(kpis.METRICS.values())), min_size=1, max_size=4, unique=True)
    )
    keys = draw(
        st.lists(
            st.tuples(st.sampled_from(["SA0001", "SA0002"]), st.integers(1, 12)),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    rows = [["工号", "月份", *[m.zh for m in metrics]]]
    for number, month in keys:
        figures = []
        for metric in metrics:
            value = draw(st.decimals(metric.minimum, metric.maximum, places=metric.decimals))
            figures.append("" if draw(st.integers(0, 9)) == 0 else str(value))
        rows.append([number, f"2026-{month:02d}", *figures])
    return rows


def _kpi_files(encode) -> st.SearchStrategy[bytes]:  # type: ignore[no-untyped-def]
    return st.one_of(
        encode(hostile_files.grids(KPI_HEADERS, KPI_CELLS)),
        encode(hostile_files.spoiled(kpi_rows())),
        hostile_files.arbitrary_bytes(),
    )


def _import_kpis(world: World, filename: str, content: bytes, dry_run: bool) -> None:
    before = row_counts()
    try:
        report = kpis.import_kpis(
            filename, content, world.people["hr"], today=TODAY, dry_run=dry_run
        )
    except ImportRejected as rejected:
        event("refused")
        assert_refused_cleanly(rejected, filename, before)
    else:
        event("dry run" if dry_run else "accepted")
        changed = report.values_written + report.values_removed
        if dry_run or not changed:
            assert report.import_id is None
            assert row_counts() == before, "a dry run or a file changing nothing wrote rows"
        else:
            assert report.import_id is not None
            assert grew(before, "kpi_import") == 1
            assert grew(before, "kpi_change") == report.values_replaced + report.values_removed


@pytest.mark.parametrize(
    "encode", [hostile_files.csv_from, hostile_files.xlsx_from], ids=["csv", "xlsx"]
)
@hostile()
@given(filename=FILENAMES, dry_run=st.booleans(), data=st.data())
def test_kpi_import_accepts_or_refuses_whole_files(
    world, each_example, encode, filename: str, dry_run: bool, data: st.DataObject
) -> None:
    content = data.draw(_kpi_files(encode), label="content")
    with each_example():
        _import_kpis(world, filename, content, dry_run)


# --- questions -----------------------------------------------------------------------------

QUESTION_FORMATS = {
    "gift": hostile_files.gift_files(),
    "moodle_xml": hostile_files.moodle_xml_files(),
    "aiken": hostile_files.aiken_files(),
    "xlsx": hostile_files.xlsx_from(
        hostile_files.grids(
            hostile_files.QUESTION_SHEET_HEADERS, hostile_files.QUESTION_SHEET_CELLS
        )
    ),
}
QUESTION_NAMES = st.sampled_from(
    ["bank.gift", "bank.xml", "bank.txt", "bank.xlsx", "bank", "题库.GIFT", "x.png", "a b.xml"]
)


def _import_questions(world: World, filename: str, content: bytes, category: bool) -> None:
    """Stage the file as the upload page does, then confirm it as the preview page does."""
    trainer = world.people["trainer"]
    default = bank.ensure_category(("导入", "默认")) if category else None
    db.session.flush()
    before = row_counts()
    try:
        staged, preview = interchange.stage_import(filename, content, default, trainer)
    except ImportRejected as rejected:
        event("refused")
        assert_refused_cleanly(rejected, filename, before)
        return
    assert grew(before, "question_import") == 1
    staged_counts = row_counts()
    try:
        created = interchange.confirm_import(staged, trainer)
    except ImportRejected as rejected:  # pragma: no cover - the failure this test looks for
        raise AssertionError(
            f"the preview passed but the confirmation refused: {rejected.problems}"
        ) from None
    event("accepted")
    assert len(created) == preview.total >= 1
    assert grew(staged_counts, "question") == preview.total


@pytest.mark.parametrize("fmt", list(QUESTION_FORMATS))
@hostile()
@given(filename=QUESTION_NAMES, category=st.booleans(), data=st.data())
def test_question_import_accepts_or_refuses_whole_files(
    world, each_example, fmt, filename: str, category: bool, data: st.DataObject
) -> None:
    files = st.one_of(QUESTION_FORMATS[fmt], hostile_files.arbitrary_bytes())
    content = data.draw(files, label="content")
    with each_example():
        _import_questions(world, filename, content, category)
