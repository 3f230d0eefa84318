"""Bulk import of people from CSV or XLSX: all or nothing per file."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import gettext as _

from lms.accounts import services
from lms.accounts.errors import ImportRejected
from lms.accounts.models import Level, Role, User, UserImport
from lms.audit import services as audit
from lms.extensions import db
from lms.tabular import read_table, write_csv, write_xlsx

COLUMNS: dict[str, list[str]] = {
    "employee_no": ["工号", "员工编号", "employee no", "employee number"],
    "name": ["姓名", "名字", "full name"],
    "department": ["部门", "所属部门", "dept"],
    "roles": ["角色", "role"],
    "hire_date": ["入职日期", "入职时间", "hire date"],
    "position": ["岗位", "职位", "title"],
    "level": ["级别", "职级"],
}
REQUIRED = ["employee_no", "name", "department", "roles", "hire_date"]
TEMPLATE_HEADERS = ["工号", "姓名", "部门", "角色", "入职日期", "岗位", "级别"]

# What people write in the roles column, in either language.
ROLE_ALIASES: dict[str, Role] = {
    "agent": Role.AGENT,
    "客服": Role.AGENT,
    "客服专员": Role.AGENT,
    "坐席": Role.AGENT,
    "客服人员": Role.AGENT,
    "trainer": Role.TRAINER,
    "培训师": Role.TRAINER,
    "讲师": Role.TRAINER,
    "hr": Role.HR,
    "人力资源": Role.HR,
    "人事": Role.HR,
    "admin": Role.ADMIN,
    "administrator": Role.ADMIN,
    "管理员": Role.ADMIN,
    "系统管理员": Role.ADMIN,
}
LEVEL_ALIASES: dict[str, Level] = {
    "junior": Level.JUNIOR,
    "初级": Level.JUNIOR,
    "初级客户服务专员": Level.JUNIOR,
    "mid": Level.MID,
    "中级": Level.MID,
    "中级客户服务专员": Level.MID,
    "senior": Level.SENIOR,
    "高级": Level.SENIOR,
    "高级客户服务专员": Level.SENIOR,
}
ROLE_SEPARATORS = re.compile(r"\s*[;；、,，]\s*")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")


@dataclass
class ImportSummary:
    filename: str
    users_created: int
    departments_created: int
    initial_password: str


def parse_date(value: object) -> date | None:
    """A hire date as Excel or a person writes it; None when it is not a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in DATE_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if 1950 <= parsed.year <= 2100:
            return parsed
    return None


