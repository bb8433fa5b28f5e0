"""Page layout that holds at any window width: rows of columns that wrap where they would be
too narrow for what they hold."""

from __future__ import annotations

from typing import Any

import streamlit as st

from aecore.spec import PARAMS

# Rows of columns that wrap into one a row where a column would be narrower than its content
# needs (Streamlit stacks columns only below a 640 px window; at 900 px with the sidebar open a
# page's controls column is 160 px wide): the minimum width per kind of content, in rem.
WRAP_WIDTHS = {"panels": 15, "charts": 14, "widgets": 8}
_FRACTION_BOXES = [name for name, p in PARAMS.items()
                   if p.format and not (p.slider or p.choices or p.flag)]
_ROW = ('[class*="st-key-wrap_{}_"] > [data-testid="stLayoutWrapper"] > '
        '[data-testid="stHorizontalBlock"]')
# Labels of buttons and check boxes wrap rather than end in "…". Fractional number boxes drop
# their +/- buttons, which would hide digits of a value like 0.0012345 (arrow keys step it).
_WRAPPING_CSS = "<style>" + "".join(
    f"{_ROW.format(kind)} {{flex-wrap: wrap;}} "
    f"{_ROW.format(kind)} > [data-testid='stColumn'] {{min-width: min({rem}rem, 100%);}} "
    for kind, rem in WRAP_WIDTHS.items()) + """
[class*="st-key-wrap_"] .stMarkdownEllipsis, [class*="st-key-wrap_"] .stMarkdownEllipsis p
{white-space: normal; overflow: visible;}
""" + ", ".join(f'[class*="st-key-"][class*="_{name}"] [data-testid^="stNumberInputStep"]'
                for name in _FRACTION_BOXES) + " {display: none;}</style>"


def wrapping_area(kind: str, key: str, parent: Any = st) -> Any:
    """A container whose rows of columns (``area.columns(...)``) wrap into one column a row
    where a column would be narrower than ``WRAP_WIDTHS[kind]`` rem.

    Parameters
    ----------
    kind : {"panels", "charts", "widgets"}
        What the columns hold: a page's controls and live panels, charts, or widgets.
    key : str
        Unique on the page.
    parent : Streamlit container, default=st
        Where the area goes.
    """
    area = parent.container(key=f"wrap_{kind}_{key}")
    area.html(_WRAPPING_CSS)
    return area
