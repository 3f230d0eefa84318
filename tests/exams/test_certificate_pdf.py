"""The 合格证书 PDF: text, page, font, link, seal and font lookup.

These tests render real PDFs with the installed CJK font. Without one they fail with
CertificateFontMissing on purpose: a machine that cannot print certificates must not
pass quietly.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw
from pypdf import PageObject, PdfReader

from lms.exams.certificate_pdf import (
    CertificateFontMissing,
    CertificateSheet,
    chinese_date,
    english_date,
    find_cjk_font,
    render_certificate,
    validate_seal_image,
)

NAMES = ["王堃", "李赟", "买买提·艾力"]

SHEET = CertificateSheet(
    serial="SA-2026-000123",
    holder_name="王堃",
    employee_no="KF0001",
    exam_title="服务规范考核",
    exam_title_en="Service Standards Assessment",
    score_percent=Decimal("86.00"),
    issued_on=date(2026, 11, 23),
    expires_on=date(2028, 11, 22),
    verify_url="https://academy.example.cn/certificates/verify/SA-2026-000123",
    issuer="客服中心 培训与质量部",
)


def _seal_png() -> bytes:
    """A translucent red ring, like a scanned round stamp."""
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((8, 8, 192, 192), outline=(200, 20, 20, 220), width=12)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _seal_jpeg() -> bytes:
    image = Image.new("RGB", (120, 120), (255, 255, 255))
    ImageDraw.Draw(image).ellipse((5, 5, 115, 115), outline=(200, 20, 20), width=8)
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def _page(data: bytes) -> PageObject:
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    return reader.pages[0]


def _text(data: bytes) -> str:
    # pypdf puts spaces between CJK glyphs; what matters is the characters and their order.
    return re.sub(r"\s+", "", _page(data).extract_text())


def _image_xobjects(data: bytes) -> list[object]:
    resources = _page(data)["/Resources"]
    xobjects = resources.get("/XObject", {})
    return [
        xobj
        for xobj in (ref.get_object() for ref in xobjects.values())
        if xobj["/Subtype"] == "/Image"
    ]


@pytest.fixture(scope="module")
def plain_pdf() -> bytes:
    return render_certificate(SHEET)


@pytest.fixture(scope="module")
def sealed_pdf() -> bytes:
    return render_certificate(replace(SHEET, seal_image=_seal_png()))


def test_chinese_date_has_no_zero_padding() -> None:
    assert chinese_date(date(2026, 11, 3)) == "2026年11月3日"
    assert chinese_date(date(2026, 1, 1)) == "2026年1月1日"


def test_english_date_ignores_locale() -> None:
    assert english_date(date(2026, 11, 23)) == "23 November 2026"
    assert english_date(date(2027, 2, 1)) == "1 February 2027"


@pytest.mark.parametrize("name", NAMES)
def test_name_and_serial_are_extractable_text(name: str) -> None:
    serial = f"SA-2026-{NAMES.index(name) + 1:06d}"
    text = _text(render_certificate(replace(SHEET, holder_name=name, serial=serial)))
    assert "合格证书" in text
    assert name in text
    assert serial in text


def test_sentence_names_the_exam_date_and_score(plain_pdf: bytes) -> None:
    text = _text(plain_pdf)
    assert "兹证明王堃" in text
    assert "工号KF0001" in text
    assert "于2026年11月23日通过《服务规范考核》，成绩86分，特发此证。" in text
    assert "CertificateofCompletion".lower() in text.lower()
    assert "23November2026" in text
    assert "ServiceStandardsAssessment" in text
    assert "客服中心培训与质量部" in text


def test_fractional_score_keeps_its_decimals() -> None:
    text = _text(render_certificate(replace(SHEET, score_percent=Decimal("86.50"))))
    assert "成绩86.5分" in text


def test_missing_english_title_falls_back_to_chinese() -> None:
    text = _text(render_certificate(replace(SHEET, exam_title_en=None)))
    assert "passed服务规范考核on23November2026" in text


def test_every_drawn_character_is_in_the_embedded_font(caplog: pytest.LogCaptureFixture) -> None:
    # The embedded font holds only the layout's own strings and the sheet's fields; fpdf2
    # logs (rather than raises) when a drawn character is not in it.
    sheet = replace(SHEET, holder_name="买买提·艾力", expires_on=None, exam_title_en=None)
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        render_certificate(replace(sheet, seal_image=_seal_jpeg()))
        render_certificate(SHEET)
    assert [r.getMessage() for r in caplog.records if "missing" in r.getMessage()] == []


def test_page_is_a4_landscape(plain_pdf: bytes) -> None:
    box = _page(plain_pdf).mediabox
    assert float(box.width) == pytest.approx(841.89, abs=0.5)
    assert float(box.height) == pytest.approx(595.28, abs=0.5)


def test_font_is_an_embedded_subset(plain_pdf: bytes) -> None:
    fonts = _page(plain_pdf)["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        descriptor_owner = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descriptor_owner["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor
    # The full Noto CJK face is ~16 MB; a subset of a few dozen glyphs is tens of KB.
    assert len(plain_pdf) < 200_000


def test_verify_url_is_a_link_annotation(plain_pdf: bytes) -> None:
    annotations = [ref.get_object() for ref in _page(plain_pdf).get("/Annots", [])]
    uris = [a["/A"]["/URI"] for a in annotations if a.get("/Subtype") == "/Link" and "/A" in a]
    assert SHEET.verify_url in uris


def test_metadata(plain_pdf: bytes) -> None:
    meta = PdfReader(io.BytesIO(plain_pdf)).metadata
    assert meta is not None
    assert meta.title == "合格证书 SA-2026-000123"
    assert meta.author == "客服中心 培训与质量部"


def test_same_sheet_renders_byte_identical(plain_pdf: bytes) -> None:
    assert render_certificate(SHEET) == plain_pdf


def test_seal_adds_an_image_and_plain_has_none(plain_pdf: bytes, sealed_pdf: bytes) -> None:
    assert _image_xobjects(plain_pdf) == []
    assert len(_image_xobjects(sealed_pdf)) == 1


def test_png_seal_keeps_its_transparency(sealed_pdf: bytes) -> None:
    (seal,) = _image_xobjects(sealed_pdf)
    assert "/SMask" in seal


def test_jpeg_seal_is_accepted() -> None:
    data = render_certificate(replace(SHEET, seal_image=_seal_jpeg()))
    assert len(_image_xobjects(data)) == 1


@pytest.mark.parametrize("junk", [b"", b"not an image at all", _seal_png()[:60]])
def test_unreadable_seal_raises_value_error(junk: bytes) -> None:
    with pytest.raises(ValueError, match="seal image"):
        render_certificate(replace(SHEET, seal_image=junk))
    with pytest.raises(ValueError, match="seal image"):
        validate_seal_image(junk)


def test_seal_in_another_format_is_refused() -> None:
    out = io.BytesIO()
    Image.new("RGB", (10, 10), (255, 0, 0)).save(out, "GIF")
    with pytest.raises(ValueError, match="PNG or JPEG"):
        validate_seal_image(out.getvalue())


def test_no_expiry_says_so() -> None:
    text = _text(render_certificate(replace(SHEET, expires_on=None)))
    assert "长期有效" in text
    assert "Doesnotexpire" in text
    assert "2028年11月22日" not in text


def test_expiry_date_is_printed(plain_pdf: bytes) -> None:
    text = _text(plain_pdf)
    assert "2028年11月22日" in text
    assert "22November2028" in text
    assert "长期有效" not in text


def test_name_the_font_cannot_draw_is_refused() -> None:
    # U+30000 (CJK Extension G) is beyond Noto CJK: printing a blank box in a name is worse
    # than refusing.
    with pytest.raises(CertificateFontMissing, match="U\\+30000"):
        render_certificate(replace(SHEET, holder_name="王\U00030000"))


def test_default_font_is_the_simplified_chinese_face() -> None:
    path, index = find_cjk_font()
    assert path.is_file()
    if path.suffix.lower() not in (".ttc", ".otc"):
        return
    font = TTFont(str(path), fontNumber=index, lazy=True)
    try:
        # Collections list JP first; its 骨/直 shapes are wrong for Chinese readers.
        assert "SC" in (font["name"].getDebugName(1) or "").split()
    finally:
        font.close()


def test_configured_font_with_index() -> None:
    path, index = find_cjk_font()
    assert find_cjk_font(f"{path}#{index}") == (path, index)
    data = render_certificate(SHEET, font=find_cjk_font(str(path)))
    assert "王堃" in _text(data)


def test_missing_configured_font_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(CertificateFontMissing, match="fonts-noto-cjk") as excinfo:
        find_cjk_font(str(tmp_path / "nope.ttc"))
    assert "\n" not in str(excinfo.value)
    assert "CERTIFICATE_FONT" in str(excinfo.value)


def test_configured_file_that_is_not_a_font(tmp_path: Path) -> None:
    bogus = tmp_path / "font.txt"
    bogus.write_text("not a font", encoding="utf-8")
    with pytest.raises(CertificateFontMissing, match="fonts-noto-cjk"):
        find_cjk_font(str(bogus))
