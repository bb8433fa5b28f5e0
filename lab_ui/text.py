"""Text from users and from errors, put into Streamlit's Markdown exactly as it was written.

Streamlit renders the text of ``st.error``, ``st.warning``, captions… as Markdown with its own
additions (``$…$`` LaTeX, ``:red[…]`` colours, ``:smile:`` emoji, bare URLs as links), so a value
echoed from a link, a file name or a CSV cell could otherwise turn bold, into a formula or into
a clickable link.
"""

from __future__ import annotations

import re

SHOWN_CHARACTERS = 80  # of a link's value in a code span; a link can hold any length
# what starts Markdown, GFM or Streamlit syntax within a line: emphasis, code, links, HTML and
# autolinks, entities, LaTeX, colour and emoji directives, strikethrough, tables, images,
# headings
_MARKUP = re.compile(r"([\\`*_\[\]<>$:~|{}#!&])|(?<=www)(\.)", re.IGNORECASE)


def plain_text(text: str) -> str:
    """``text`` with the characters that start Markdown (GitHub's and Streamlit's additions
    included) backslash-escaped, as CommonMark allows before any ASCII punctuation, so that
    Markdown shows it as written; the dot of "www." too, which GitHub's Markdown would make a
    link. Other punctuation (",", ".", "-", "'", "()"…) is left as it is, so the text stays
    readable where it is not rendered.

    Parameters
    ----------
    text : str
        Any text, e.g. an exception's message that echoes a user's value.

    Returns
    -------
    str
        Markdown source that renders as ``text``.
    """
    return _MARKUP.sub(lambda match: "\\" + match.group(0), text)


def code_span(text: str) -> str:
    """``text`` as a Markdown code span that shows it as typed, backticks included
    (CommonMark: fence it with one more backtick than its longest run, padded by spaces),
    cut to :data:`SHOWN_CHARACTERS` characters.

    Parameters
    ----------
    text : str
        E.g. ``"seed=1`2"`` from a link.

    Returns
    -------
    str
        Markdown source of the code span.
    """
    if len(text) > SHOWN_CHARACTERS:
        text = text[:SHOWN_CHARACTERS - 1] + "…"
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if "`" in text else f"{fence}{text}{fence}"
