"""The printable 合格证书: one A4 landscape PDF page per certificate.

Pure rendering, no Flask and no database, so it can run in a CLI, a worker or a test.
The CJK font always comes from a file on disk (Debian's fonts-noto-cjk by default) and
is embedded as a subset, so the PDF looks the same on every reader and stays small. The
subset is converted to TrueType outlines first, so the text stays extractable (see
``_embeddable_subset``).
"""

from __future__ import annotations

import functools
import io
import shutil
import string
import subprocess
import tempfile
import warnings
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import segno
from fontTools import subset as ftsubset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, TTLibError, newTable
from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue
from PIL import Image, UnidentifiedImageError

__all__ = [
    "CertificateFontMissing",
    "CertificateSheet",
    "chinese_date",
    "english_date",
    "find_cjk_font",
    "render_certificate",
    "validate_seal_image",
]

FONT_FIX = "apt-get install -y fonts-noto-cjk (or set CERTIFICATE_FONT to a CJK .otf/.ttf/.ttc)"

_NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
# Sans first: it is the body face and the one most likely to be installed.
_BODY_CANDIDATES = (
    _NOTO_DIR / "NotoSansCJK-Regular.ttc",
    _NOTO_DIR / "NotoSerifCJK-Regular.ttc",
    Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"),
)
_HEADING_CANDIDATES = (
    _NOTO_DIR / "NotoSerifCJK-Bold.ttc",
    _NOTO_DIR / "NotoSansCJK-Bold.ttc",
)
_FONT_SUFFIXES = (".otf", ".ttf", ".ttc", ".otc")
# A font that cannot draw these is no use for a Chinese certificate; fc-match in particular
# happily answers "DejaVu Sans" when no CJK font is installed.
_PROBE_TEXT = "合格证书兹证明"

# Every fixed string the layout draws. Only these, the sheet's own fields and ASCII go into
# the embedded font, so a label added to the layout must be added here too (a test renders
# and fails on any glyph left out).
_TITLE = "合格证书"
_SUBTITLE = "CERTIFICATE OF COMPLETION"
_HEREBY = "兹 证 明"
_EMPLOYEE_NO = "工号"
_SENTENCE = "于 {date} 通过《{exam}》，成绩 {score} 分，特发此证。"
_SENTENCE_EN = (
    "This is to certify that the employee named above (Employee No. {employee_no}) "
    "passed {exam} on {date} with a score of {score}."
)
_COLUMN_LABELS = ("证书编号  Certificate No.", "发证日期  Date of issue", "有效期至  Valid until")
_NO_EXPIRY = ("长期有效", "Does not expire")
_SCAN = ("扫码验证", "Scan to verify")
_ISSUED_BY = "发证单位（盖章） Issued by"
_LAYOUT_TEXT = "".join(
    (
        _TITLE,
        _HEREBY,
        _EMPLOYEE_NO,
        _SENTENCE,
        *_COLUMN_LABELS,
        *_NO_EXPIRY,
        *_SCAN,
        _ISSUED_BY,
        "年月日",
        string.printable,
    )
)

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# The seal is printed about 40 mm wide; 600 px is ~380 dpi there, and capping it keeps a
# phone photo of a stamp from bloating every certificate by megabytes.
_SEAL_MM = 40.0
_SEAL_MAX_PX = 600
_SEAL_MAX_UPLOAD_PX = 40_000_000

# Palette: the red and gold of a printed Chinese certificate, on ivory paper.
_RED = (150, 28, 30)
_GOLD = (181, 146, 76)
_INK = (34, 34, 34)
_GREY = (110, 110, 110)
_PAPER = (253, 250, 242)

PAGE_W, PAGE_H = 297.0, 210.0
_PT = 25.4 / 72  # one point in millimetres


class CertificateFontMissing(RuntimeError):
    """No usable CJK font file: the certificate cannot be rendered without one."""


@dataclass(frozen=True)
class CertificateSheet:
    """Everything printed on one certificate."""

    serial: str
    holder_name: str
    employee_no: str
    exam_title: str
    exam_title_en: str | None
    score_percent: Decimal
    issued_on: date
    expires_on: date | None
    verify_url: str
    issuer: str
    seal_image: bytes | None = None


