"""The active agents as other areas' reports read them: a subquery to aggregate over, and
rows in the order a list of people is read."""

from __future__ import annotations

import sqlalchemy as sa

from lms.accounts import services as accounts
from lms.extensions import db


def test_agents_select_keeps_active_agents_of_the_departments_and_level(
    create_department, create_user
) -> None:
    first = create_department("中心/一部")
    team = create_department("中心/一部/一组")
    second = create_department("中心/二部")
    a = create_user(name="甲", department=first, level=accounts.Level.JUNIOR)
    b = create_user(name="乙", department=team, level=accounts.Level.MID)
    c = create_user(name="丙", department=second, level=accounts.Level.JUNIOR)
    create_user(name="丁", roles=("trainer",), department=first)
    gone = create_user(name="戊", department=first)
    gone.is_active = False
    db.session.flush()

    def ids(*args, **kwargs) -> set[int]:
        agents = accounts.agents_select(*args, **kwargs).subquery()
        return set(db.session.scalars(sa.select(agents.c.id)))

    assert ids() == {a.id, b.id, c.id}
    # Exactly the departments given: a department with its teams is the caller's choice.
    assert ids([first.id]) == {a.id}
    assert ids(accounts.department_and_descendants(first.id)) == {a.id, b.id}
    assert ids(level="junior") == {a.id, c.id}
    assert ids([first.id, second.id], "junior") == {a.id, c.id}
    assert ids([]) == set()
    row = db.session.execute(accounts.agents_select([team.id])).one()
    assert tuple(row) == (b.id, team.id, accounts.Level.MID)


def test_agent_rows_are_sorted_by_department_then_pinyin(create_department, create_user) -> None:
    first = create_department("中心/一部")
    zhang = create_user(name="张伟", department=first, employee_no="KF002")
    an = create_user(name="安娜", department=first, employee_no="KF003")
    li = create_user(name="李娜", department=first, employee_no="KF001")
    nobody = create_user(name="王芳", employee_no="KF004")
    rows = accounts.agent_rows([first.id])
    assert [r.name for r in rows] == ["安娜", "李娜", "张伟"]
    assert rows[0] == accounts.AgentRow(an.id, "KF003", "安娜", first.id, an.level)
    everyone = accounts.agent_rows()
    assert {r.id for r in everyone} == {zhang.id, an.id, li.id, nobody.id}
