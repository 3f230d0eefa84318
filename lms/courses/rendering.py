"""Lesson Markdown to safe HTML: callouts for rules, dialogues as turns, tables.

Content is ours, but the rendered HTML is still cleaned by nh3 against an
allow-list, so nothing raw from a content file reaches the page unsanitised.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from flask_babel import gettext as _
from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

from lms.richtext import clean, render_dialogue

CALLOUTS = ("rule", "tip", "warning", "example")
DIALOGUE = re.compile(r"^:::[ \t]*dialogue[ \t]*\n(.*?)^:::[ \t]*$", re.S | re.M)


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


@lru_cache(maxsize=512)
def _render(markdown_text: str, locale: str) -> str:
    parts, last = [], 0
    for match in DIALOGUE.finditer(markdown_text):
        parts.append(_MD.render(markdown_text[last : match.start()]))
        parts.append(render_dialogue(match.group(1).splitlines(), _MD.renderInline))
        last = match.end()
    parts.append(_MD.render(markdown_text[last:]))
    return clean("".join(parts))


def render_lesson(markdown_text: str, locale: str) -> str:
    """Safe HTML for a lesson body.

    ``locale`` keys the cache, since callout titles and speakers are translated.
    """
    return _render(markdown_text, locale)
