"""Accounts: people, roles, departments, sign-in, sessions and passwords.

Services flush; the caller (a route or CLI command) commits once.
"""

from __future__ import annotations

import re
import secrets
import string
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_sqlalchemy.pagination import Pagination
from pypinyin import Style, lazy_pinyin
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from lms.accounts.errors import (
    AccountInactive,
    AccountLocked,
    DepartmentInUse,
    DomainError,
    FieldErrors,
    InvalidCredentials,
)
from lms.accounts.models import (
    Department,
    Level,
    LevelChange,
    LevelChangeSource,
    LoginFailure,
    LoginLock,
    Role,
    User,
    UserRole,
)
from lms.audit import services as audit
from lms.database import utcnow
from lms.extensions import db

LOCK_THRESHOLD = 5
LOCK_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
EMPLOYEE_NO_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-.]{0,31}$")
# Separators people type in names of ethnic-minority and foreign colleagues (买买提·艾力).
_NAME_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "∙": "·", "．": "·"})


# --- names and numbers ---------------------------------------------------------


def employee_no_key(employee_no: str) -> str:
    """The form of an employee number that compares: full-width folded, trimmed, case-free."""
    return unicodedata.normalize("NFKC", employee_no).strip().casefold()


def clean_name(name: str) -> str:
    return " ".join(name.translate(_NAME_DOTS).split())


def name_pinyin(name: str) -> tuple[str, str]:
    """(pinyin, initials) of a name, lower case, for sorting and searching.

    Syllables are separated by spaces so that 胡斌 (hu bin) sorts before
    黄晓燕 (huang xiao yan), as a Chinese reader expects. Characters without a
    reading (Latin letters, the ``·`` separator) are kept as they are.
    """
    letters = "".join(ch for ch in name if ch not in " ·")
    syllables = lazy_pinyin(letters, style=Style.NORMAL, errors="default")
    initials = lazy_pinyin(letters, style=Style.FIRST_LETTER, errors="default")
    return " ".join(syllables).lower()[:400], "".join(s[:1] for s in initials).lower()[:100]


# --- passwords -------------------------------------------------------------------


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def password_problems(password: str, employee_no: str = "") -> list[str]:
    """Why ``password`` is not acceptable, or an empty list."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("Use at least %(count)d characters.", count=MIN_PASSWORD_LENGTH))
    if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
        problems.append(_("Use both letters and digits."))
    if employee_no and employee_no_key(password) == employee_no_key(employee_no):
        problems.append(_("Do not use your employee number as your password."))
    return problems


def generate_temporary_password() -> str:
    """A one-time password an admin can read out: no look-alike characters."""
    alphabet = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(10))
        if not password_problems(candidate):
            return candidate


def _set_password(user: User, password: str, *, must_change: bool) -> None:
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    end_sessions(user)


def change_password(user: User, current: str, new: str, confirm: str) -> None:
    """The user's own change. Ends every other session of theirs."""
    pairs: list[tuple[str, str]] = []
    if not check_password_hash(user.password_hash, current):
        pairs.append(("current_password", _("The current password is not correct.")))
    pairs += [("new_password", p) for p in password_problems(new, user.employee_no)]
    if new and new == current:
        pairs.append(("new_password", _("Choose a password different from the current one.")))
    if new != confirm:
        pairs.append(("confirm_password", _("The two new passwords do not match.")))
    if pairs:
        raise FieldErrors(pairs)
    _set_password(user, new, must_change=False)
    db.session.flush()


def reset_password(user: User, by_id: int | None = None) -> str:
    """An admin's (``by_id``) reset: a temporary password to hand over, changed at next
    sign-in. Also lifts a sign-in lock, since the person is now known to the admin.
    """
    temporary = generate_temporary_password()
    was_forced = user.must_change_password
    _set_password(user, temporary, must_change=True)
    clear_login_failures(employee_no_key(user.employee_no)[:64])
    db.session.flush()
    # That it happened and to whom; never the password, old or new.
    audit.record(
        "accounts.password_reset",
        actor_id=by_id,
        subject_type="user",
        subject_id=user.id,
        subject_user_id=user.id,
        message=audit.N_("Reset the password of %(name)s"),
        params={"name": user.name},
        before={"must_change_password": was_forced},
        after={"must_change_password": True},
    )
    return temporary


