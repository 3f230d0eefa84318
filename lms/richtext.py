"""Safe HTML from the text people author: dialogue turns, and the allow-list every page uses.

Lessons (Markdown) and questions (plain, Markdown or HTML from Moodle) both render
through here, so a conversation looks the same in a lesson and in an exam, and
nothing raw reaches a page without nh3's allow-list.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import nh3
from flask_babel import pgettext

TURN = re.compile(r"^\s*(客户|客服|顾客|Customer|Agent)\s*[:：]\s*(.+)$")
CUSTOMER = {"客户", "顾客", "Customer"}

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "sub", "sup", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td",
    "a", "div", "span", "hr", "del", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "div": {"class", "role"},
    "span": {"class"},
    "a": {"href", "title"},
    "th": {"style"},
    "td": {"style"},
    "table": {"class"},
    "img": {"src", "alt", "width", "height"},
}


def clean(markup: str) -> str:
    """``markup`` with everything outside the allow-list removed."""
    return nh3.clean(
        markup,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def is_dialogue_line(line: str) -> bool:
    return TURN.match(line) is not None


def render_dialogue(lines: list[str], inline: Callable[[str], str]) -> str:
    """Turns of a conversation as chat bubbles; a line that is not a turn is a note.

    ``inline`` renders the text of one turn (Markdown inline, or escaping for plain text).
    """
    customer, agent = pgettext("dialogue", "Customer"), pgettext("dialogue", "Agent")
    turns = []
    for line in lines:
        if not line.strip():
            continue
        match = TURN.match(line)
        if match is None:
            turns.append(f'<div class="turn turn-note">{inline(line.strip())}</div>')
            continue
        speaker, text = match.groups()
        side = "customer" if speaker in CUSTOMER else "agent"
        label = customer if side == "customer" else agent
        turns.append(
            f'<div class="turn turn-{side}"><span class="speaker">{html.escape(label)}</span>'
            f'<span class="bubble">{inline(text)}</span></div>'
        )
    return '<div class="dialogue" role="group">' + "".join(turns) + "</div>\n"
