"""A question's text as a learner sees it: plain text with conversations as dialogues,
Markdown, or Moodle's HTML, always through the shared allow-list."""

from __future__ import annotations

import html
from collections.abc import Callable

from markdown_it import MarkdownIt
from markupsafe import Markup

from lms.richtext import clean, is_dialogue_line, render_dialogue

_MD = MarkdownIt("commonmark", {"html": False}).enable("table").enable("strikethrough")


def _plain(text: str) -> str:
    """Paragraphs of plain text; runs of ``客户：`` / ``客服：`` lines become a dialogue."""
    out: list[str] = []
    run: list[str] = []
    lines = text.split("\n")

    def inline(line: str) -> str:
        return html.escape(line)

    for line in [*lines, ""]:
        if is_dialogue_line(line):
            run.append(line)
            continue
        if run:
            out.append(render_dialogue(run, inline))
            run = []
        if line.strip():
            out.append(f"<p>{inline(line)}</p>")
    return "".join(out)


def question_html(
    text: str, text_format: str, file_url: Callable[[str], str] | None = None
) -> Markup:
    """Safe HTML for a question's text (or an option, or feedback) in its format.

    ``file_url`` maps an embedded file's name to the URL that serves it, for Moodle's
    ``@@PLUGINFILE@@/name`` references.
    """
    if file_url is not None and "@@PLUGINFILE@@/" in text:
        parts = text.split("@@PLUGINFILE@@/")
        rebuilt = [parts[0]]
        for part in parts[1:]:
            end = min(
                (i for i in (part.find('"'), part.find("'"), part.find(")")) if i >= 0),
                default=len(part),
            )
            rebuilt.append(file_url(part[:end]) + part[end:])
        text = "".join(rebuilt)
    if text_format == "html":
        rendered = text
    elif text_format == "markdown":
        rendered = _MD.render(text)
    else:
        rendered = _plain(text)
    return Markup(clean(rendered))
