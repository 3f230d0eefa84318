"""Lesson Markdown to safe HTML: callouts for rules, dialogues as turns, tables.

Content is ours, but the rendered HTML is still cleaned by nh3 against an
allow-list, so nothing raw from a content file reaches the page unsanitised.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from flask_babel import gettext as _
from flask_babel import pgettext
from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

CALLOUTS = ("rule", "tip", "warning", "example")
DIALOGUE = re.compile(r"^:::[ \t]*dialogue[ \t]*\n(.*?)^:::[ \t]*$", re.S | re.M)
TURN = re.compile(r"^\s*(客户|客服|顾客|Customer|Agent)\s*[:：]\s*(.+)$")
CUSTOMER = {"客户", "顾客", "Customer"}

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "div",
    "span",
    "hr",
    "del",
}
ALLOWED_ATTRIBUTES = {
    "div": {"class", "role"},
    "span": {"class"},
    "a": {"href", "title"},
    "th": {"style"},
    "td": {"style"},
    "table": {"class"},
}


def _callout_titles() -> dict[str, str]:
    return {
        "rule": _("Standard"),
        "tip": _("Tip"),
        "warning": _("Watch out"),
        "example": _("Example"),
    }


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")

    def render_callout(name: str):
        def render(self, tokens, idx, _options, _env) -> str:
            if tokens[idx].nesting == 1:
                title = html.escape(_callout_titles()[name])
                return (
                    f'<div class="callout callout-{name}" role="note">'
                    f'<div class="callout-title">{title}</div>\n'
                )
            return "</div>\n"

        return render

    for name in CALLOUTS:
        container_plugin(md, name, render=render_callout(name))
    return md


_MD = _markdown()


def _render_dialogue(block: str) -> str:
    customer, agent = pgettext("dialogue", "Customer"), pgettext("dialogue", "Agent")
    turns = []
    for line in block.splitlines():
        if not line.strip():
            continue
        match = TURN.match(line)
        if match is None:
            turns.append(f'<div class="turn turn-note">{_MD.renderInline(line.strip())}</div>')
            continue
        speaker, text = match.groups()
        side = "customer" if speaker in CUSTOMER else "agent"
        label = customer if side == "customer" else agent
        turns.append(
            f'<div class="turn turn-{side}"><span class="speaker">{html.escape(label)}</span>'
            f'<span class="bubble">{_MD.renderInline(text)}</span></div>'
        )
    return '<div class="dialogue" role="group">' + "".join(turns) + "</div>\n"


@lru_cache(maxsize=512)
def _render(markdown_text: str, locale: str) -> str:
    parts, last = [], 0
    for match in DIALOGUE.finditer(markdown_text):
        parts.append(_MD.render(markdown_text[last : match.start()]))
        parts.append(_render_dialogue(match.group(1)))
        last = match.end()
    parts.append(_MD.render(markdown_text[last:]))
    return nh3.clean(
        "".join(parts),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_lesson(markdown_text: str, locale: str) -> str:
    """Safe HTML for a lesson body.

    ``locale`` keys the cache, since callout titles and speakers are translated.
    """
    return _render(markdown_text, locale)
