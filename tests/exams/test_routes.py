"""The question bank's pages: who may use them, the editor with errors beside fields, import."""

from __future__ import annotations

import base64
import io

import pytest
import sqlalchemy as sa

from lms.exams.models import Question, QuestionStatus
from lms.exams.services import bank
from lms.extensions import db

PAGES = [
    "/questions",
    "/questions/new/single_choice",
    "/questions/import",
    "/questions/template.xlsx",
]


@pytest.mark.parametrize("url", PAGES)
def test_agents_are_refused_and_trainers_get_in(client, signed_in, url: str) -> None:
    signed_in("agent")
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_trainers_get_in(client, signed_in, url: str) -> None:
    signed_in("trainer")
    assert client.get(url).status_code == 200


def _form(category_id: int, **changes) -> dict:
    data = {
        "category": str(category_id),
        "name": "安抚-001",
        "text": "客户：我等了三天了！\n哪一句最适合作为第一句回应？",
        "text_format": "plain",
        "default_grade": "1",
        "choices-0-text": "非常理解您着急的心情，我马上为您查询",
        "choices-0-weight": "100",
        "choices-0-feedback": "先处理情绪。",
        "choices-1-text": "这不归我们管",
        "choices-1-weight": "0",
        "choices-2-text": "",
        "choices-2-weight": "0",
        "shuffle": "y",
    }
    data.update(changes)
    return data


def test_a_trainer_writes_edits_and_publishes_a_question(client, signed_in) -> None:
    signed_in("trainer")
    category = bank.ensure_category(("投诉处理",))
    response = client.post("/questions/new/single_choice", data=_form(category.id))
    assert response.status_code == 302
    question = db.session.scalar(sa.select(Question))
    assert question.status == QuestionStatus.DRAFT
    assert [c["text"] for c in question.current_version.payload["choices"]] == [
        "非常理解您着急的心情，我马上为您查询",
        "这不归我们管",
    ]
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    assert 'class="dialogue"' in page and "turn-customer" in page
    client.post(f"/questions/{question.id}/status/published")
    assert question.status == QuestionStatus.PUBLISHED
    changed = _form(category.id, **{"choices-1-text": "请您耐心等待"})
    assert client.post(f"/questions/{question.id}/edit", data=changed).status_code == 302
    assert question.current_version.number == 2
    history = client.get(f"/questions/{question.id}/versions/1").get_data(as_text=True)
    assert "这不归我们管" in history


def test_an_empty_right_answer_is_refused_beside_its_field(client, signed_in) -> None:
    signed_in("trainer")
    category = bank.ensure_category(("投诉处理",))
    response = client.post(
        "/questions/new/single_choice", data=_form(category.id, **{"choices-0-text": ""})
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'data-field-error="choices-0-text"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0


def test_import_shows_a_preview_and_writes_only_on_confirm(client, signed_in) -> None:
    signed_in("trainer")
    gift = (
        "$CATEGORY: 导入测试\n\n::Q1::电话应在 30 秒内接起。{T}\n\n::Q2::邮件确认时限？{=10 分钟}\n"
    )
    response = client.post(
        "/questions/import",
        data={"file": (io.BytesIO(gift.encode()), "bank.gift")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "bank.gift" in preview and "Q1" in preview
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 0
    import_id = response.headers["Location"].rsplit("/", 1)[1]
    client.post(f"/questions/imports/{import_id}/confirm")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 2
    client.post(f"/questions/imports/{import_id}/confirm")  # a second click adds nothing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == 2


def test_a_bad_file_lists_its_lines_and_imports_nothing(client, signed_in) -> None:
    signed_in("trainer")
    response = client.post(
        "/questions/import",
        data={"file": (io.BytesIO("::Q1::问题 {=对 ~错".encode()), "bad.gift")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "bad.gift:1: " in response.get_data(as_text=True)


def test_another_trainers_pending_import_is_not_found(client, signed_in, create_user) -> None:
    from lms.exams.services import interchange

    other = create_user(roles=("trainer",))
    staged, _preview = interchange.stage_import(
        "x.gift", b"::Q::x{T}\n", bank.ensure_category(("a",)), other.id
    )
    signed_in("trainer")
    assert client.get(f"/questions/imports/{staged.id}").status_code == 404


def test_export_downloads_each_format(client, signed_in) -> None:
    signed_in("trainer")
    bank.create_question(
        bank.QuestionDraft(
            category=bank.ensure_category(("导出",)),
            type="true_false",
            name="T1",
            text="对吗？",
            payload={"answer": True, "feedback_right": "", "feedback_wrong": ""},
        ),
        None,
    )
    for fmt, marker in (("gift", b"::T1::"), ("xml", b"<quiz>"), ("xlsx", b"PK")):
        response = client.get(f"/questions/export.{fmt}")
        assert response.status_code == 200 and marker in response.data


def test_an_embedded_image_is_stored_and_shown(client, signed_in) -> None:
    from tests.exams.test_moodle_xml import PIXEL

    signed_in("trainer")
    encoded = base64.b64encode(PIXEL).decode()
    xml = (
        '<quiz><question type="truefalse"><name><text>图片题</text></name>'
        '<questiontext format="html"><text><![CDATA[<p>标准工位？'
        '<img src="@@PLUGINFILE@@/desk.png" alt="工位"></p>]]></text>'
        f'<file name="desk.png" path="/" encoding="base64">{encoded}</file></questiontext>'
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question></quiz>'
    )
    from lms.exams.services import interchange

    [question] = interchange.import_questions("img.xml", xml.encode(), ("图片",), None)
    page = client.get(f"/questions/{question.id}").get_data(as_text=True)
    url = f"/questions/files/{question.current_version_id}/desk.png"
    assert f'src="{url}"' in page
    image = client.get(url)
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data == PIXEL


def test_a_trainer_adds_a_category_path(client, signed_in) -> None:
    signed_in("trainer")
    response = client.post("/questions/categories", data={"path": "入职认证/投诉处理"})
    assert response.status_code == 302
    assert [row.path for row in bank.category_tree()] == [("入职认证",), ("入职认证", "投诉处理")]
    client.post("/questions/categories", data={"path": " / "})
    assert len(bank.category_tree()) == 2
