"""The complaint as a PDF: the lines of :func:`casework.complaint.document_lines`, typeset on A4 with an embedded
CJK font, as a clerk expects to read it on paper or on a phone.

Typesetting: the title centred at the top, bold; the particulars and headings flush left; paragraphs indented by
two characters; text justified to both margins (the last line of a paragraph left ragged); Chinese line-breaking
rules — a line never starts with closing punctuation (，。、；：）」” …) nor ends with an opening one (（「“), and a run
of Latin letters or digits (50,000, LPR, 2025) is never split; 此致 indented and the court flush left on the next
line; the signature and date to the right; page numbers at the foot. Nothing is drawn outside the margins: every
line is measured before it is placed.

The font is a system font that Debian packages (``scripts/ensure-fonts.sh`` installs ``fonts-noto-cjk``, whose
Noto Serif CJK SC is a 宋体-style face): :data:`FONT_CANDIDATES` are tried in order, and the glyphs used are
embedded (subset) so the file shows the same on any reader. Without any of them, :func:`render_pdf` raises
:class:`casework.errors.DocumentUnavailable` (the route answers 503 and offers the DOCX) — never a PDF of empty
boxes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from fpdf import FPDF

from casework.complaint import ComplaintDraft, document_lines
from casework.errors import DocumentUnavailable


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int = 0  # the face inside a .ttc collection


@dataclass(frozen=True)
class FontChoice:
    regular: FontFace
    bold: FontFace | None = None  # none: the regular face stands in for the title


_NOTO = Path("/usr/share/fonts/opentype/noto")
FONT_CANDIDATES: tuple[FontChoice, ...] = (
    # Noto Serif CJK: the collection's faces are JP, KR, SC, TC, HK; index 2 is Simplified Chinese
    FontChoice(FontFace(_NOTO / "NotoSerifCJK-Regular.ttc", 2), FontFace(_NOTO / "NotoSerifCJK-Bold.ttc", 2)),
    FontChoice(FontFace(Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0)),  # AR PL UMing CN
    FontChoice(FontFace(_NOTO / "NotoSansCJK-Regular.ttc", 2), FontFace(_NOTO / "NotoSansCJK-Bold.ttc", 2)),
    FontChoice(FontFace(Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0)),
    FontChoice(FontFace(Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0)),
)

# A4, in millimetres. Margins a little wider than a letter's: the clerk binds the left edge.
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 30.0, 25.0, 28.0, 26.0
FOOTER_Y = PAGE_H - 15.0
PT = 25.4 / 72  # one point in millimetres

# style → (size in points, bold, line height as a multiple of the size, space before in mm)
STYLES: dict[str, tuple[float, bool, float, float]] = {
    "title": (22, True, 1.4, 0),
    "party": (14, False, 1.6, 1.0),
    "heading": (14, True, 1.6, 3.0),
    "item": (14, False, 1.6, 0.6),
    "body": (14, False, 1.6, 0.6),
    "closing": (14, False, 1.6, 8.0),
    "court": (14, False, 1.6, 0),
    "right": (14, False, 1.6, 4.0),
    "note": (10.5, False, 1.5, 2.5),
}
INDENTED = frozenset({"body", "closing"})  # two characters in from the left margin
NOTE_RULE_GAP = 6.0  # the notes after the document sit under a thin rule

# Chinese line-breaking rules (GB/T 15834 practice): never at the start of a line / never at its end.
NO_START = set("，。、；：？！）》」』】〕”’…—%％·,.;:?!)]}")
NO_END = set("（《「『【〔“‘([{")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,%×/\-]*|.", re.S)  # a Latin/digit run is one unbreakable token


@functools.cache
def find_font(candidates: tuple[FontChoice, ...] = FONT_CANDIDATES) -> FontChoice | None:
    return next((c for c in candidates if c.regular.path.is_file()), None)


class _Doc(FPDF):
    def footer(self) -> None:
        self.set_y(FOOTER_Y)
        self.set_font("cjk", size=10.5)
        self.cell(0, 6, f"第{self.page_no()}页（共{{nb}}页）", align="C")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def break_lines(text: str, width: float, measure: object, first_indent: float = 0.0) -> list[str]:
    """``text`` cut into lines no wider than ``width`` (the first ``first_indent`` narrower), following the
    line-breaking rules above; ``measure(str) -> float`` gives a string's width."""
    assert callable(measure)
    lines: list[str] = []
    current: list[str] = []
    limit = width - first_indent
    tokens: list[str] = []
    for token in _tokens(text):  # a run wider than a whole line is cut into characters
        tokens.extend(token if len(token) > 1 and measure(token) > width - first_indent else [token])
    for token in tokens:
        if current and measure("".join(current) + token) > limit:
            carry: list[str] = []
            # a closing mark must not start the next line: take tokens of this line down with it until the next
            # line starts with one that may ("（大写：伍万元整）。" moves down as "整）。")
            while len(current) > 1 and (carry[0] if carry else token) in NO_START:
                carry.insert(0, current.pop())
            # an opening mark must not end this line
            while len(current) > 1 and current[-1] in NO_END:
                carry.insert(0, current.pop())
            lines.append("".join(current))
            current = carry
            limit = width
        current.append(token)
        while measure("".join(current)) > limit and len(current) > 1:  # one token wider than a line: hard cut
            lines.append("".join(current[:-1]))
            current = current[-1:]
            limit = width
    if current:
        lines.append("".join(current))
    return lines