def parse_roles(value: str) -> tuple[set[Role], list[str]]:
    roles, unknown = set(), []
    for part in ROLE_SEPARATORS.split(str(value).strip()):
        if not part:
            continue
        role = ROLE_ALIASES.get(part.lower())
        if role is None:
            unknown.append(part)
        else:
            roles.add(role)
    return roles, unknown


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def import_users(
    filename: str,
    content: bytes,
    imported_by: User | None = None,
    initial_password: str | None = None,
) -> ImportSummary:
    """Create every person in the file, or nobody.

    Every bad row is reported as ``file:line: reason`` in ``ImportRejected``;
    nothing is written unless the whole file is good. Everyone created gets
    ``initial_password`` (one is generated when not given) and must change it
    at first sign-in.
    """
    digest = file_digest(content)
    earlier = db.session.scalar(sa.select(UserImport).where(UserImport.sha256 == digest))
    if earlier is not None:
        raise ImportRejected(
            [
                _(
                    "%(file)s: this file was already imported on %(when)s "
                    "(%(count)d people created); nothing was imported again.",
                    file=filename,
                    when=format_datetime(earlier.imported_at, "short"),
                    count=earlier.users_created,
                )
            ]
        )
    if initial_password:
        problems = services.password_problems(initial_password)
        if problems:
            raise ImportRejected([f"{filename}: {p}" for p in problems])

    table = read_table(filename, content, COLUMNS, REQUIRED)
    if table.problems:
        raise ImportRejected(table.problems)
    if not table.rows:
        raise ImportRejected([_("%(file)s:2: the file has a header but no people", file=filename)])

    keys = {services.employee_no_key(str(r.cells["employee_no"])) for r in table.rows}
    taken = set()
    key_list = sorted(k for k in keys if k)
    for start in range(0, len(key_list), 500):
        taken |= set(
            db.session.scalars(
                sa.select(User.employee_no_key).where(
                    User.employee_no_key.in_(key_list[start : start + 500])
                )
            )
        )

    problems: list[str] = []
    first_line: dict[str, int] = {}
    people = []
    for row in table.rows:
        reasons: list[str] = []
        cells = row.cells
        number = str(cells.get("employee_no", "")).strip()
        key = services.employee_no_key(number)
        if not number:
            reasons.append(_("the employee number is missing"))
        elif not services.EMPLOYEE_NO_PATTERN.match(key):
            reasons.append(
                _(
                    'employee number "%(no)s" may use only letters, digits, "-", "_" and "."',
                    no=number,
                )
            )
        elif key in first_line:
            reasons.append(
                _(
                    "employee number %(no)s appears again (first on line %(line)d)",
                    no=number,
                    line=first_line[key],
                )
            )
        elif key in taken:
            reasons.append(_("employee number %(no)s already exists", no=number))
        if key and key not in first_line:
            first_line[key] = row.line

        name = services.clean_name(str(cells.get("name", "")))
        if not name:
            reasons.append(_("the name is missing"))
        elif len(name) > 100:
            reasons.append(_("the name is longer than 100 characters"))

        department = services.split_department_path(str(cells.get("department", "")))
        if not department:
            reasons.append(_("the department is missing"))
        elif any(len(part) > 100 for part in department):
            reasons.append(_("a department name is longer than 100 characters"))

        roles, unknown = parse_roles(str(cells.get("roles", "")))
        if unknown:
            reasons.append(
                _(
                    'unknown role "%(role)s" (use agent, trainer, hr, admin '
                    "or 客服专员, 培训师, 人力资源, 管理员)",
                    role="; ".join(unknown),
                )
            )
        elif not roles:
            reasons.append(_("the roles are missing"))

        raw_date = cells.get("hire_date", "")
        hire_date = parse_date(raw_date)
        if raw_date in ("", None):
            reasons.append(_("the hire date is missing"))
        elif hire_date is None:
            reasons.append(_('hire date "%(value)s" is not a date like 2024-03-01', value=raw_date))

        level = None
        raw_level = str(cells.get("level", "")).strip()
        if raw_level:
            level = LEVEL_ALIASES.get(raw_level.lower())
            if level is None:
                reasons.append(
                    _('unknown level "%(level)s" (use 初级, 中级 or 高级)', level=raw_level)
                )

        position = str(cells.get("position", "")).strip()
        if len(position) > 100:
            reasons.append(_("the position is longer than 100 characters"))

        problems += [f"{filename}:{row.line}: {reason}" for reason in reasons]
        people.append(
            (
                number,
                name,
                department,
                roles,
                hire_date,
                level,
                position,
            )
        )

    if problems:
        raise ImportRejected(problems)

    password = initial_password or services.generate_temporary_password()
    # One hash for the batch: the password is the same for all of them and each
    # must replace it at first sign-in, so per-person salts would buy nothing
    # but minutes of scrypt on a large file.
    password_hash = services.hash_password(password)
    departments_created = 0
    department_ids: dict[tuple[str, ...], int] = {}
    for number, name, department, roles, hire_date, level, position in people:
        path = tuple(department)
        if path not in department_ids:
            node, created = services.ensure_department_path(path)
            departments_created += created
            department_ids[path] = node.id
        user = User(password_hash=password_hash, must_change_password=True)
        services.apply_details(
            user,
            services.UserDetails(
                employee_no=number,
                name=name,
                roles=roles,
                department_id=department_ids[path],
                position=position or None,
                hire_date=hire_date,
                level=level,
            ),
            by_id=imported_by.id if imported_by else None,
            source=services.LevelChangeSource.IMPORT,
        )
        db.session.add(user)
    batch = UserImport(
        filename=filename[:255],
        sha256=digest,
        users_created=len(people),
        departments_created=departments_created,
        imported_by_id=imported_by.id if imported_by else None,
    )
    db.session.add(batch)
    db.session.flush()
    audit.record(
        "accounts.users_imported",
        actor_id=batch.imported_by_id,
        subject_type="user_import",
        subject_id=batch.id,
        message=audit.N_("Imported %(count)d people from %(file)s"),
        params={"count": len(people), "file": batch.filename},
        after={
            "filename": batch.filename,
            "users_created": len(people),
            "departments_created": departments_created,
        },
    )
    return ImportSummary(filename, len(people), departments_created, password)


def template_csv() -> bytes:
    """The import template as CSV, UTF-8 with a BOM so Excel opens the Chinese headers correctly."""
    return write_csv(TEMPLATE_HEADERS, [])


def template_xlsx() -> bytes:
    return write_xlsx(TEMPLATE_HEADERS, [], text_columns=[0])
