"""`flask demo load`: a small customer-service centre to try the app with, and twelve months
of its history (``lms.demo_history``). Idempotent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from lms.accounts import services as accounts
from lms.accounts.models import Level, Role
from lms.career.demo_kpis import load_demo_kpis
from lms.demo_history import HistoryReport, load_history
from lms.extensions import db
from lms.i18n import local_today

demo_cli = AppGroup("demo", help="Demo data for trying the app.")

DEMO_PASSWORD = "demo1234"

TEAMS = {
    "online1": "客服中心/在线客服部/一组",
    "online2": "客服中心/在线客服部/二组",
    "phone1": "客服中心/热线客服部/一组",
    "phone2": "客服中心/热线客服部/二组",
    "after": "客服中心/售后服务部/投诉处理组",
    "quality": "客服中心/质检培训部",
    "hr": "人力资源部",
    "it": "信息技术部",
}

# (employee no, name, team, roles, hire date, position, level, level since)
STAFF: list[tuple[str, str, str, tuple[Role, ...], date, str, Level | None, date | None]] = [
    ("A0001", "周明远", "it", (Role.ADMIN,), date(2019, 7, 1), "系统管理员", None, None),
    ("H0001", "刘晓梅", "hr", (Role.HR,), date(2018, 3, 12), "培训与发展专员", None, None),
    # External training needs a second HR person to approve what the first entered.
    ("H0002", "王丽", "hr", (Role.HR,), date(2020, 4, 7), "人事专员", None, None),
    ("T0001", "陈静", "quality", (Role.TRAINER,), date(2017, 9, 4), "服务培训师", None, None),
    (
        "T0002",
        "赵磊",
        "quality",
        (Role.TRAINER, Role.AGENT),
        date(2016, 5, 16),
        "质检培训主管",
        Level.SENIOR,
        date(2021, 1, 1),
    ),
]

AGENTS = [
    # junior
    # The newest cohort joined just before the demo's year of history begins.
    ("KF0001", "王芳", "online1", date(2025, 11, 24)),
    ("KF0002", "李娜", "online1", date(2025, 11, 24)),
    ("KF0003", "张伟", "online1", date(2025, 11, 10)),
    ("KF0004", "刘洋", "online2", date(2025, 11, 10)),
    ("KF0005", "杨雪", "online2", date(2025, 7, 1)),
    ("KF0006", "黄晓燕", "online2", date(2025, 4, 14)),
    ("KF0007", "吴昊", "phone1", date(2025, 2, 24)),
    ("KF0008", "徐丽", "phone1", date(2024, 12, 2)),
    ("KF0009", "孙鹏", "phone1", date(2024, 9, 9)),
    ("KF0010", "马丽娟", "phone2", date(2024, 6, 3)),
    ("KF0011", "朱婷", "phone2", date(2024, 3, 18)),
    ("KF0012", "胡斌", "phone2", date(2024, 1, 8)),
    ("KF0013", "郭佳怡", "after", date(2023, 11, 20)),
    ("KF0014", "买买提·艾力", "online1", date(2023, 10, 9)),
    ("00215", "林喆", "online2", date(2023, 8, 1)),
    # mid
    ("KF0016", "何文静", "phone1", date(2022, 6, 6)),
    ("KF0017", "高翔", "phone2", date(2022, 4, 11)),
    ("KF0018", "罗敏", "online1", date(2021, 12, 1)),
    ("KF0019", "郑凯", "online2", date(2021, 9, 13)),
    ("KF0020", "梁嘉欣", "after", date(2021, 7, 5)),
    ("KF0021", "宋涛", "after", date(2021, 3, 22)),
    ("KF0022", "谢雨桐", "phone1", date(2020, 11, 2)),
    ("KF0023", "韩冰", "phone2", date(2020, 8, 17)),
    ("KF0024", "唐宇轩", "online1", date(2020, 5, 11)),
    ("KF0025", "欧阳娜", "online2", date(2020, 2, 24)),
    # senior
    ("KF0026", "冯建华", "after", date(2018, 6, 4)),
    ("KF0027", "董思琪", "online1", date(2018, 3, 5)),
    ("KF0028", "萧志强", "phone1", date(2017, 10, 16)),
    ("KF0029", "程丹", "phone2", date(2017, 4, 10)),
    ("KF0030", "曹雯雯", "online2", date(2016, 8, 29)),
]

# Levels and the date each agent reached it, in the order of AGENTS.
LEVELS: list[tuple[Level, int]] = (
    [(Level.JUNIOR, 0)] * 15 + [(Level.MID, 2)] * 10 + [(Level.SENIOR, 5)] * 5
)


@dataclass(frozen=True)
class DemoReport:
    people: int
    departments: int
    history: HistoryReport
    kpi_values: int  # monthly KPI figures imported (0 when they were there already)


def load_demo(today: date | None = None, now: datetime | None = None) -> DemoReport:
    """Create the demo centre where missing, then its history once (see ``demo_history``)."""
    team_ids: dict[str, int] = {}
    departments_created = 0
    for key, path in TEAMS.items():
        department, created = accounts.ensure_department_path(path)
        team_ids[key] = department.id
        departments_created += created

    people = list(STAFF)
    for (number, name, team, hired), (level, years_to_level) in zip(AGENTS, LEVELS, strict=True):
        since = hired if years_to_level == 0 else date(hired.year + years_to_level, hired.month, 1)
        people.append((number, name, team, (Role.AGENT,), hired, "客户服务专员", level, since))

    created = 0
    for number, name, team, roles, hired, position, level, since in people:
        if accounts.find_user_by_employee_no(number) is not None:
            continue
        user, _password = accounts.create_user(
            accounts.UserDetails(
                employee_no=number,
                name=name,
                roles=set(roles),
                department_id=team_ids[team],
                position=position,
                hire_date=hired,
                level=level,
                level_since=since,
            ),
            password=DEMO_PASSWORD,
        )
        # Demo accounts are for trying things out, not for the first-login ritual.
        user.must_change_password = False
        created += 1
    db.session.flush()
    numbers = [row[0] for row in STAFF] + [row[0] for row in AGENTS]
    history = load_history(numbers, today=today, now=now)
    kpis = load_demo_kpis(today or local_today())
    return DemoReport(
        created, departments_created, history, kpis.values_written if kpis is not None else 0
    )


@demo_cli.command("load")
def load_command() -> None:
    """Load the demo centre (safe to run again: existing people are left alone)."""
    report = load_demo()
    db.session.commit()
    click.echo(
        _(
            "Demo data: %(people)d people and %(departments)d departments added.",
            people=report.people,
            departments=report.departments,
        )
    )
    history = report.history
    if history.missing_content:
        click.echo(
            _(
                "Demo history not loaded: run `flask content sync` first (missing: %(missing)s).",
                missing=", ".join(history.missing_content),
            )
        )
        return
    click.echo(
        _(
            "Demo history: %(courses)d course completions, %(attempts)d exam attempts "
            "(%(certificates)d certificates), %(programmes)d monthly refreshers, "
            "%(sessions)d classroom sessions, %(external)d external trainings and "
            "%(signatures)d policy acknowledgements added.",
            courses=history.course_completions,
            attempts=history.attempts,
            certificates=history.certificates,
            programmes=history.programmes,
            sessions=history.sessions,
            external=history.external_trainings,
            signatures=history.acknowledgements,
        )
    )
    click.echo(_("Demo KPIs: %(count)d monthly figures added.", count=report.kpi_values))
