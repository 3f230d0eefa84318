"""External training: evidence checked by content, approval by a second HR person only."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from lms.errors import FieldErrors
from lms.extensions import db
from lms.records import services
from lms.records.errors import DecisionRefused
from lms.records.models import ExternalStatus, ParticipationRecord
from lms.records.services import ExternalEntry, ParticipationKind, TrainingMethod
from tests.fixtures.factories import sign_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
TODAY = date(2026, 12, 4)
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def entry(employee_no: str, **overrides: object) -> ExternalEntry:
    values = {
        "employee_no": employee_no,
        "title": "客户体验管理研讨会",
        "provider": "上海客户服务协会",
        "occurred_on": date(2026, 11, 20),
        "evidence_name": "证书.pdf",
        "evidence": PDF,
        "category": "seminar",
        "minutes": 180,
        "result": "attended",
    }
    values.update(overrides)
    return ExternalEntry(**values)  # type: ignore[arg-type]


@pytest.fixture
def staff(create_user):
    return {
        "agent": create_user(employee_no="KF100", name="王芳"),
        "hr1": create_user(employee_no="HR001", name="人事甲", roles=("hr",)),
        "hr2": create_user(employee_no="HR002", name="人事乙", roles=("hr",)),
    }


@pytest.mark.parametrize(
    ("content", "mime_type"),
    [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")],
)
def test_evidence_is_recognised_by_its_content(staff, content, mime_type) -> None:
    # The name says nothing: a PNG named .pdf is stored as the PNG it is.
    training = services.enter_external_training(
        entry("KF100", evidence=content, evidence_name="scan.pdf"), staff["hr1"].id, TODAY
    )
    assert training.evidence_type == mime_type
    assert training.status is ExternalStatus.PENDING
    assert training.evidence_size == len(content)


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 an executable renamed to .pdf",
        b"<html><script>alert(1)</script></html>",
        b"GIF89a\x01\x00",
        b"",
    ],
)
def test_evidence_other_than_pdf_png_or_jpeg_is_refused_beside_the_field(staff, content) -> None:
    with pytest.raises(FieldErrors) as refused:
        services.enter_external_training(
            entry("KF100", evidence=content, evidence_name="证书.pdf"), staff["hr1"].id, TODAY
        )
    assert [field for field, _ in refused.value.pairs] == ["evidence"]


def test_evidence_over_5_mb_is_refused(staff) -> None:
    limit = services.MAX_EVIDENCE_BYTES
    big = PDF + b"0" * (limit - len(PDF) + 1)
    with pytest.raises(FieldErrors) as refused:
        services.enter_external_training(entry("KF100", evidence=big), staff["hr1"].id, TODAY)
    assert refused.value.pairs[0][0] == "evidence"
    exactly = PDF + b"0" * (limit - len(PDF))
    assert (
        services.enter_external_training(
            entry("KF100", evidence=exactly), staff["hr1"].id, TODAY
        ).evidence_size
        == limit
    )


def test_the_entry_is_checked_field_by_field(staff) -> None:
    with pytest.raises(FieldErrors) as refused:
        services.enter_external_training(
            entry(
                "NOBODY",
                title=" ",
                provider="",
                occurred_on=date(2026, 12, 5),
                minutes=None,
                credit_hours=None,
            ),
            staff["hr1"].id,
            TODAY,
        )
    fields = {field for field, _ in refused.value.pairs}
    assert fields == {"employee_no", "title", "provider", "occurred_on", "minutes"}


def test_a_second_hr_person_approves_and_the_ledger_gets_the_record(staff) -> None:
    training = services.enter_external_training(
        entry("KF100", minutes=None, credit_hours=Decimal("6")), staff["hr1"].id, TODAY
    )
    assert services.records_of(staff["agent"].id) == []  # pending: not in the ledger yet
    record = services.approve_external(training, staff["hr2"].id, now=NOW)
    assert training.status is ExternalStatus.APPROVED
    assert (training.decided_by_id, training.decided_at, training.record_id) == (
        staff["hr2"].id,
        NOW,
        record.id,
    )
    assert record.source_key == f"external:{training.id}"
    assert record.kind is ParticipationKind.EXTERNAL
    assert record.method is TrainingMethod.EXTERNAL
    assert (record.user_id, record.credit_hours, record.trainer) == (
        staff["agent"].id,
        Decimal("6"),
        "上海客户服务协会",
    )
    assert services.training_record(staff["agent"].id).total_hours == Decimal(6)


def test_the_person_who_entered_it_cannot_approve_it(staff) -> None:
    training = services.enter_external_training(entry("KF100"), staff["hr1"].id, TODAY)
    with pytest.raises(DecisionRefused):
        services.approve_external(training, staff["hr1"].id)
    assert training.status is ExternalStatus.PENDING
    assert services.records_of(staff["agent"].id) == []


def test_a_decision_is_taken_once(staff) -> None:
    training = services.enter_external_training(entry("KF100"), staff["hr1"].id, TODAY)
    services.approve_external(training, staff["hr2"].id)
    with pytest.raises(DecisionRefused):
        services.approve_external(training, staff["hr2"].id)
    with pytest.raises(DecisionRefused):
        services.reject_external(training, "重复", staff["hr2"].id)
    count = db.session.scalar(
        sa.select(sa.func.count(ParticipationRecord.id)).where(
            ParticipationRecord.user_id == staff["agent"].id
        )
    )
    assert count == 1


def test_rejection_needs_a_reason_and_adds_nothing(staff) -> None:
    training = services.enter_external_training(entry("KF100"), staff["hr1"].id, TODAY)
    with pytest.raises(FieldErrors) as refused:
        services.reject_external(training, "  ", staff["hr2"].id)
    assert refused.value.pairs[0][0] == "reason"
    services.reject_external(training, "证书无盖章", staff["hr2"].id, now=NOW)
    assert training.status is ExternalStatus.REJECTED
    assert training.rejection_reason == "证书无盖章"
    assert services.records_of(staff["agent"].id) == []
    assert [line.training.id for line in services.decided_external()] == [training.id]
    assert services.pending_external() == []


# --- pages --------------------------------------------------------------------------------------


def test_hr_enters_external_training_with_a_file(client, signed_in, create_user) -> None:
    create_user(employee_no="KF100")
    signed_in("hr")
    response = client.post(
        "/records/external/new",
        data={
            "employee_no": "KF100",
            "title": "外部认证",
            "provider": "认证中心",
            "occurred_on": "2026-11-20",
            "credit_hours": "4",
            "evidence": (io.BytesIO(PNG), "cert.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert [line.training.title for line in services.pending_external()] == ["外部认证"]


def test_a_renamed_file_is_refused_beside_the_evidence_field(
    client, signed_in, create_user
) -> None:
    create_user(employee_no="KF100")
    signed_in("hr")
    response = client.post(
        "/records/external/new",
        data={
            "employee_no": "KF100",
            "title": "外部认证",
            "provider": "认证中心",
            "occurred_on": "2026-11-20",
            "minutes": "90",
            "evidence": (io.BytesIO(b"MZ\x90\x00not a pdf"), "cert.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert 'data-field-error="evidence"' in response.text
    assert services.pending_external() == []


def test_the_approve_button_refuses_the_person_who_entered_it(client, staff) -> None:
    training = services.enter_external_training(entry("KF100"), staff["hr1"].id, TODAY)
    db.session.commit()
    sign_in(client, staff["hr1"])
    page = client.get(f"/records/external/{training.id}").text
    assert 'data-testid="not-yours-to-approve"' in page and 'data-testid="approve"' not in page
    client.post(f"/records/external/{training.id}/approve")
    assert services.get_external(training.id).status is ExternalStatus.PENDING
    sign_in(client, staff["hr2"])
    client.post(f"/records/external/{training.id}/approve")
    assert services.get_external(training.id).status is ExternalStatus.APPROVED


def test_evidence_is_for_hr_and_its_owner_only(client, staff, create_user) -> None:
    training = services.enter_external_training(entry("KF100"), staff["hr1"].id, TODAY)
    stranger = create_user(employee_no="KF200")
    trainer = create_user(employee_no="TR001", roles=("trainer",))
    db.session.commit()
    url = f"/records/external/{training.id}/evidence"
    for person, status in [
        (staff["agent"], 200),
        (staff["hr2"], 200),
        (stranger, 404),
        (trainer, 404),
    ]:
        sign_in(client, person)
        response = client.get(url)
        assert response.status_code == status, person
        if status == 200:
            assert response.data == PDF
            assert response.mimetype == "application/pdf"


@pytest.mark.parametrize(
    "url", ["/records/external", "/records/external/new", "/records/ledger", "/records/settings"]
)
def test_hr_pages_refuse_agents(client, signed_in, url) -> None:
    signed_in("agent")
    assert client.get(url).status_code == 403