# --- signing in and sessions -------------------------------------------------------

# Checked against when no user matches, so a wrong employee number costs as
# much time as a wrong password and timing tells nothing.
_DUMMY_HASH: dict[str, str] = {}


def _dummy_check(password: str) -> None:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = generate_password_hash("not a password", method=method)
    check_password_hash(_DUMMY_HASH[method], password)


def authenticate(employee_no: str, password: str, now: datetime | None = None) -> User:
    """The user these credentials belong to, or a refusal.

    LOCK_THRESHOLD failures within a sliding LOCK_WINDOW lock the login name for
    LOCK_DURATION, whether or not such a user exists: the lock message is the
    same for every name, so it reveals nothing. While locked, even the right
    password is refused.
    """
    now = now or utcnow()
    key = employee_no_key(employee_no)[:64]
    lock = db.session.get(LoginLock, key)
    if lock is not None and lock.locked_until > now:
        raise AccountLocked(lock.locked_until)

    user = find_user_by_employee_no(employee_no)
    if user is None:
        _dummy_check(password)
    elif check_password_hash(user.password_hash, password):
        if not user.is_active:
            raise AccountInactive(_("This account has been deactivated."))
        clear_login_failures(key, locked=lock is not None)
        user.last_login_at = now
        db.session.flush()
        return user

    locked_until = record_failure(key, now)
    if locked_until is not None:
        raise AccountLocked(locked_until)
    raise InvalidCredentials(_("Employee number or password is not correct."))


def locked_until(key: str, now: datetime) -> datetime | None:
    """Until when ``key`` (a login name, or a person's second step) is locked; None if not."""
    lock = db.session.get(LoginLock, key)
    return lock.locked_until if lock is not None and lock.locked_until > now else None


def record_failure(key: str, now: datetime) -> datetime | None:
    """Count a failed sign-in step of ``key``; the time it is locked until once too many."""
    db.session.add(LoginFailure(login_key=key, failed_at=now))
    db.session.flush()
    recent = db.session.scalar(
        sa.select(sa.func.count(LoginFailure.id)).where(
            LoginFailure.login_key == key, LoginFailure.failed_at > now - LOCK_WINDOW
        )
    )
    if (recent or 0) < LOCK_THRESHOLD:
        return None
    lock = db.session.get(LoginLock, key)
    if lock is None:
        try:
            with db.session.begin_nested():
                lock = LoginLock(login_key=key, locked_until=now + LOCK_DURATION)
                db.session.add(lock)
        except IntegrityError:  # a parallel failed sign-in locked it first
            lock = db.session.get(LoginLock, key, populate_existing=True)
            assert lock is not None
    lock.locked_until = now + LOCK_DURATION
    # The failures are spent on this lock; the next window starts empty.
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.login_key == key))
    db.session.flush()
    return lock.locked_until


def clear_login_failures(key: str, *, locked: bool = True) -> None:
    """Forget the failures of ``key``; ``locked=False`` when it is known to hold no lock."""
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.login_key == key))
    if locked:
        db.session.execute(sa.delete(LoginLock).where(LoginLock.login_key == key))


def end_sessions(user: User) -> None:
    """Refuse every session cookie issued to ``user`` so far.

    Called on logout, password change and deactivation.
    """
    user.session_version = (user.session_version or 0) + 1


# Every request loads its user: one statement, built once, with the roles joined.
_SESSION_USER = (
    sa.select(User).options(joinedload(User.role_rows)).where(User.id == sa.bindparam("user_id"))
)


def load_session_user(token: str) -> User | None:
    """The user a session cookie names, if that session is still valid."""
    user_id, _sep, version = token.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.execute(_SESSION_USER, {"user_id": int(user_id)}).unique().scalar()
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.flush()