def chinese_date(value: date) -> str:
    """``2026年11月3日``: the written Chinese form, without zero padding."""
    return f"{value.year}年{value.month}月{value.day}日"


def english_date(value: date) -> str:
    """``3 November 2026``, independent of the process locale (``%B`` is not)."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _score_text(score: Decimal) -> str:
    """86.00 -> "86", 86.50 -> "86.5": certificates print the score as people say it."""
    fixed = f"{score.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return fixed.rstrip("0").rstrip(".") if "." in fixed else fixed


# --- fonts ---------------------------------------------------------------------------------


def _missing(detail: str) -> CertificateFontMissing:
    return CertificateFontMissing(f"{detail}; fix: {FONT_FIX}")


@functools.lru_cache(maxsize=32)
def _sc_face_index(path: Path) -> int:
    """The Simplified Chinese face of a collection; other faces draw Japanese glyph forms."""
    try:
        collection = TTCollection(str(path), lazy=True)
    except (OSError, TTLibError):
        return 0
    names = [font["name"].getDebugName(1) or "" for font in collection.fonts]
    collection.close()
    for index, name in enumerate(names):
        if "SC" in name.split():
            return index
    return 0


@functools.lru_cache(maxsize=32)
def _covers(path: Path, index: int, text: str) -> bool:
    try:
        font = TTFont(str(path), fontNumber=index, lazy=True)
    except (OSError, TTLibError):
        return False
    try:
        cmap = font.getBestCmap() or {}
    finally:
        font.close()
    return all(ord(ch) in cmap for ch in text)


def _face(path: Path, index: int | None) -> tuple[Path, int]:
    if index is None:
        index = _sc_face_index(path) if path.suffix.lower() in (".ttc", ".otc") else 0
    return path, index


def _parse_configured(configured: str) -> tuple[Path, int | None]:
    text = configured.strip()
    path, sep, index = text.rpartition("#")
    if sep and index.strip().isdigit():
        return Path(path).expanduser(), int(index)
    return Path(text).expanduser(), None


def _fc_match() -> tuple[Path, int | None] | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        result = subprocess.run(
            ["fc-match", "-f", "%{file}:%{index}", "Noto Sans CJK SC:lang=zh-cn"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, index = result.stdout.strip().rpartition(":")
    if result.returncode != 0 or not file:
        return None
    return Path(file), int(index) if index.isdigit() else None


@functools.lru_cache(maxsize=8)
def _find(configured: str | None) -> tuple[Path, int]:
    if configured:
        path, index = _parse_configured(configured)
        if not path.is_file():
            raise _missing(f"CERTIFICATE_FONT {configured!r} is not a file")
        if path.suffix.lower() not in _FONT_SUFFIXES:
            raise _missing(f"CERTIFICATE_FONT {configured!r} is not an OpenType/TrueType font")
        face = _face(path, index)
        if not _covers(*face, _PROBE_TEXT):
            raise _missing(f"CERTIFICATE_FONT {configured!r} has no Chinese glyphs")
        return face

    for path in _BODY_CANDIDATES:
        if path.is_file():
            return _face(path, None)
    matched = _fc_match()
    if matched and matched[0].is_file() and matched[0].suffix.lower() in _FONT_SUFFIXES:
        face = _face(*matched)
        if _covers(*face, _PROBE_TEXT):
            return face
    raise _missing("no Chinese (CJK) font found for certificates")


def find_cjk_font(configured: str | None = None) -> tuple[Path, int]:
    """The CJK font file and collection face index to embed in certificates.

    ``configured`` (the ``CERTIFICATE_FONT`` setting) is a font path, optionally
    ``"path#index"`` for a face of a .ttc collection; without an index the Simplified
    Chinese face of a collection is picked. Otherwise Debian's fonts-noto-cjk files are
    used, then whatever ``fc-match`` offers for "Noto Sans CJK SC" if it can draw Chinese.
    The answer is cached per ``configured`` value.

    Raises:
        CertificateFontMissing: nothing usable; the message names the fix.
    """
    return _find(configured or None)


@functools.lru_cache(maxsize=1)
def _heading_font() -> tuple[Path, int] | None:
    """Noto Serif CJK SC Bold if installed: a serif title reads as a formal certificate."""
    for path in _HEADING_CANDIDATES:
        if path.is_file():
            face = _face(path, None)
            if _covers(*face, _PROBE_TEXT):
                return face
    return None


def _embeddable_subset(face: tuple[Path, int], text: str, dest: Path) -> frozenset[str]:
    """Write the glyphs for ``text`` from ``face`` to ``dest`` as a small TrueType font.

    Noto CJK is a CID-keyed CFF font, which fpdf2 embeds behind a custom /Encoding CMap
    that pypdf (and other simple extractors) cannot read, so copied or extracted text comes
    out garbled. Converting the few glyphs a certificate uses to TrueType outlines makes
    fpdf2 write a plain Identity-H font instead. It is also faster: fpdf2 then parses a
    30 KB font rather than a 20 MB collection.

    Returns the characters of ``text`` the face has no glyph for.
    """
    path, index = face
    # recalcTimestamp=False keeps head.modified, and so the PDF bytes, reproducible.
    font = TTFont(str(path), fontNumber=index, lazy=True, recalcTimestamp=False)
    try:
        cmap = font.getBestCmap() or {}
        missing = frozenset(ch for ch in text if ord(ch) not in cmap and not ch.isspace())
        options = ftsubset.Options()
        options.notdef_outline = True
        options.hinting = False
        options.desubroutinize = True
        options.layout_features = []
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
        options.drop_tables += ["VORG", "vhea", "vmtx", "BASE", "GSUB", "GPOS", "GDEF"]
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        if "CFF " in font:
            _cff_to_truetype(font)
        font.save(str(dest))
    finally:
        font.close()
    return missing


def _cff_to_truetype(font: TTFont) -> None:
    """Replace CFF cubic outlines by TrueType quadratic ones, in place (as fontTools'
    otf2ttf snippet does); 1 font unit of error is invisible at certificate sizes."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name in order:
        advance, _ = hmtx[name]
        hmtx[name] = (advance, getattr(glyf[name], "xMin", 0))
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field in (
        "maxTwilightPoints",
        "maxStorage",
        "maxFunctionDefs",
        "maxInstructionDefs",
        "maxStackElements",
        "maxSizeOfInstructions",
        "maxComponentElements",
    ):
        setattr(maxp, field, 0)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\x00\x01\x00\x00"


