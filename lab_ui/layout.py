"""Page layout that holds at any window width: rows of columns that wrap where they would be
too narrow for what they hold."""

from __future__ import annotations

from typing import Any

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from aecore.spec import PARAMS

# Every page but home: its name in the sidebar and on the home page, and what it does.
PAGES = {
    "pages/1_Dimensionality_Reduction.py": (
        "Dimensionality reduction",
        "Train live and watch digits sort themselves in a 2-D code; compare it with PCA, t-SNE "
        "and UMAP of the same points, with scores for each map; add a neighbour loss that draws "
        "a map like t-SNE's, or pretrain the net layer by layer as stacked RBMs."),
    "pages/2_Denoising.py": (
        "Denoising",
        "Corrupt images with four kinds of noise, train a dense or convolutional denoiser and "
        "measure it against classical filters (PSNR / SSIM)."),
    "pages/3_Variational_Autoencoder.py": (
        "Variational autoencoder",
        "A code you can sample from: latent grids, random samples, interpolations, β and KL, "
        "and a conditional VAE that draws the digit you ask for."),
    "pages/4_Anomaly_Detection.py": (
        "Anomaly detection",
        "Trained on normal data only, it reconstructs anomalies badly: compare threshold rules, "
        "ROC and PR curves, and browse what gets flagged."),
    "pages/5_Runs.py": (
        "Runs",
        "Every training is kept: reopen one, compare several side by side (losses, scores, maps, "
        "hyperparameters against a score), delete. Each page's link reproduces its settings."),
}

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


def sidebar_navigation() -> None:
    """Links to every page at the top of the sidebar, named as on the home page.

    Streamlit's own list of the pages/ folder, hidden in .streamlit/config.toml, names the home
    page after its file: "app". (Declaring the pages with ``st.navigation`` instead renames it,
    but a server whose first visitor opens another page than home runs that page alone and
    still shows the folder's list, until someone opens home.)
    """
    for file, title in [("app.py", "Home"), *((f, t) for f, (t, _) in PAGES.items())]:
        try:
            st.sidebar.page_link(file, label=title)
        except StreamlitPageNotFoundError:  # a page run on its own (an AppTest): no other pages
            return