# --- people -------------------------------------------------------------------------


@dataclass
class UserDetails:
    """What an admin enters for a person, validated together by ``validate_details``."""

    employee_no: str
    name: str
    roles: set[Role] = field(default_factory=set)
    department_id: int | None = None
    position: str | None = None
    hire_date: date | None = None
    level: Level | None = None
    level_since: date | None = None


def find_user_by_employee_no(employee_no: str) -> User | None:
    return db.session.scalar(
        select_users().where(User.employee_no_key == employee_no_key(employee_no))
    )


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def select_users() -> sa.Select[tuple[User]]:
    return sa.select(User)


def validate_details(details: UserDetails, user: User | None = None) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    number = details.employee_no.strip()
    if not number:
        pairs.append(("employee_no", _("Enter the employee number.")))
    elif not EMPLOYEE_NO_PATTERN.match(unicodedata.normalize("NFKC", number)):
        pairs.append(("employee_no", _("Use up to 32 letters, digits, '-', '_' or '.'.")))
    else:
        other = find_user_by_employee_no(number)
        if other is not None and other is not user:
            pairs.append(
                ("employee_no", _("Employee number %(no)s is already taken.", no=other.employee_no))
            )
    name = clean_name(details.name)
    if not name:
        pairs.append(("name", _("Enter the name.")))
    elif len(name) > 100:
        pairs.append(("name", _("Use at most 100 characters.")))
    if len((details.position or "").strip()) > 100:
        pairs.append(("position", _("Use at most 100 characters.")))
    if not details.roles:
        pairs.append(("roles", _("Choose at least one role.")))
    if (
        details.department_id is not None
        and db.session.get(Department, details.department_id) is None
    ):
        pairs.append(("department_id", _("Choose a department from the list.")))
    if details.level_since and details.hire_date and details.level_since < details.hire_date:
        pairs.append(("level_since", _("The level cannot start before the hire date.")))
    return pairs


def apply_details(
    user: User,
    details: UserDetails,
    by_id: int | None = None,
    source: LevelChangeSource = LevelChangeSource.ACCOUNT,
) -> None:
    """``details`` written onto ``user``; a change of level or of its date goes into the
    level history, made by ``by_id`` through ``source``."""
    before = (user.level, user.level_since)
    user.employee_no = unicodedata.normalize("NFKC", details.employee_no).strip()
    user.employee_no_key = employee_no_key(details.employee_no)
    user.name = clean_name(details.name)
    user.name_pinyin, user.name_initials = name_pinyin(user.name)
    user.department_id = details.department_id
    user.position = (details.position or "").strip() or None
    user.hire_date = details.hire_date
    # A level belongs to agents; it defaults to junior from the hire date.
    if Role.AGENT in details.roles:
        user.level = details.level or user.level or Level.JUNIOR
        user.level_since = details.level_since or user.level_since or details.hire_date
    else:
        user.level = details.level
        user.level_since = details.level_since if details.level else None
    if (user.level, user.level_since) != before:
        _record_level_change(user, before[0], source, by_id)
    held = {row.role: row for row in user.role_rows}
    user.role_rows = [held.get(role) or UserRole(role=role) for role in sorted(details.roles)]


def _record_level_change(
    user: User,
    from_level: Level | None,
    source: LevelChangeSource,
    by_id: int | None,
    note: str = "",
) -> LevelChange:
    change = LevelChange(
        from_level=from_level,
        to_level=user.level,
        effective_on=user.level_since,
        source=source,
        note=note,
        changed_by_id=by_id,
        changed_at=utcnow(),
    )
    # Through the relationship: a new user has no id until the flush.
    user.level_changes.append(change)
    return change


def create_user(
    details: UserDetails, password: str | None = None, by_id: int | None = None
) -> tuple[User, str]:
    """A new account and its initial password (generated when not given).

    The person must choose their own password at first sign-in.
    """
    pairs = validate_details(details)
    if password is not None:
        pairs += [("password", p) for p in password_problems(password, details.employee_no)]
    if pairs:
        raise FieldErrors(pairs)
    password = password or generate_temporary_password()
    user = User(password_hash=hash_password(password), must_change_password=True)
    apply_details(user, details, by_id=by_id)
    db.session.add(user)
    db.session.flush()
    return user, password