# --- seal ----------------------------------------------------------------------------------


def _open_seal(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            # Pillow only *warns* about a decompression bomb below twice its limit.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ("PNG", "JPEG"):
                raise ValueError(
                    f"The seal image must be a PNG or JPEG file, not {image.format or 'unknown'}."
                )
            if image.width * image.height > _SEAL_MAX_UPLOAD_PX:
                raise ValueError(
                    f"The seal image is too large ({image.width}×{image.height} pixels)."
                )
            image.load()
    except ValueError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ValueError("The seal image is not a readable PNG or JPEG file.") from exc

    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = image.convert("RGBA" if has_alpha else "RGB")
    image.thumbnail((_SEAL_MAX_PX, _SEAL_MAX_PX), Image.Resampling.LANCZOS)
    return image


def validate_seal_image(data: bytes) -> None:
    """Check uploaded seal bytes the way :func:`render_certificate` will use them.

    Raises:
        ValueError: not a readable PNG or JPEG, or absurdly large; the message is
            fit to show to the uploader.
    """
    _open_seal(data)


# --- drawing -------------------------------------------------------------------------------


class _Certificate(FPDF):
    """FPDF with the few drawing helpers the certificate layout needs."""

    def centred(self, text: str, baseline: float, size: float, *, cx: float = PAGE_W / 2) -> None:
        self.set_font_size(size)
        self.text(cx - self.get_string_width(text) / 2, baseline, text)

    def fitted_size(self, text: str, width: float, largest: float, smallest: float) -> float:
        """The largest font size (0.5 pt steps) at which ``text`` fits on one line."""
        size = largest
        while size > smallest:
            self.set_font_size(size)
            if self.get_string_width(text) <= width:
                break
            size -= 0.5
        return size

    def wrapped(
        self, text: str, top: float, width: float, sizes: tuple[float, float], max_lines: int
    ) -> float:
        """Centred paragraph, returning its bottom.

        One line at any size down to ``smallest`` beats two lines at the largest size: a
        lone word wrapped onto a second line looks like a mistake on a certificate.
        """
        largest, smallest = sizes
        for allowed in (1, max_lines):
            size = largest
            while True:
                self.set_font_size(size)
                lines = self.multi_cell(
                    width, text=text, dry_run=True, output=MethodReturnValue.LINES, align=Align.C
                )
                if len(lines) <= allowed or size <= smallest:
                    break
                size -= 0.5
            if len(lines) <= allowed:
                break
        line_h = size * _PT * 1.45
        self.set_xy((PAGE_W - width) / 2, top)
        self.multi_cell(width, line_h, text=text, align=Align.C)
        return top + line_h * len(lines)


def _draw_frame(pdf: _Certificate) -> None:
    pdf.set_fill_color(*_PAPER)
    pdf.rect(0, 0, PAGE_W, PAGE_H, style="F")
    # A heavy outer rule and a fine inner one: the classic double frame.
    pdf.set_draw_color(*_RED)
    pdf.set_line_width(1.6)
    pdf.rect(8, 8, PAGE_W - 16, PAGE_H - 16)
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(0.35)
    pdf.rect(11.5, 11.5, PAGE_W - 23, PAGE_H - 23)
    # Gold corner brackets inside the inner frame.
    pdf.set_line_width(0.7)
    arm, inset = 12.0, 14.5
    for x, dx in ((inset, 1), (PAGE_W - inset, -1)):
        for y, dy in ((inset, 1), (PAGE_H - inset, -1)):
            pdf.line(x, y, x + dx * arm, y)
            pdf.line(x, y, x, y + dy * arm)


def _draw_ornament(pdf: _Certificate, y: float, half_width: float) -> None:
    """A rule broken by a small diamond, under the title."""
    cx = PAGE_W / 2
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(0.35)
    pdf.line(cx - half_width, y, cx - 3.5, y)
    pdf.line(cx + 3.5, y, cx + half_width, y)
    pdf.set_fill_color(*_GOLD)
    pdf.polygon([(cx, y - 1.8), (cx + 1.8, y), (cx, y + 1.8), (cx - 1.8, y)], style="F")


def _draw_qr(pdf: _Certificate, url: str, x: float, y: float, size: float) -> None:
    """The verification QR as vector rectangles, so it stays sharp at any print size."""
    qr = segno.make(url, error="m", micro=False)
    border = 4  # the quiet zone scanners need, in modules
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=border)]
    module = size / len(rows)
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    # One rectangle per horizontal run of dark modules: far fewer path operators, and a
    # hair of overlap hides the seams some viewers draw between adjacent fills.
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(
                x + start * module, y + r * module, (c - start) * module, module + 0.02, style="F"
            )
    pdf.link(x, y, size, size, url, alt_text=" ".join(_SCAN))


