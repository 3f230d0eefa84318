"""``held_certificates`` and ``exam_titles``: certificates of many people by exam slug."""

from __future__ import annotations

from datetime import date

from lms.exams import services as exams
from tests.career.bulk_agents import add_agents, agents_in, statements
from tests.exams.test_certificates_of import certification, certify  # noqa: F401

SLUG = "service-standards-certification"


def test_held_certificates_by_person_newest_first_revoked_dated(certification, create_user) -> None:  # noqa: F811
    agent, other, none = create_user(), create_user(), create_user()
    old = certify(certification, agent, date(2024, 3, 1), "SA-2024-OLD")
    new = certify(certification, agent, date(2026, 3, 1), "SA-2026-NEW")
    certify(certification, other, date(2026, 5, 1), "SA-2026-OTHER")
    exams.certificates.revoke(new, "测试", None)

    found = exams.certificates.held_certificates([agent.id, none.id], [SLUG])

    assert [c.serial for c in found[agent.id]] == [new.serial, old.serial]
    assert found[agent.id][0].revoked_on is not None
    assert found[agent.id][1].expires_on == date(2025, 3, 1)
    assert none.id not in found and other.id not in found
    assert exams.certificates.held_certificates([agent.id], []) == {}
    assert exams.certificates.exam_titles([SLUG]) == {
        SLUG: (certification.title, certification.title_en)
    }


def test_a_select_of_ids_costs_one_statement_for_5_or_1200_people(
    certification,  # noqa: F811
    create_user,
    create_department,
) -> None:
    few, many = create_department("中心/一组"), create_department("中心/二组")
    add_agents(5, few)
    add_agents(1_200, many)
    holder = create_user(department=many)
    certify(certification, holder, date(2026, 3, 1), "SA-2026-BULK")
    counts, found = [], []
    for department in (few, many):
        with statements() as sent:
            found.append(exams.certificates.held_certificates(agents_in(department), [SLUG]))
        counts.append(len(sent))
    assert counts == [1, 1]
    assert found[0] == {}
    assert [c.serial for c in found[1][holder.id]] == ["SA-2026-BULK"]