def update_user(user: User, details: UserDetails, by_id: int | None = None) -> None:
    pairs = validate_details(details, user)
    if pairs:
        raise FieldErrors(pairs)
    roles_before = user.roles
    apply_details(user, details, by_id=by_id)
    if user.roles != roles_before:
        # What a session may do changed; make the person sign in again.
        end_sessions(user)
        db.session.flush()
        audit.record(
            "accounts.roles_changed",
            actor_id=by_id,
            subject_type="user",
            subject_id=user.id,
            subject_user_id=user.id,
            message=audit.N_("Changed the roles of %(name)s"),
            params={"name": user.name},
            before={"roles": sorted(r.value for r in roles_before)},
            after={"roles": sorted(r.value for r in user.roles)},
        )
    db.session.flush()


def deactivate_user(user: User, by: User, now: datetime | None = None) -> None:
    """Stop the person signing in and end their sessions; nothing of theirs is deleted."""
    if user.id == by.id:
        raise DomainError(_("You cannot deactivate your own account."))
    user.is_active = False
    user.deactivated_at = now or utcnow()
    end_sessions(user)
    db.session.flush()


def reactivate_user(user: User) -> None:
    user.is_active = True
    user.deactivated_at = None
    db.session.flush()


def list_users(
    query: str = "",
    department_id: int | None = None,
    role: Role | None = None,
    status: str = "active",
    page: int = 1,
    per_page: int = 25,
) -> Pagination:
    """A page of people sorted by the pinyin of their names.

    ``query`` matches the employee number, the name, its pinyin or its
    initials (``zw`` finds 张伟). A department includes its sub-departments.
    """
    stmt = sa.select(User)
    if query.strip():
        stmt = stmt.where(_matching(query))
    if department_id is not None:
        stmt = stmt.where(User.department_id.in_(department_and_descendants(department_id)))
    if role is not None:
        stmt = stmt.where(User.role_rows.any(UserRole.role == role))
    if status == "active":
        stmt = stmt.where(User.is_active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(User.is_active.is_(False))
    stmt = stmt.order_by(User.name_pinyin, User.employee_no_key)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)


def _matching(query: str) -> sa.ColumnElement[bool]:
    text = query.strip()
    folded = employee_no_key(text)
    letters = folded.replace(" ", "")
    return sa.or_(
        User.employee_no_key.contains(folded, autoescape=True),
        User.name.contains(text, autoescape=True),
        sa.func.replace(User.name_pinyin, " ", "").contains(letters, autoescape=True),
        User.name_initials.startswith(letters, autoescape=True),
    )


def user_ids_matching(query: str) -> sa.Select[tuple[int]]:
    """The ids of everyone (active or not) whose 工号, name, pinyin or initials match
    ``query`` as on the people page, as a subquery for other areas' filters."""
    return sa.select(User.id).where(_matching(query))


def count_users() -> int:
    return db.session.scalar(sa.select(sa.func.count(User.id))) or 0


# --- departments --------------------------------------------------------------------

PATH_SEPARATORS = re.compile(r"\s*[/／]\s*")


def all_departments() -> list[Department]:
    return list(db.session.scalars(sa.select(Department)))


def get_department(department_id: int) -> Department | None:
    return db.session.get(Department, department_id)


@dataclass(frozen=True)
class DepartmentNode:
    """A department as the tree page shows it."""

    department: Department
    depth: int  # 0 for a centre
    headcount: int  # active people here and in every sub-department
    is_deletable: bool  # no people (active or not) and no sub-departments


