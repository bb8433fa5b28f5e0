"""Text from users and from errors, put into Streamlit's Markdown exactly as it was written.

Streamlit renders the text of ``st.error``, ``st.warning``, captions… as Markdown with its own
additions (``$…$`` LaTeX, ``:red[…]`` colours, ``:smile:`` emoji, bare URLs as links), so a value
echoed from a link, a file name or a CSV cell could otherwise turn bold, into a formula or into
a clickable link.
"""

from __future__ import annotations

import re

import pandas as pd

MISSING = "—"  # shown for a number that is missing or does not apply
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


def numbers_as_text(frame: pd.DataFrame, formats: str | dict[str, str]) -> pd.DataFrame:
    """``frame`` with numbers written out for ``st.dataframe``: each in its format, and
    :data:`MISSING` where a value is missing (NaN or None), which Streamlit's grid shows as
    "None" (and a styled frame's number formats are not all kept by ``st.dataframe``).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    formats : str or dict of str to str
        One format spec (e.g. ``".4f"``) for every column, or one per column to write out;
        other columns are left as they are.

    Returns
    -------
    pandas.DataFrame
        A copy whose written-out columns hold text.
    """
    columns = formats if isinstance(formats, dict) else dict.fromkeys(frame.columns, formats)
    return frame.assign(**{
        str(name): frame[name].map(lambda value, fmt=fmt: MISSING if pd.isna(value)
                                   else format(value, fmt))
        for name, fmt in columns.items()})