def render_certificate(sheet: CertificateSheet, font: tuple[Path, int] | None = None) -> bytes:
    """The certificate as a one-page A4 landscape PDF.

    ``font`` is a ``(file, collection index)`` pair from :func:`find_cjk_font`; with it,
    that one face is used for everything. Without it the installed Noto CJK fonts are used
    (Serif Bold for the title and name when present). The output is deterministic: the
    same sheet and font give the same bytes.

    Raises:
        CertificateFontMissing: no CJK font, or the font cannot draw the holder's name.
        ValueError: ``seal_image`` is not a readable PNG or JPEG.
    """
    seal = _open_seal(sheet.seal_image) if sheet.seal_image is not None else None
    body = font if font is not None else find_cjk_font()
    heading = body if font is not None else (_heading_font() or body)
    text = "".join(
        (
            _LAYOUT_TEXT,
            sheet.serial,
            sheet.holder_name,
            sheet.employee_no,
            sheet.exam_title,
            sheet.exam_title_en or "",
            sheet.verify_url,
            sheet.issuer,
            _score_text(sheet.score_percent),
        )
    )
    text = "".join(sorted(set(text)))

    with tempfile.TemporaryDirectory(prefix="certificate-font-") as tmp:
        pdf = _Certificate(orientation="landscape", unit="mm", format="A4")
        try:
            body_missing = _embeddable_subset(body, text, Path(tmp, "body.ttf"))
            pdf.add_font("body", fname=Path(tmp, "body.ttf"))
            name_key = "body"
            heading_key = "body"
            if heading != body:
                heading_missing = _embeddable_subset(heading, text, Path(tmp, "heading.ttf"))
                pdf.add_font("heading", fname=Path(tmp, "heading.ttf"))
                heading_key = "heading"
                # A rare character the serif face lacks: set the whole name in the body
                # face rather than mixing two typefaces inside one name.
                if not heading_missing & set(sheet.holder_name):
                    name_key = "heading"
            unprintable = sorted(body_missing & set(sheet.holder_name))
            if unprintable:
                chars = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in unprintable)
                raise CertificateFontMissing(
                    f"the certificate font {body[0].name} cannot draw {chars} in the holder's "
                    "name; set CERTIFICATE_FONT to a font that covers it"
                )
            return _render(pdf, sheet, heading_key, name_key, seal)
        finally:
            # fpdf2 opens fonts lazily and never closes them; the files must be closed
            # before the temporary directory goes.
            for loaded in pdf.fonts.values():
                ttfont = getattr(loaded, "ttfont", None)
                if ttfont is not None:
                    ttfont.close()