_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def _numbered(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.isdigit():
        return f"{int(text):04d}"
    if "十" not in text:
        return "".join(str(_CHINESE_DIGITS[c]) for c in text).zfill(4)
    tens, _ten, ones = text.partition("十")  # 十, 十一, 二十, 二十三
    value = (_CHINESE_DIGITS.get(tens, 1) if tens else 1) * 10
    return f"{value + (_CHINESE_DIGITS.get(ones, 0) if ones else 0):04d}"


def department_sort_key(name: str) -> str:
    """Pinyin order, with numbers in their numeric order: 一组, 二组, …, 十组."""
    return name_pinyin(
        re.sub(r"[0-9]+|[零一二三四五六七八九十]+(?=[组部班队室科])", _numbered, name)
    )[0]


def department_tree() -> list[DepartmentNode]:
    """Every department depth-first, with its depth and head count."""
    departments = all_departments()
    by_parent: dict[int | None, list[Department]] = {}
    for department in departments:
        by_parent.setdefault(department.parent_id, []).append(department)
    direct = headcount_by_department()
    with_anyone = set(
        db.session.scalars(sa.select(User.department_id).where(User.department_id.is_not(None)))
    )
    ordered: list[DepartmentNode] = []

    def visit(parent_id: int | None, depth: int) -> int:
        total_here = 0
        children = sorted(by_parent.get(parent_id, []), key=lambda d: department_sort_key(d.name))
        for child in children:
            position = len(ordered)
            ordered.append(DepartmentNode(child, depth, 0, False))
            below = visit(child.id, depth + 1)
            headcount = direct.get(child.id, 0) + below
            deletable = child.id not in with_anyone and child.id not in by_parent
            ordered[position] = DepartmentNode(child, depth, headcount, deletable)
            total_here += headcount
        return total_here

    visit(None, 0)
    return ordered


def department_paths() -> dict[int, str]:
    """``{id: "客服中心/客服一部/一组"}`` for every department, in one query."""
    departments = {d.id: d for d in all_departments()}
    paths: dict[int, str] = {}

    def path(department_id: int) -> str:
        if department_id not in paths:
            department = departments[department_id]
            prefix = f"{path(department.parent_id)}/" if department.parent_id else ""
            paths[department_id] = prefix + department.name
        return paths[department_id]

    for department_id in departments:
        path(department_id)
    return paths


def department_and_descendants(department_id: int) -> list[int]:
    children: dict[int | None, list[int]] = {}
    for department in all_departments():
        children.setdefault(department.parent_id, []).append(department.id)
    found, stack = [], [department_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, []))
    return found


def _sibling_named(name: str, parent_id: int | None, exclude: Department | None = None) -> bool:
    stmt = sa.select(Department.id).where(Department.name == name)
    stmt = stmt.where(
        Department.parent_id.is_(None) if parent_id is None else Department.parent_id == parent_id
    )
    if exclude is not None:
        stmt = stmt.where(Department.id != exclude.id)
    return db.session.scalar(stmt) is not None


def _validate_department(
    name: str, parent_id: int | None, department: Department | None = None
) -> list[tuple[str, str]]:
    pairs = []
    if not name:
        pairs.append(("name", _("Enter the department name.")))
    elif "/" in name or "／" in name:
        pairs.append(("name", _("A department name cannot contain '/'.")))
    elif len(name) > 100:
        pairs.append(("name", _("Use at most 100 characters.")))
    elif _sibling_named(name, parent_id, department):
        pairs.append(("name", _("This parent already has a department of that name.")))
    if parent_id is not None:
        if db.session.get(Department, parent_id) is None:
            pairs.append(("parent_id", _("Choose a parent from the list.")))
        elif department is not None and parent_id in department_and_descendants(department.id):
            pairs.append(("parent_id", _("A department cannot sit under itself.")))
    return pairs


def create_department(name: str, parent_id: int | None = None) -> Department:
    name = name.strip()
    pairs = _validate_department(name, parent_id)
    if pairs:
        raise FieldErrors(pairs)
    department = Department(name=name, parent_id=parent_id)
    db.session.add(department)
    db.session.flush()
    return department


