"""HR edits a promotion rule in the app: the rules page, a rule's history, and the edit form
that saves a new version from a date. The form's rows and the history's changes are tested
without HTTP first."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import MultiDict

from lms.career.rule_forms import (
    RuleEditForm,
    apply_action,
    condition_rows,
    put_problems,
    read_conditions,
)
from lms.career.services import rule_history
from lms.career.services.rules import rule_in_force, rule_versions, save_rule_version
from lms.extensions import db

EN = {"Accept-Language": "en"}
JUNIOR_RULE = [
    {"kind": "months_at_level", "months": 12},
    {"kind": "training_hours", "hours": "24", "months": 12},
    {"kind": "kpi", "metric": "csat", "mode": "average", "threshold": "85", "months": 3},
    {"kind": "courses_completed", "courses": ["complaint-handling"]},
]


@pytest.fixture
def junior_rule(db_session) -> None:
    save_rule_version("junior", JUNIOR_RULE, date(2026, 1, 1), "首版", by_id=None)
    db.session.commit()


def posted(
    conditions: list[dict], effective_from: str = "2027-03-01", note: str = "", **extra: str
) -> MultiDict:
    """The edit form as a browser posts it: one row of inputs per condition."""
    data = MultiDict({"effective_from": effective_from, "note": note, **extra})
    for index, condition in enumerate(conditions):
        for param, value in condition.items():
            for item in value if isinstance(value, list) else [value]:
                data.add(f"conditions-{index}-{param}", str(item))
    return data


def field_error(html: str, field: str) -> str:
    match = re.search(rf'data-field-error="{field}">(.*?)</div>\s*</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    return match.group(1) if match else None


# --- the form's rows, without HTTP -------------------------------------------------------------


def test_posted_rows_are_read_in_order_with_the_values_as_typed() -> None:
    data = posted(JUNIOR_RULE)
    data["conditions-1-hours"] = " 2x "

    assert read_conditions(data) == [
        {"kind": "months_at_level", "months": "12"},
        {"kind": "training_hours", "hours": "2x", "months": "12"},
        {"kind": "kpi", "metric": "csat", "mode": "average", "threshold": "85", "months": "3"},
        {"kind": "courses_completed", "courses": ["complaint-handling"]},
    ]


def test_rows_of_an_unknown_kind_are_left_out_and_unchecked_courses_are_an_empty_list() -> None:
    data = MultiDict(
        {
            "conditions-0-kind": "courses_completed",
            "conditions-3-kind": "no_such_kind",
            "conditions-3-months": "5",
            "conditions-7-kind": "no_upheld_complaints",
            "conditions-7-months": "12",
        }
    )

    assert read_conditions(data) == [
        {"kind": "courses_completed", "courses": []},
        {"kind": "no_upheld_complaints", "months": "12"},
    ]


def test_add_and_remove_buttons_change_the_rows_and_save_does_not() -> None:
    rows = [{"kind": "months_at_level", "months": "12"}, {"kind": "certificate", "exam": "x"}]

    assert apply_action(rows, "add", "refresher_rate") == [*rows, {"kind": "refresher_rate"}]
    assert apply_action(rows, "add", "bogus") == rows
    assert apply_action(rows, "remove-0", None) == [rows[1]]
    assert apply_action(rows, "remove-x", None) == rows
    assert apply_action(rows, "save", None) is None


def test_each_refusal_lands_beside_its_row_input_or_the_date(app) -> None:
    with app.test_request_context(method="POST", data={}):
        form = RuleEditForm()
        choices = rule_history.ParameterChoices([], [], [("csat", "CSAT")])
        rows = condition_rows(
            [
                {"kind": "training_hours", "hours": "abc", "months": "12"},
                {"kind": "kpi", "metric": "csat", "mode": "average", "threshold": "", "months": 3},
            ],
            choices,
        )
        general = put_problems(
            form,
            rows,
            [
                ("conditions-0-hours", "bad hours"),
                ("conditions-1-threshold", "bad threshold"),
                ("conditions-1-extra", "Unknown parameter."),
                ("effective_from", "too early"),
                ("conditions", "A rule needs at least one condition."),
            ],
        )

        assert rows[0].form.hours.errors == ["bad hours"]
        assert rows[0].form.hours.name == "conditions-0-hours"
        assert rows[0].form.hours.data == "abc"  # as typed, to be corrected
        assert rows[1].form.threshold.errors == ["bad threshold"]
        assert rows[1].errors == ["Unknown parameter."]
        assert form.effective_from.errors == ["too early"]
        assert general == ["A rule needs at least one condition."]


def test_a_slug_no_longer_offered_stays_chosen(app) -> None:
    with app.test_request_context():
        choices = rule_history.ParameterChoices([("communication", "沟通技巧")], [], [])
        [row] = condition_rows([{"kind": "courses_completed", "courses": ["retired-one"]}], choices)

        assert row.form.courses.choices == [
            ("communication", "沟通技巧"),
            ("retired-one", "retired-one"),
        ]
        assert row.form.courses.data == ["retired-one"]


def test_changes_between_versions_ignore_order_and_show_a_new_threshold_as_removed_and_added() -> (
    None
):
    old = [{"kind": "months_at_level", "months": 12}, {"kind": "certificate", "exam": "a"}]
    new = [{"kind": "certificate", "exam": "a"}, {"kind": "months_at_level", "months": 18}]

    assert rule_history.changes_between(old, list(reversed(old))) == ([], [])
    courses = [{"kind": "courses_completed", "courses": ["a", "b"]}]
    assert rule_history.changes_between(
        courses, [{"kind": "courses_completed", "courses": ["b", "a"]}]
    ) == ([], [])
    assert rule_history.changes_between(old, new) == ([new[1]], [old[0]])


def test_the_proposed_date_is_the_first_of_next_month_never_before_the_latest_version(
    db_session,
) -> None:
    assert rule_history.proposed_effective_from(date(2026, 12, 4), None) == date(2027, 1, 1)
    later = save_rule_version("mid", [JUNIOR_RULE[0]], date(2027, 6, 1), "", by_id=None)

    assert rule_history.proposed_effective_from(date(2026, 12, 4), later) == date(2027, 6, 1)


# --- who may see the pages: tests/security/test_access_matrix.py (HR only) -----------------


@pytest.mark.parametrize("url", ["/career/rules/senior/edit", "/career/rules/boss/versions"])
def test_a_rule_that_cannot_exist_is_not_found(client, signed_in, url) -> None:
    signed_in("hr")
    assert client.get(url).status_code == 404


# --- HR reads the rules ------------------------------------------------------------------------


def test_hr_sees_each_rule_in_force_in_words_and_the_menu_entry(
    client, signed_in, junior_rule
) -> None:
    signed_in("hr")

    page = client.get("/career/rules", headers=EN)

    assert page.status_code == 200
    assert 'href="/career/rules"' in page.text  # in the HR menu
    junior = page.text.split('data-testid="rule-junior"')[1].split('data-testid="rule-mid"')[0]
    assert "Version 1" in junior and "2026-01-01" in junior
    assert "At least 24 training hours in the last 12 months" in junior
    assert "CSAT ≥ 85% on average over the last 3 months" in junior
    assert "Complete 1 course: complaint-handling" in junior  # no such course: its slug
    assert 'href="/career/rules/junior/edit"' in junior
    assert "No version is in force today." in page.text.split('data-testid="rule-mid"')[1]


def test_the_edit_form_is_prefilled_with_the_latest_version(client, signed_in, junior_rule) -> None:
    signed_in("hr")

    page = client.get("/career/rules/junior/edit", headers=EN)

    assert page.status_code == 200
    assert input_value(page.text, "conditions-0-kind") == "months_at_level"
    assert input_value(page.text, "conditions-1-hours") == "24"
    assert input_value(page.text, "conditions-2-threshold") == "85"
    assert re.search(
        r'<input checked[^>]*name="conditions-3-courses"[^>]*value="complaint-handling"', page.text
    )
    assert input_value(page.text, "effective_from") is not None
    assert "Save as version 2" in page.text


# --- HR edits ----------------------------------------------------------------------------------


def test_a_valid_edit_is_version_two_in_force_from_its_date(client, signed_in, junior_rule) -> None:
    hr = signed_in("hr", name="刘晓梅")
    changed = [dict(c) for c in JUNIOR_RULE[:3]]  # the course condition removed
    changed[1]["hours"] = "30"

    response = client.post(
        "/career/rules/junior/edit",
        data=posted(changed, "2027-03-01", "学时要求提高到 30", action="save"),
        headers=EN,
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/career/rules/junior/versions")
    newest = rule_versions("junior")[0]
    assert newest.number == 2 and newest.effective_from == date(2027, 3, 1)
    assert newest.note == "学时要求提高到 30"
    assert newest.created_by_id == hr.id
    assert newest.conditions[1] == {"kind": "training_hours", "hours": "30", "months": 12}
    # Evaluation reads the new version from its date, the old one until the day before.
    assert rule_in_force("junior", date(2027, 3, 1)).number == 2
    assert rule_in_force("junior", date(2027, 3, 1) - timedelta(days=1)).number == 1

    history = client.get(response.headers["Location"], headers=EN)
    assert "Version 2 is saved; it takes effect on 2027-03-01." in history.text
    version_two = history.text.split('data-number="2"')[1].split('data-number="1"')[0]
    assert "刘晓梅" in version_two and "学时要求提高到 30" in version_two
    assert re.search(r'data-change="added">.*?At least 30 training hours', version_two, re.S)
    removed = re.findall(r'data-change="removed">(.*?)</li>', version_two, re.S)
    assert any("At least 24 training hours" in r for r in removed)
    assert any("Complete 1 course" in r for r in removed)


def test_an_invalid_parameter_is_shown_beside_its_input_and_nothing_is_saved(
    client, signed_in, junior_rule
) -> None:
    signed_in("hr")
    changed = [dict(c) for c in JUNIOR_RULE]
    changed[1]["hours"] = "0.25"
    changed[2]["threshold"] = "120"

    page = client.post(
        "/career/rules/junior/edit",
        data=posted(changed, "2027-03-01", "试一下", action="save"),
        headers=EN,
    )

    assert page.status_code == 200
    assert field_error(page.text, "conditions-1-hours") == "Enter a number from 0.5 to 1000."
    assert field_error(page.text, "conditions-2-threshold") == "Enter a number from 0 to 100."
    assert field_error(page.text, "conditions-0-months") == ""
    # Nothing the user typed is lost.
    assert input_value(page.text, "conditions-1-hours") == "0.25"
    assert input_value(page.text, "conditions-2-threshold") == "120"
    assert input_value(page.text, "effective_from") == "2027-03-01"
    assert "试一下" in page.text
    assert [v.number for v in rule_versions("junior")] == [1]


def test_a_date_before_the_latest_version_is_refused_beside_the_date(
    client, signed_in, junior_rule
) -> None:
    signed_in("hr")

    page = client.post(
        "/career/rules/junior/edit",
        data=posted(JUNIOR_RULE, "2025-12-31", "倒签", action="save"),
        headers=EN,
    )

    assert page.status_code == 200
    assert field_error(page.text, "effective_from") == (
        "Version 1 takes effect on 2026-01-01; a new version cannot take effect before it."
    )
    assert [v.number for v in rule_versions("junior")] == [1]


def test_the_note_is_required_and_the_rule_is_checked_at_the_same_time(
    client, signed_in, junior_rule
) -> None:
    signed_in("hr")
    changed = [dict(c) for c in JUNIOR_RULE]
    changed[0]["months"] = "0"

    page = client.post(
        "/career/rules/junior/edit", data=posted(changed, "2025-12-31", "  "), headers=EN
    )

    assert page.status_code == 200
    assert field_error(page.text, "note") == (
        "Say why the rule changes: the history shows it to everyone."
    )
    assert field_error(page.text, "conditions-0-months") == "Enter a whole number from 1 to 120."
    assert field_error(page.text, "effective_from").startswith("Version 1 takes effect on")


def test_without_a_note_a_rule_that_checks_is_still_not_saved(
    client, signed_in, junior_rule
) -> None:
    signed_in("hr")

    page = client.post(
        "/career/rules/junior/edit", data=posted(JUNIOR_RULE, "2027-03-01", ""), headers=EN
    )

    assert page.status_code == 200
    assert field_error(page.text, "note") != ""
    assert field_error(page.text, "effective_from") == ""
    assert [v.number for v in rule_versions("junior")] == [1]


def test_an_unreadable_date_is_said_once(client, signed_in, junior_rule) -> None:
    signed_in("hr")

    page = client.post(
        "/career/rules/junior/edit", data=posted(JUNIOR_RULE, "soon", "原因"), headers=EN
    )

    assert page.status_code == 200
    assert field_error(page.text, "effective_from") == "Not a valid date value."
    assert input_value(page.text, "effective_from") == "soon"
    assert [v.number for v in rule_versions("junior")] == [1]
    assert [v.number for v in rule_versions("junior")] == [1]


def test_adding_and_removing_rows_re_renders_without_saving(client, signed_in, junior_rule) -> None:
    signed_in("hr")
    data = posted(JUNIOR_RULE, "2027-03-01", "草稿", action="add", add_kind="refresher_rate")

    added = client.post("/career/rules/junior/edit", data=data, headers=EN)

    assert added.status_code == 200
    assert input_value(added.text, "conditions-4-kind") == "refresher_rate"
    assert input_value(added.text, "conditions-4-percent") == ""
    assert field_error(added.text, "conditions-4-percent") == ""  # not checked until saved
    assert "草稿" in added.text

    removed = client.post(
        "/career/rules/junior/edit",
        data=posted(JUNIOR_RULE, "2027-03-01", "草稿", action="remove-0"),
        headers=EN,
    )

    assert input_value(removed.text, "conditions-0-kind") == "training_hours"
    assert input_value(removed.text, "conditions-3-kind") is None
    assert [v.number for v in rule_versions("junior")] == [1]


def test_removing_every_condition_is_refused(client, signed_in, junior_rule) -> None:
    signed_in("hr")

    page = client.post(
        "/career/rules/junior/edit", data=posted([], "2027-03-01", "全部删除"), headers=EN
    )

    assert page.status_code == 200
    assert "A rule needs at least one condition." in page.text
    assert [v.number for v in rule_versions("junior")] == [1]