def _render(
    pdf: _Certificate,
    sheet: CertificateSheet,
    heading_key: str,
    name_key: str,
    seal: Image.Image | None,
) -> bytes:
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    # Without this, multi_cell indents text by 1 mm and the URL no longer lines up.
    pdf.c_margin = 0

    # Fixed metadata dates make two renders of one sheet byte-identical.
    pdf.set_creation_date(datetime.combine(sheet.issued_on, time(0), tzinfo=UTC))
    pdf.set_title(f"{_TITLE} {sheet.serial}")
    pdf.set_author(sheet.issuer)
    pdf.set_subject(sheet.exam_title)
    pdf.set_creator("Service Academy")
    pdf.set_lang("zh-CN")

    pdf.add_page()
    _draw_frame(pdf)

    # Title block.
    pdf.set_text_color(*_RED)
    pdf.set_font(heading_key, size=40)
    pdf.set_char_spacing(8)
    # Char spacing also follows the last glyph; take it off so the title is truly centred.
    pdf.text((PAGE_W - pdf.get_string_width(_TITLE) + 8 * _PT) / 2, 40, _TITLE)
    pdf.set_char_spacing(2.5)
    pdf.set_font("body", size=11)
    pdf.set_text_color(*_GOLD)
    pdf.text((PAGE_W - pdf.get_string_width(_SUBTITLE) + 2.5 * _PT) / 2, 49, _SUBTITLE)
    pdf.set_char_spacing(0)
    _draw_ornament(pdf, 55, 45)

    # Holder: "兹证明", the name large on its own line, then the rest of the sentence.
    pdf.set_text_color(*_INK)
    pdf.set_font("body", size=14)
    pdf.centred(_HEREBY, 68, 14)
    pdf.set_font(name_key, size=34)
    name_size = pdf.fitted_size(sheet.holder_name, 200, 34, 20)
    pdf.centred(sheet.holder_name, 84, name_size)
    name_w = max(pdf.get_string_width(sheet.holder_name) + 30, 90)
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(0.35)
    pdf.line((PAGE_W - name_w) / 2, 88, (PAGE_W + name_w) / 2, 88)
    pdf.set_font("body", size=10)
    pdf.set_text_color(*_GREY)
    pdf.centred(f"{_EMPLOYEE_NO} {sheet.employee_no}", 94.5, 10)

    score = _score_text(sheet.score_percent)
    issued_zh, issued_en = chinese_date(sheet.issued_on), english_date(sheet.issued_on)
    sentence = _SENTENCE.format(date=issued_zh, exam=sheet.exam_title, score=score)
    sentence_en = _SENTENCE_EN.format(
        employee_no=sheet.employee_no,
        exam=sheet.exam_title_en or sheet.exam_title,
        date=issued_en,
        score=score,
    )
    pdf.set_text_color(*_INK)
    pdf.set_font("body", size=15)
    bottom = pdf.wrapped(sentence, 100, 240, (15, 11), 2)
    pdf.set_text_color(*_GREY)
    pdf.set_font("body", size=10)
    pdf.wrapped(sentence_en, bottom + 1.5, 240, (10, 8), 2)

    # Serial and dates in three columns.
    if sheet.expires_on is None:
        expiry_zh, expiry_en = _NO_EXPIRY
    else:
        expiry_zh, expiry_en = chinese_date(sheet.expires_on), english_date(sheet.expires_on)
    columns = ((sheet.serial, ""), (issued_zh, issued_en), (expiry_zh, expiry_en))
    for i, (label, (value, value_en)) in enumerate(zip(_COLUMN_LABELS, columns, strict=True)):
        cx = PAGE_W / 2 + (i - 1) * 78
        pdf.set_text_color(*_GREY)
        pdf.centred(label, 132, 8, cx=cx)
        pdf.set_text_color(*_INK)
        pdf.centred(value, 139.5, 12, cx=cx)
        if value_en:
            pdf.set_text_color(*_GREY)
            pdf.centred(value_en, 145, 8, cx=cx)
    pdf.set_draw_color(*_GOLD)
    pdf.set_line_width(0.2)
    for i in (0, 1):
        x = PAGE_W / 2 - 39 + i * 78
        pdf.line(x, 128.5, x, 146)

    # Bottom left: QR code with its caption and the URL for people who cannot scan.
    qr_x, qr_y, qr_size = 24.0, 152.0, 32.0
    _draw_qr(pdf, sheet.verify_url, qr_x, qr_y, qr_size)
    text_x = qr_x + qr_size + 4
    pdf.set_text_color(*_INK)
    pdf.set_font("body", size=10)
    pdf.text(text_x, qr_y + 12, _SCAN[0])
    pdf.set_text_color(*_GREY)
    pdf.set_font_size(8)
    pdf.text(text_x, qr_y + 17, _SCAN[1])
    url_w = 92.0
    pdf.set_font_size(pdf.fitted_size(sheet.verify_url, url_w, 7, 5.5))
    pdf.set_xy(text_x, qr_y + 19.5)
    pdf.multi_cell(url_w, 2.8, text=sheet.verify_url, align=Align.L, link=sheet.verify_url)

    # Bottom right: issuer and date on a signature line, the seal stamped over them.
    cx = 230.0
    pdf.set_draw_color(*_INK)
    pdf.set_line_width(0.3)
    pdf.line(cx - 32, 168, cx + 32, 168)
    pdf.set_text_color(*_GREY)
    pdf.set_font("body", size=8)
    pdf.centred(_ISSUED_BY, 164.5, 8, cx=cx)
    pdf.set_text_color(*_INK)
    pdf.set_font("body", size=12)
    issuer_size = pdf.fitted_size(sheet.issuer, 70, 12, 8)
    pdf.centred(sheet.issuer, 175, issuer_size, cx=cx)
    pdf.centred(issued_zh, 182, 11, cx=cx)
    if seal is not None:
        pdf.image(
            seal,
            x=cx - _SEAL_MM / 2,
            y=174 - _SEAL_MM / 2,
            w=_SEAL_MM,
            h=_SEAL_MM,
            keep_aspect_ratio=True,
        )

    return bytes(pdf.output())