def update_department(department: Department, name: str, parent_id: int | None) -> None:
    name = name.strip()
    pairs = _validate_department(name, parent_id, department)
    if pairs:
        raise FieldErrors(pairs)
    department.name = name
    department.parent_id = parent_id
    db.session.flush()


def delete_department(department: Department) -> None:
    """Only an empty department goes: people and history must never lose their place."""
    has_people = db.session.scalar(
        sa.select(User.id).where(User.department_id == department.id).limit(1)
    )
    has_children = db.session.scalar(
        sa.select(Department.id).where(Department.parent_id == department.id).limit(1)
    )
    if has_people or has_children:
        raise DepartmentInUse(
            _("Move its people and sub-departments elsewhere before deleting it.")
        )
    db.session.delete(department)
    db.session.flush()


def split_department_path(path: str) -> list[str]:
    return [part for part in PATH_SEPARATORS.split(path.strip()) if part]


def ensure_department_path(path: str | Iterable[str]) -> tuple[Department, int]:
    """The department at a path like ``客服中心/客服一部``, creating missing levels.

    Returns the department and how many departments were created.
    """
    parts = split_department_path(path) if isinstance(path, str) else list(path)
    if not parts:
        raise DomainError(_("Enter the department path."))
    parent: Department | None = None
    created = 0
    for part in parts:
        parent_id = parent.id if parent else None
        existing = db.session.scalar(
            sa.select(Department).where(
                Department.name == part,
                Department.parent_id.is_(None)
                if parent_id is None
                else Department.parent_id == parent_id,
            )
        )
        if existing is None:
            existing = create_department(part, parent_id)
            created += 1
        parent = existing
    assert parent is not None
    return parent, created


def headcount_by_department() -> dict[int, int]:
    """Active people per department (not counting sub-departments)."""
    rows = db.session.execute(
        sa.select(User.department_id, sa.func.count(User.id))
        .where(User.is_active.is_(True), User.department_id.is_not(None))
        .group_by(User.department_id)
    )
    return {department_id: count for department_id, count in rows}  # noqa: C416


@dataclass(frozen=True)
class Profile:
    """What a person's own page shows about them, with labels ready to display."""

    name: str
    employee_no: str
    department: str | None
    position: str | None
    roles: list[str]
    level: str | None
    level_since: date | None
    hire_date: date | None


def profile_of(user: User) -> Profile:
    paths = department_paths() if user.department_id else {}
    return Profile(
        name=user.name,
        employee_no=user.employee_no,
        department=paths.get(user.department_id) if user.department_id else None,
        position=user.position,
        roles=[role.label for role in sorted(user.roles)],
        level=user.level.label if user.level else None,
        level_since=user.level_since,
        hire_date=user.hire_date,
    )


@dataclass(frozen=True)
class PersonSummary:
    """What other areas show about a person in lists and exports."""

    id: int
    employee_no: str
    name: str
    department: str | None
    name_pinyin: str


def people_summaries(
    user_ids: Iterable[int], department_id: int | None = None
) -> list[PersonSummary]:
    """The given people (optionally only those in a department and its sub-departments),
    sorted by pinyin."""
    ids = list(set(user_ids))
    if not ids:
        return []
    stmt = sa.select(User).where(User.id.in_(ids))
    if department_id is not None:
        stmt = stmt.where(User.department_id.in_(department_and_descendants(department_id)))
    paths = department_paths()
    people = db.session.scalars(stmt.order_by(User.name_pinyin, User.employee_no_key))
    return [
        PersonSummary(
            p.id,
            p.employee_no,
            p.name,
            paths.get(p.department_id) if p.department_id else None,
            p.name_pinyin,
        )
        for p in people
    ]


def department_choices() -> list[tuple[int, str]]:
    """(id, path) of every department in tree order, for filters in any area."""
    paths = department_paths()
    return [(node.department.id, paths[node.department.id]) for node in department_tree()]


def users_by_id(ids: Iterable[int]) -> list[User]:
    """The users with these ids, in one query (for tables listing many people)."""
    wanted = list(ids)
    if not wanted:
        return []
    return list(db.session.scalars(sa.select(User).where(User.id.in_(wanted))))