def render_pdf(draft: ComplaintDraft, today: date, font: FontChoice | None = None) -> bytes:
    """The complaint as PDF bytes. Raises :class:`DocumentUnavailable` when no CJK font is installed."""
    font = font or find_font()
    if font is None:
        raise DocumentUnavailable("no CJK font for the complaint PDF (scripts/ensure-fonts.sh installs one)")
    pdf = _Doc(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
    pdf.set_auto_page_break(False)
    pdf.c_margin = 0  # a cell's inner padding would push every line right of the margin
    pdf.add_font("cjk", "", str(font.regular.path), collection_font_number=font.regular.index)
    bold = font.bold or font.regular
    pdf.add_font("cjk", "B", str(bold.path), collection_font_number=bold.index)
    pdf.set_title(f"民事起诉状 {draft.ref}")
    pdf.set_creator("诉前辅导助手")
    pdf.alias_nb_pages()
    pdf.add_page()
    width = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT
    bottom = PAGE_H - MARGIN_BOTTOM
    y = MARGIN_TOP
    first_note = True
    for style, text in document_lines(draft, today):
        size, is_bold, leading, before = STYLES[style]
        pdf.set_font("cjk", "B" if is_bold else "", size)
        pdf.set_char_spacing(0)
        line_h = size * leading * PT
        indent = 2 * size * PT if style in INDENTED else 0.0
        if style == "note" and first_note:
            before += NOTE_RULE_GAP
        lines = break_lines(text, width, pdf.get_string_width, indent)
        y += before if y > MARGIN_TOP else 0
        for n, line in enumerate(lines):
            if y + line_h > bottom:
                pdf.add_page()
                y = MARGIN_TOP
            if style == "note" and first_note:
                pdf.set_draw_color(120, 120, 120)
                pdf.line(MARGIN_LEFT, y - NOTE_RULE_GAP / 2, MARGIN_LEFT + width / 3, y - NOTE_RULE_GAP / 2)
                first_note = False
            x = MARGIN_LEFT + (indent if n == 0 else 0.0)
            room = width - (indent if n == 0 else 0.0)
            drawn = pdf.get_string_width(line)
            if style == "title":
                x = (PAGE_W - drawn) / 2  # centred on the page
            elif style == "right":
                x = MARGIN_LEFT + width - drawn
            elif n < len(lines) - 1 and len(line) > 1:  # justify: spread the gaps so the line ends at the margin
                pdf.set_char_spacing((room - drawn) / (len(line) - 1) / PT)
            pdf.set_xy(x, y)
            pdf.cell(room if style not in ("title", "right") else drawn, line_h, line)
            pdf.set_char_spacing(0)
            y += line_h
    return bytes(pdf.output())