def ids_in_department(department_id: int) -> sa.Select[tuple[int]]:
    """A subquery of the ids of people in ``department_id`` and the departments below it."""
    return sa.select(User.id).where(
        User.department_id.in_(department_and_descendants(department_id))
    )


@dataclass(frozen=True)
class Audience:
    """Who something is for (an exam, a classroom session, a monthly refresher).

    Each criterion narrows: roles, departments (a department includes its teams), levels,
    hired on or after a date; ``user_ids`` names people outright and adds them whatever the
    criteria say. No criterion at all means everyone active. Stored as a JSON dict.
    """

    roles: tuple[str, ...] = ()
    department_ids: tuple[int, ...] = ()
    levels: tuple[str, ...] = ()
    hired_after: date | None = None
    user_ids: tuple[int, ...] = ()

    @classmethod
    def from_dict(cls, raw: dict[str, object] | None) -> Audience:
        raw = raw or {}
        hired = raw.get("hired_after")
        return cls(
            roles=tuple(str(r) for r in raw.get("roles") or ()),  # type: ignore[union-attr]
            department_ids=tuple(int(d) for d in raw.get("department_ids") or ()),  # type: ignore[union-attr]
            levels=tuple(str(lv) for lv in raw.get("levels") or ()),  # type: ignore[union-attr]
            hired_after=date.fromisoformat(str(hired)) if hired else None,
            user_ids=tuple(int(u) for u in raw.get("user_ids") or ()),  # type: ignore[union-attr]
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "roles": list(self.roles),
            "department_ids": list(self.department_ids),
            "levels": list(self.levels),
            "hired_after": self.hired_after.isoformat() if self.hired_after else None,
            "user_ids": list(self.user_ids),
        }

    @property
    def has_criteria(self) -> bool:
        return bool(self.roles or self.department_ids or self.levels or self.hired_after)

    def matches(self, user: User, department_ids: Iterable[int] | None = None) -> bool:
        """Whether ``user`` is in it. ``department_ids``: the departments the audience's
        departments stand for with their teams, when the caller has them already."""
        if user.id in self.user_ids:
            return True
        if self.user_ids and not self.has_criteria:
            return False
        if self.roles and not any(role.value in self.roles for role in user.roles):
            return False
        if self.department_ids:
            within = set(department_ids) if department_ids is not None else self.departments()
            if user.department_id not in within:
                return False
        if self.levels and (user.level is None or user.level.value not in self.levels):
            return False
        return not (
            self.hired_after and (user.hire_date is None or user.hire_date < self.hired_after)
        )

    def departments(self) -> set[int]:
        """The audience's departments with every team under them."""
        within: set[int] = set()
        for department_id in self.department_ids:
            within.update(department_and_descendants(department_id))
        return within

    def member_ids(self) -> sa.Select[tuple[int]]:
        """A query of the ids of the active users in it."""
        criteria: list[sa.ColumnElement[bool]] = []
        if self.roles:
            criteria.append(
                User.id.in_(sa.select(UserRole.user_id).where(UserRole.role.in_(self.roles)))
            )
        if self.department_ids:
            criteria.append(User.department_id.in_(sorted(self.departments())))
        if self.levels:
            criteria.append(User.level.in_([Level(lv) for lv in self.levels]))
        if self.hired_after:
            criteria.append(User.hire_date >= self.hired_after)
        if self.has_criteria:
            chosen: sa.ColumnElement[bool] = sa.and_(*criteria)
            if self.user_ids:
                chosen = sa.or_(chosen, User.id.in_(self.user_ids))
        elif self.user_ids:
            chosen = User.id.in_(self.user_ids)
        else:
            chosen = sa.true()
        return sa.select(User.id).where(User.is_active, chosen).order_by(User.id)


# --- agents, for other areas' reports ------------------------------------------------------


def _agent_criteria(
    department_ids: Iterable[int] | None, level: str | None
) -> list[sa.ColumnElement[bool]]:
    criteria: list[sa.ColumnElement[bool]] = [
        User.is_active.is_(True),
        User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == Role.AGENT)),
    ]
    if department_ids is not None:
        criteria.append(User.department_id.in_(list(department_ids)))
    if level:
        criteria.append(User.level == Level(level))
    return criteria


def agents_select(
    department_ids: Iterable[int] | None = None, level: str | None = None
) -> sa.Select[tuple[int, int | None, Level | None]]:
    """(id, department_id, level) of the active agents, in exactly ``department_ids`` (pass
    a department with its teams; everyone when None) and of ``level`` (a ``Level`` value).

    A select, not a list: other areas aggregate over thousands of people by joining it as
    a subquery (``agents_select(...).subquery()``), in one statement.
    """
    return sa.select(User.id, User.department_id, User.level).where(
        *_agent_criteria(department_ids, level)
    )


@dataclass(frozen=True)
class AgentRow:
    id: int
    employee_no: str
    name: str
    department_id: int | None
    level: Level | None


def agent_rows(
    department_ids: Iterable[int] | None = None, level: str | None = None
) -> list[AgentRow]:
    """The active agents ``agents_select`` names, by department, then the pinyin of the
    name, then the employee number: the order of a report listing people. One statement."""
    rows = db.session.execute(
        sa.select(User.id, User.employee_no, User.name, User.department_id, User.level)
        .where(*_agent_criteria(department_ids, level))
        .order_by(User.department_id, User.name_pinyin, User.employee_no_key)
    )
    return [AgentRow(*row) for row in rows]


# --- levels, in bulk, for the career area --------------------------------------------------


def change_level(
    user: User, level: Level, effective_on: date, *, by_id: int | None, note: str = ""
) -> LevelChange:
    """Move ``user`` to ``level`` from ``effective_on`` (a promotion decided in the career
    area), kept in the level history with who decided and why."""
    before = user.level
    user.level = level
    user.level_since = effective_on
    change = _record_level_change(user, before, LevelChangeSource.PROMOTION, by_id, note)
    db.session.flush()
    return change


@dataclass(frozen=True)
class LevelStep:
    """A line of the level history as pages show it."""

    id: int
    from_level: Level | None
    to_level: Level | None
    effective_on: date | None
    source: LevelChangeSource
    note: str
    changed_by: str | None  # the name of who made it; None for the system
    changed_at: datetime


def level_history(user_id: int) -> list[LevelStep]:
    """Every change of ``user_id``'s level, newest first. One statement."""
    by = sa.orm.aliased(User)
    rows = db.session.execute(
        sa.select(LevelChange, by.name)
        .outerjoin(by, by.id == LevelChange.changed_by_id)
        .where(LevelChange.user_id == user_id)
        .order_by(LevelChange.id.desc())
    )
    return [
        LevelStep(
            change.id,
            change.from_level,
            change.to_level,
            change.effective_on,
            change.source,
            change.note,
            name,
            change.changed_at,
        )
        for change, name in rows
    ]


@dataclass(frozen=True)
class LevelHeld:
    user_id: int
    level: Level | None
    level_since: date | None


def levels_of(user_ids: Iterable[int] | sa.Select[tuple[int]]) -> dict[int, LevelHeld]:
    """Each person's level and since when, by id (unknown ids left out).

    One statement per 500 ids given as a list; one statement in all when ``user_ids`` is a
    select of ids (one column, e.g. ``agents_select().with_only_columns(User.id)``).
    """
    base = sa.select(User.id, User.level, User.level_since)
    if isinstance(user_ids, sa.Select):
        statements = [base.where(User.id.in_(user_ids.scalar_subquery()))]
    else:
        ids = sorted(set(user_ids))
        statements = [
            base.where(User.id.in_(ids[start : start + 500])) for start in range(0, len(ids), 500)
        ]
    held: dict[int, LevelHeld] = {}
    for statement in statements:
        held.update((row.id, LevelHeld(*row)) for row in db.session.execute(statement))
    return held
