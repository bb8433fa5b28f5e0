"""Plotly figure builders: pure functions, data in → ``go.Figure`` out.

Latent maps draw one SVG ``Scatter`` trace per class, named by its label and coloured by
:func:`label_colour`, so the same label has the same colour in every map on every page, and the
legend lets a person hide a class (click) or show it alone (double-click), Plotly's default legend
behaviour. SVG, not WebGL (``Scattergl``): for the 1,000 points a map shows, SVG draws faster in a
browser without a GPU (one redraw of the live map in Streamlit took 0.26 CPU s in headless
Chromium, 0.35 s with WebGL, which runs there in software; see BENCHMARKS.md), and it needs no
WebGL context (Chrome keeps at most 16 per page).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import hex_to_rgb, qualitative

from aecore.spec import LOSS_TERMS, choice_label, label_name, param_label

PALETTE = qualitative.T10
GRAY_INK = [[0.0, "white"], [1.0, "black"]]
GRAY_LIGHT = [[0.0, "black"], [1.0, "white"]]  # pixels as image files show them
THUMBNAILS = 300  # digits drawn by the thumbnails view of a map (a few hundred, as in ConvNetJS)
REPLAY_FRAMES = 60  # at most this many epochs in a replay animation (its JSON grows with each)
CAPTION_MARGIN = 60  # px right of a captioned gallery, for its last caption turned aslant
# Plotly draws its toolbar over the top right of a chart while the pointer is on it (one row of
# buttons 26 px tall, 27 px wide each): every figure keeps this band at its top free of images,
# titles and legends, which the toolbar covered, and has few enough buttons that the row does
# not wrap into a second one in a narrow chart (ten buttons wrapped below 275 px)
TOOLBAR_BAND = 32
TITLE_LINE = 24  # px of top margin per line of a title, which sits under the band
# buttons no chart here needs (autoscale does what "reset axes" does; zoom in/out what a drag
# does), and for charts without selections those that select points
MAP_TOOLBAR_REMOVED = ("zoomin", "zoomout", "autoscale")
CHART_TOOLBAR_REMOVED = (*MAP_TOOLBAR_REMOVED, "select", "lasso")
# a legend's rows under the x axis's title, from the left: clear of the toolbar and of the plot
BOTTOM_LEGEND = dict(orientation="h", yref="container", y=0, yanchor="bottom", x=0,
                     xanchor="left")
TABLE_ROW_HEIGHT = 30  # px per gallery row of table rows (strips of feature cells)
HOVER_ART_SIDE = 28  # larger images are shrunk to fit this many pixels for the hover drawing
# The Unicode braille dot (U+2800 + bit) of each pixel of a 4-row × 2-column cell.
_BRAILLE_BITS = np.array([[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]])


def label_colour(label: int) -> str:
    """The colour of a class label, the same in every map, thumbnail and page.

    Parameters
    ----------
    label : int
        A class label, 0 or more.

    Returns
    -------
    str
        A hex colour of Tableau 10 (``plotly.colors.qualitative.T10``): label 0 is its first
        colour, label 9 its tenth; from label 10 on the colours repeat.
    """
    return PALETTE[int(label) % len(PALETTE)]


def hover_drawings(images: np.ndarray, image_shape: tuple[int, int]) -> list[str]:
    """Each image drawn in Unicode braille, for a map's hover label.

    Plotly's hover labels take text, not images (``<img>`` is not among the tags they render),
    and Streamlit sends no hover events a page could answer with a picture; so the digit is
    drawn in text: each character is a cell of 2 × 4 pixels, a dot where the pixel has at least
    half the image's brightest ink, cropped to the cells with ink. A 28 × 28 MNIST digit is at
    most 7 lines of 14 characters.

    Parameters
    ----------
    images : ndarray of shape (n_images, height * width)
        Flattened images, pixels in [0, 1] (1 is full ink).
    image_shape : tuple of (int, int)
        (height, width) of one image; images larger than :data:`HOVER_ART_SIDE` on a side are
        first shrunk to fit it, keeping their aspect (Pillow's ``ImageOps.contain``).

    Returns
    -------
    list of str
        One drawing per image, its lines joined by ``<br>`` (a hover label's line break).
    """
    from PIL import Image, ImageOps

    stack = np.reshape(np.asarray(images, dtype=np.float32), (-1, *image_shape))
    if max(image_shape) > HOVER_ART_SIDE:
        box = (HOVER_ART_SIDE, HOVER_ART_SIDE)
        stack = np.stack([np.asarray(ImageOps.contain(Image.fromarray(image, "F"), box))
                          for image in stack])
    n, height, width = stack.shape
    brightest = stack.reshape(n, -1).max(axis=1)[:, None, None]
    ink = (stack >= brightest / 2) & (brightest > 0)
    ink = np.pad(ink, ((0, 0), (0, -height % 4), (0, -width % 2)))
    cells = ink.reshape(n, ink.shape[1] // 4, 4, ink.shape[2] // 2, 2)
    codes = np.einsum("nrycx,yx->nrc", cells.astype(np.int64), _BRAILLE_BITS)
    return [_drawing_text(drawing) for drawing in codes]


def _drawing_text(cells: np.ndarray) -> str:
    """One drawing's braille cells (rows × columns of dot bits) as text, cropped to its ink."""
    rows, columns = np.flatnonzero(cells.any(axis=1)), np.flatnonzero(cells.any(axis=0))
    if rows.size:
        cells = cells[rows[0]:rows[-1] + 1, columns[0]:columns[-1] + 1]
    return "<br>".join("".join(chr(0x2800 + bits) for bits in line) for line in cells)


def _class_traces(points: np.ndarray, labels: np.ndarray, class_names: Sequence[str],
                  marker_size: int = 5, drawings: Sequence[str] | None = None
                  ) -> list[go.Scatter]:
    """One SVG ``Scatter`` trace per label present, in label order, each named by its label.

    Each point's ``customdata`` is its row in ``points`` (the held-out point's index), so a
    selection event names the points whatever trace they are in; hovering shows label and index,
    and the point's drawing (:func:`hover_drawings`) when ``drawings`` are given.
    """
    xy = np.asarray(points, dtype=np.float32)
    labels = np.asarray(labels)
    traces = []
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label).astype(np.int32)
        drawn = dict(text=[drawings[i] for i in rows],
                     hoverlabel=dict(font_family="DejaVu Sans Mono, monospace")) if drawings else {}
        traces.append(go.Scatter(
            x=xy[rows, 0], y=xy[rows, 1], mode="markers",
            name=label_name(int(label), class_names), customdata=rows,
            hovertemplate="label %{fullData.name}<br>point #%{customdata}"
                          + ("<br>%{text}" if drawings else "") + "<extra></extra>",
            marker=dict(size=marker_size, opacity=0.8, color=label_colour(label)), **drawn))
    return traces


def _as_drawn(points: np.ndarray) -> tuple[np.ndarray, bool]:
    """Map coordinates as float32 for drawing, and whether the map lies on a line.

    A map on a line (a 1-D code or one principal component: every y the same, as
    :func:`aecore.embed.code_map` places them for scoring) is drawn with y spread at random
    (seeded by nothing but the number of points, so every epoch of a replay spreads a point
    alike): on the line its points and thumbnails hid one another."""
    xy = np.asarray(points, dtype=np.float32)
    on_a_line = len(xy) > 1 and bool(np.ptp(xy[:, 1]) == 0)
    if on_a_line:
        xy = np.column_stack([xy[:, 0], np.random.default_rng(len(xy)).uniform(-1, 1, len(xy))
                              ]).astype(np.float32)
    return xy, on_a_line


def _top(title: str = "", title_lines: int | None = None,
         removed: Sequence[str] = CHART_TOOLBAR_REMOVED, **margin: int) -> dict[str, Any]:
    """Layout of a figure's top: the title (if any) just above the plot, under the toolbar's
    band (:data:`TOOLBAR_BAND`), a top margin that holds both (``title_lines`` lines of title
    or of subplot titles; by default one if there is a title), 10-px margins elsewhere unless
    ``margin`` says otherwise, and the toolbar without the ``removed`` buttons."""
    lines = (1 if title else 0) if title_lines is None else title_lines
    layout: dict[str, Any] = dict(
        margin=dict(l=10, r=10, b=10, t=TOOLBAR_BAND + TITLE_LINE * lines) | margin,
        modebar_remove=list(removed))
    if title:
        layout["title"] = dict(text=title, yref="paper", y=1, yanchor="bottom", pad=dict(b=8))
    return layout


def _map_layout(fig: go.Figure, title: str, height: int, ticks: bool = False,
                on_a_line: bool = False) -> go.Figure:
    """The layout every latent map shares: title, numbered axes titled "code 1" and "code 2"
    only with ``ticks`` (a map's coordinates mean nothing unless they are the codes
    themselves), a legend of labels, drawn even for one class (Plotly hides a lone trace's, and
    the pages tell people to click the legend). A map ``on_a_line`` (:func:`_as_drawn`) has its
    y axis titled as the random spread it is, never numbered."""
    fig.update_layout(**_top(title, removed=MAP_TOOLBAR_REMOVED), height=height, showlegend=True,
                      xaxis=dict(showticklabels=ticks, zeroline=False,
                                 title="code" if ticks and on_a_line else
                                 "code 1" if ticks else None),
                      yaxis=dict(showticklabels=ticks and not on_a_line, zeroline=False,
                                 title="spread at random (a 1-D map)" if on_a_line else
                                 "code 2" if ticks else None),
                      legend=dict(title_text="label", itemsizing="constant", tracegroupgap=0))
    return fig


def latent_scatter(points: np.ndarray, labels: np.ndarray, title: str = "", height: int = 380,
                   class_names: Sequence[str] = (),
                   drawings: Sequence[str] | None = None, ticks: bool = False) -> go.Figure:
    """A 2-D map of points coloured by label, with a legend of labels; hover shows label and
    point index, and the image where ``drawings`` are given.

    Parameters
    ----------
    points : ndarray of shape (n_samples, 2)
        Map coordinates.
    labels : ndarray of shape (n_samples,)
        Integer class labels, 0 or more; each is drawn in :func:`label_colour`.
    title : str, default=""
        Figure title.
    height : int, default=380
        Figure height in pixels.
    class_names : sequence of str, default=()
        The name of each label, indexed by label, for the legend and hover; labels without one
        are shown as their number.
    drawings : sequence of str or None, default=None
        Each point's image as text (:func:`hover_drawings`), shown in its hover label; about
        0.3 kB of JSON a point, so the live maps redrawn every second leave them out.
    ticks : bool, default=False
        Number the axes and title them "code 1" and "code 2": for a map whose coordinates are
        the codes themselves (a 2-D VAE's, where the prior's N(0, I) is the scale to read them
        against).

    Returns
    -------
    plotly.graph_objects.Figure
        One SVG ``Scatter`` trace per label present, in label order, named by the label; each
        point's ``customdata`` is its row in ``points``. Coordinates are float32 (half the bytes
        of float64 in the figure's JSON, and finer than a screen can show).
    """
    xy, on_a_line = _as_drawn(points)
    return _map_layout(go.Figure(_class_traces(xy, labels, class_names, drawings=drawings)),
                       title, height, ticks, on_a_line)


def _padded_range(values: np.ndarray, pad: float) -> list[float]:
    """[min, max] of ``values`` widened by ``pad`` times their spread on each side (a spread of
    0 counts as 1, so a single point still gets an axis)."""
    low, high = float(np.min(values)), float(np.max(values))
    margin = ((high - low) or 1.0) * pad
    return [low - margin, high + margin]


def replay_epochs(epochs_done: int, max_frames: int = REPLAY_FRAMES) -> list[int]:
    """The epochs a replay animation shows: all of them, or ``max_frames`` evenly spaced ones.

    Parameters
    ----------
    epochs_done : int
        Epochs trained, 1 or more.
    max_frames : int, default=REPLAY_FRAMES
        Most epochs to show (at least 2).

    Returns
    -------
    list of int
        Increasing 1-based epochs, the first and the last always among them.
    """
    return sorted({int(e) for e in np.linspace(1, epochs_done, min(epochs_done, max_frames))
                   .round()})


def latent_replay(frames: dict[int, np.ndarray], labels: np.ndarray, title: str = "Latent space",
                  height: int = 420, class_names: Sequence[str] = (),
                  frame_ms: int = 250) -> go.Figure:
    """The map of each epoch as a Plotly animation: Play and Pause buttons, and a slider over the
    epochs; it opens on the last epoch.

    Parameters
    ----------
    frames : dict of int to ndarray of shape (n_samples, 2)
        Epoch → the map of the same points after that epoch, in increasing epochs (e.g. those
        of :func:`replay_epochs`).
    labels : ndarray of shape (n_samples,)
        Integer class labels of the points, as for :func:`latent_scatter`.
    title : str, default="Latent space"
        Figure title; the slider shows the epoch.
    height : int, default=420
        Figure height in pixels, the slider and buttons included.
    class_names : sequence of str, default=()
        As for :func:`latent_scatter`.
    frame_ms : int, default=250
        How long Play shows each epoch, in milliseconds.

    Returns
    -------
    plotly.graph_objects.Figure
        :func:`latent_scatter` of the last epoch, with one ``go.Frame`` per epoch (named by the
        epoch; the class traces' coordinates and the axis ranges of that epoch, so early,
        small maps fill the plot too), a slider with a step per frame and Play/Pause buttons.
        Play runs from the first epoch; the legend's hidden classes stay hidden.

    Raises
    ------
    ValueError
        If ``frames`` is empty.
    """
    if not frames:
        raise ValueError("A replay needs the map of at least one epoch.")
    labels = np.asarray(labels)
    rows = [np.flatnonzero(labels == label) for label in np.unique(labels)]
    epochs = list(frames)
    fig = latent_scatter(frames[epochs[-1]], labels, title, height, class_names)  # spreads a
    last = _as_drawn(frames[epochs[-1]])[0]  # line's points and titles its y axis so
    def axes(xy: np.ndarray) -> dict:
        return dict(xaxis=dict(range=_padded_range(xy[:, 0], 0.05)),
                    yaxis=dict(range=_padded_range(xy[:, 1], 0.05)))

    # frames as plain dicts: Plotly validates them about 4 times faster than go.Frame objects
    # holding go.Scatter traces (0.3 s against 1.2 s for 60 frames of 1,000 points here)
    fig.frames = [dict(name=str(epoch), traces=list(range(len(rows))), layout=axes(xy),
                       data=[dict(type="scatter", x=xy[r, 0], y=xy[r, 1]) for r in rows])
                  for epoch, xy in ((e, _as_drawn(p)[0]) for e, p in frames.items())]
    still = dict(mode="immediate", frame=dict(duration=0, redraw=False),
                 transition=dict(duration=0))
    play = dict(frame=dict(duration=frame_ms, redraw=False), transition=dict(duration=0),
                fromcurrent=False, mode="immediate")
    fig.update_layout(  # under the plot: the buttons, then the slider (offsets in pixels)
        **axes(last),
        updatemenus=[dict(type="buttons", direction="left", showactive=False, x=0, y=0,
                          xanchor="left", yanchor="top", pad=dict(t=8), font=dict(size=11),
                          buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                                   dict(label="❚❚ Pause", method="animate",
                                        args=[[None], still])])],
        sliders=[dict(active=len(epochs) - 1, x=0, len=1, y=0, yanchor="top", pad=dict(t=45),
                      currentvalue=dict(prefix="epoch ", font=dict(size=12)),
                      steps=[dict(label=str(e), method="animate", args=[[str(e)], still])
                             for e in epochs])])
    return fig


def thumbnail_sources(images: np.ndarray, labels: np.ndarray,
                      image_shape: tuple[int, int]) -> list[str]:
    """Small PNG images of the digits, for :func:`latent_thumbnails`: ink in the label's colour
    on a transparent background.

    Parameters
    ----------
    images : ndarray of shape (n_images, height * width)
        Flattened images, pixels in [0, 1] (1 is full ink).
    labels : ndarray of shape (n_images,)
        Their integer class labels (the ink's colour, :func:`label_colour`).
    image_shape : tuple of (int, int)
        (height, width) of one image.

    Returns
    -------
    list of str
        One ``data:image/png;base64,…`` URI per image, written by Pillow: a palette image of
        16 entries, all the label's colour, whose opacities step from 0 to 1, each pixel the
        entry nearest its value (about 0.4 kB of text for a 28×28 MNIST digit; RGBA with 256
        opacities takes 0.6 kB, which shows nothing more at thumbnail size).
    """
    from PIL import Image

    levels = 16
    opacities = bytes(round(255 * i / (levels - 1)) for i in range(levels))
    sources = []
    for image, label in zip(images, labels, strict=True):
        ink = np.clip(np.reshape(image, image_shape), 0, 1) * (levels - 1)
        thumbnail = Image.fromarray(ink.round().astype(np.uint8), "P")
        thumbnail.putpalette(list(hex_to_rgb(label_colour(label))) * levels)
        buffer = io.BytesIO()
        thumbnail.save(buffer, "PNG", transparency=opacities)
        sources.append("data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode())
    return sources


def latent_thumbnails(points: np.ndarray, labels: np.ndarray, sources: Sequence[str],
                      title: str = "", height: int = 380, class_names: Sequence[str] = (),
                      size: float = 0.06) -> go.Figure:
    """The map drawn with the images themselves: each of the first ``len(sources)`` points as its
    digit at its code, like the t-SNE and autoencoder maps of the ConvNetJS demos.

    Parameters
    ----------
    points : ndarray of shape (n_samples, 2)
        Map coordinates; only the first ``len(sources)`` rows are drawn.
    labels : ndarray of shape (n_samples,)
        Integer class labels, as for :func:`latent_scatter`.
    sources : sequence of str
        Image URIs of the first points, from :func:`thumbnail_sources` (made once: only the
        positions change from one epoch to the next).
    title : str, default=""
        Figure title.
    height : int, default=380
        Figure height in pixels.
    class_names : sequence of str, default=()
        As for :func:`latent_scatter`.
    size : float, default=0.06
        Width and height of one image, as a fraction of the map's extent on each axis.

    Returns
    -------
    plotly.graph_objects.Figure
        The images as layout images above the plot, centred on their points, with the axes
        widened by half an image; under them :func:`latent_scatter`'s traces of the same points
        with small markers, which carry the hover (label, point index) and selection, and a
        legend that only keys the colours (clicking it would hide the markers, not the images,
        so it does nothing).
    """
    n = len(sources)
    xy, on_a_line = _as_drawn(points[:n])
    fig = _map_layout(go.Figure(_class_traces(xy, np.asarray(labels)[:n], class_names,
                                              marker_size=3)), title, height,
                      on_a_line=on_a_line)
    x_range, y_range = _padded_range(xy[:, 0], size / 2), _padded_range(xy[:, 1], size / 2)
    width = round((x_range[1] - x_range[0]) * size, 4)
    tall = round((y_range[1] - y_range[0]) * size, 4)
    fig.update_layout(
        xaxis_range=x_range, yaxis_range=y_range,
        legend=dict(itemclick=False, itemdoubleclick=False),
        images=[dict(source=source, xref="x", yref="y", x=round(float(x), 4),
                     y=round(float(y), 4), sizex=width, sizey=tall, xanchor="center",
                     yanchor="middle")  # drawn above the traces: Plotly's default layer
                for source, (x, y) in zip(sources, xy, strict=True)])
    return fig


def with_clickable_space(fig: go.Figure, points: np.ndarray, n: int = 40,
                         pad: float = 0.1) -> go.Figure:
    """Add an invisible n×n grid of points over the map, so that empty space can be clicked.

    Plotly selects points, not places: with the grid, a click on empty space selects the
    nearest grid point, i.e. a code, and hovering shows that code.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The map, e.g. from :func:`latent_scatter`; modified in place.
    points : ndarray of shape (n_samples, 2)
        The map's coordinates; the grid spans their extent.
    n : int, default=40
        Grid points per axis.
    pad : float, default=0.1
        How far the grid reaches beyond each side, as a fraction of the extent on that axis.

    Returns
    -------
    plotly.graph_objects.Figure
        ``fig``, with the grid added as a trace named ``"place"``.
    """
    low, high = points.min(axis=0), points.max(axis=0)
    margin = (high - low) * pad
    xs, ys = (np.linspace(lo - m, hi + m, n) for lo, hi, m in zip(low, high, margin, strict=True))
    gx, gy = np.meshgrid(xs, ys)
    fig.add_trace(go.Scattergl(x=gx.ravel(), y=gy.ravel(), mode="markers", name="place",
                               marker=dict(size=6, opacity=0), showlegend=False,
                               hovertemplate="code (%{x:.2f}, %{y:.2f})<extra></extra>"))
    return fig


def epoch_tick_step(span: int, max_ticks: int = 10) -> int:
    """The distance between epoch ticks: 1, 2 or 5 times a power of ten, the smallest that
    leaves at most ``max_ticks`` ticks over ``span`` epochs, so every tick is a whole epoch.

    Parameters
    ----------
    span : int
        Epochs on the axis.
    max_ticks : int, default=10
        Most ticks wanted.

    Returns
    -------
    int
        The step, 1 or more.
    """
    step, factors = 1, (2, 2.5, 2)  # 1 → 2 → 5 → 10 → 20 …
    i = 0
    while span / step > max_ticks:
        step = int(step * factors[i % 3])
        i += 1
    return step


def log_ticks(values: np.ndarray) -> dict[str, Any]:
    """Tick settings of a logarithmic axis over ``values`` that label every tick with its whole
    number ("0.05", not Plotly's bare "5" beside the decade's "0.1"), and few enough to read:
    Plotly's own choice within half a decade, 1-2-5 up to three decades, decades beyond."""
    positive = values[np.isfinite(values) & (values > 0)]
    decades = np.log10(positive.max() / positive.min()) if len(positive) else 0.0
    ticks = {} if decades < 0.5 else {"dtick": "D2"} if decades <= 3 else {"dtick": 1}
    return {"tickformat": "~g", **ticks}


def _plotted_y(fig: go.Figure) -> np.ndarray:
    """Every y value of ``fig``'s traces, as one float array."""
    return np.concatenate([np.asarray(trace.y, dtype=float) for trace in fig.data] or [[]])


def _loss_layout(fig: go.Figure, span: int, height: int, log_y: bool) -> go.Figure:
    """The layout the loss charts share: whole-epoch ticks over ``span`` epochs, the legend's
    rows under the plot (:data:`BOTTOM_LEGEND`: above it, two rows of a narrow chart's legend
    reached under the toolbar), a linear or logarithmic loss axis (:func:`log_ticks`)."""
    fig.update_layout(**_top(), height=height,
                      xaxis=dict(title="epoch", range=[0.5, span + 0.5], tickmode="linear",
                                 tick0=0, dtick=epoch_tick_step(span)),
                      yaxis=dict(title="loss (log scale)" if log_y else "loss",
                                 type="log" if log_y else "linear",
                                 **(log_ticks(_plotted_y(fig)) if log_y else {})),
                      legend=BOTTOM_LEGEND)
    return fig


def loss_curves(history: dict[str, list[float]], total_epochs: int | None = None,
                height: int = 300, log_y: bool = False) -> go.Figure:
    """Loss per epoch, one line per history entry: 'val_kl' is drawn as 'validation kl'.

    Parameters
    ----------
    history : dict of str to list of float
        Per-epoch losses by name, like Keras' ``History.history``; names without the ``val_``
        prefix are drawn as "train <name>".
    total_epochs : int or None, default=None
        If given, the x axis spans all epochs of the fit, so it stays put while training runs;
        otherwise it spans the epochs in ``history``.
    height : int, default=300
        Figure height in pixels.
    log_y : bool, default=False
        Draw the loss on a logarithmic axis (losses that are 0 or less are then not drawn).

    Returns
    -------
    plotly.graph_objects.Figure
        One line per entry against the epoch, counted from 1, with ticks on whole epochs
        (:func:`epoch_tick_step`); each loss term has one colour, solid for training and dashed
        for validation, the total ``loss`` first.
    """
    terms = sorted(dict.fromkeys(key.removeprefix("val_") for key in history),
                   key=lambda term: term != "loss")  # the total first, then as in history
    span = total_epochs or max((len(v) for v in history.values()), default=1)
    fig = go.Figure([
        go.Scatter(x=np.arange(1, len(history[key]) + 1), y=history[key], mode="lines+markers",
                   name=f"{split} {LOSS_TERMS.get(term, term)}",
                   line=dict(color=PALETTE[i % len(PALETTE)], dash=dash))
        for i, term in enumerate(terms)
        for key, split, dash in ((term, "train", "solid"), (f"val_{term}", "validation", "dash"))
        if key in history
    ])
    return _loss_layout(fig, span, height, log_y)


def mosaic(rows: list[np.ndarray], image_shape: tuple[int, int], pad: int = 1) -> np.ndarray:
    """Tile rows of flattened images into one 2-D array, with ``pad`` NaN pixels between tiles.

    Parameters
    ----------
    rows : list of ndarray of shape (n_images, height * width)
        One array of flattened images per row of the mosaic; rows may differ in length.
    image_shape : tuple of (int, int)
        (height, width) of one image.
    pad : int, default=1
        Gap between tiles, in pixels.

    Returns
    -------
    ndarray of shape (n_rows * (height + pad) - pad, n_cols * (width + pad) - pad)
        float64 pixels; NaN in the gaps and where a row is shorter than the longest one
        (``n_cols`` images).
    """
    h, w = image_shape
    n_cols = max(len(r) for r in rows)
    out = np.full((len(rows) * (h + pad) - pad, n_cols * (w + pad) - pad), np.nan)
    for i, row in enumerate(rows):
        for j, image in enumerate(row):
            out[i * (h + pad):i * (h + pad) + h, j * (w + pad):j * (w + pad) + w] = \
                np.reshape(image, image_shape)
    return out


def image_rows(rows: list[np.ndarray], image_shape: tuple[int, int], row_names: list[str],
               captions: list[str] | None = None, height_per_row: int = 90,
               ink: bool = True) -> go.Figure:
    """A gallery: each row a set of images (e.g. originals above reconstructions).

    Parameters
    ----------
    rows : list of ndarray of shape (n_images, height * width)
        Flattened images per row, pixels in [0, 1] (drawn white at 0, black at 1, or the other
        way round where ``ink`` is False).
    image_shape : tuple of (int, int)
        (height, width) of one image.
    row_names : list of str
        One label per row, shown on the y axis.
    captions : list of str or None, default=None
        One caption per column (as many as ``rows[0]`` has images), shown on the x axis.
    height_per_row : int, default=90
        Figure height per row, in pixels; at most :data:`TABLE_ROW_HEIGHT` for table rows
        (``image_shape`` (1, n_features)), whose cells are then drawn as wide as the figure
        allows rather than square.
    ink : bool, default=True
        Draw 1 as black ink on white, as digits are shown; False draws 1 white, as an image
        file shows it (:attr:`aecore.data.Dataset.drawn_as_ink`).

    Returns
    -------
    plotly.graph_objects.Figure
        A grey-scale heatmap of :func:`mosaic` (1-pixel gaps) with the axes labelled.
    """
    h, w = image_shape
    strips = h == 1  # table rows: cells need not be square, and a square cell left blank bands
    height_per_row = min(height_per_row, TABLE_ROW_HEIGHT) if strips else height_per_row
    grid = mosaic(rows, image_shape)
    fig = go.Figure(go.Heatmap(z=grid, colorscale=GRAY_INK if ink else GRAY_LIGHT, zmin=0,
                               zmax=1, showscale=False, hovertemplate="%{z:.2f}<extra></extra>"))
    # In a window narrower than the height allows, square pixels shrink the rows: "domain" keeps
    # the captions under the images (the spare height goes below them, not between).
    fig.update_yaxes(autorange="reversed", scaleanchor=None if strips else "x",
                     constrain="domain", constraintoward="top", showgrid=False, zeroline=False,
                     tickvals=[i * (h + 1) + h / 2 for i in range(len(rows))], ticktext=row_names)
    # captions turned aslant in a narrow window reach right of the last image; Plotly's default
    # hides a label past the figure's edge, so the right margin leaves them room
    fig.update_xaxes(showgrid=False, zeroline=False, showticklabels=captions is not None,
                     tickvals=[j * (w + 1) + w / 2 for j in range(len(rows[0]))],
                     ticktext=captions, ticklabeloverflow="allow")
    fig.update_layout(**_top(r=10 if captions is None else CAPTION_MARGIN),
                      height=height_per_row * len(rows) + 30 + TOOLBAR_BAND, plot_bgcolor="white")
    return fig


def _label_decimals(values: np.ndarray) -> int:
    """Decimals that tell ``values`` apart: 1 for a spread of 1 or more, one more per tenth, ≤ 3."""
    spread = float(np.nanmax(values) - np.nanmin(values))
    if spread <= 0:
        return 1
    return int(np.clip(math.ceil(-math.log10(spread)) + 1, 1, 3))


def matrix_heatmap(table, title: str, unit: str = "dB") -> go.Figure:
    """A labelled heatmap of a DataFrame (e.g. PSNR by train level × test level).

    Parameters
    ----------
    table : pandas.DataFrame
        Numeric values with a numeric index and columns; their names become the axis titles.
    title : str
        Figure title.
    unit : str, default="dB"
        Unit of the values, shown on the colour bar and on hover.

    Returns
    -------
    plotly.graph_objects.Figure
        A Viridis heatmap, each cell labelled with its value to one decimal, or as many more
        (up to three) as it takes to tell apart cells whose values are that close, one equal
        cell per row and column, ticked with its index or column value.
    """
    values = table.to_numpy(dtype=float)
    fig = go.Figure(go.Heatmap(
        z=values, x=[f"{c:g}" for c in table.columns],
        y=[f"{i:g}" for i in table.index], colorscale="Viridis",
        text=values.round(_label_decimals(values)), texttemplate="%{text}",
        hovertemplate=f"{table.index.name} %{{y}}<br>{table.columns.name} %{{x}}<br>"
                      f"%{{z:.2f}} {unit}<extra></extra>",
        colorbar=dict(title=unit)))
    fig.update_layout(**_top(title), height=350,
                      xaxis_title=table.columns.name, yaxis_title=table.index.name)
    # category axes: Plotly reads "0.1" as a number and would draw cells of unequal width
    # between ticks of its own choosing; each level is one equal, labelled cell
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig


def bar(values: np.ndarray, title: str, x_title: str, y_floor: float = 0.0) -> go.Figure:
    """One bar per entry, e.g. KL per code dimension, each labelled with its value.

    Parameters
    ----------
    values : ndarray of shape (n_values,)
        Bar heights, drawn at x = 1, 2, …, n_values (code dimensions are numbered from 1,
        as the exports' columns ``code 1``, ``code 2``…).
    title : str
        Figure title, with the values' unit (e.g. nats).
    x_title : str
        Title of the x axis.
    y_floor : float, default=0.0
        The y axis reaches at least this high, so that values far below it look small (KL of
        0.005 nats drawn as tall bars would hide that the dimensions are unused).

    Returns
    -------
    plotly.graph_objects.Figure
        A bar chart from 0 to the larger of ``y_floor`` and the tallest bar (+ 10 %).
    """
    values = np.asarray(values, dtype=float)
    top = max(y_floor, float(values.max(initial=0.0)) * 1.1)
    fig = go.Figure(go.Bar(x=list(range(1, len(values) + 1)), y=values,
                           texttemplate="%{y:.3g}", textposition="outside", cliponaxis=False))
    fig.update_layout(**_top(title), height=310,
                      xaxis=dict(title=x_title, tickmode="linear", dtick=1),
                      yaxis=dict(range=[0, top] if top > 0 else None))
    return fig


def error_histograms(normal: np.ndarray, anomalous: np.ndarray, threshold: float | None = None,
                     rules: dict[str, float] | None = None, title: str = "",
                     x_title: str = "reconstruction error") -> go.Figure:
    """Overlaid histograms of anomaly scores, normal vs anomalous, with threshold lines.

    Both histograms share 60 bins from 0 (or the lowest score, if negative) to the highest
    score, and show the share of their points in each bin.

    Parameters
    ----------
    normal : ndarray of shape (n_normal,)
        Anomaly scores (e.g. reconstruction errors) of the normal points.
    anomalous : ndarray of shape (n_anomalous,)
        Anomaly scores of the anomalous points.
    threshold : float or None, default=None
        If given, drawn as a solid black line.
    rules : dict of str to float or None, default=None
        Other candidate thresholds by name, drawn as dotted lines.
    title : str, default=""
        Figure title.
    x_title : str, default="reconstruction error"
        Title of the score axis.

    Returns
    -------
    plotly.graph_objects.Figure
        The two histograms overlaid; each threshold a vertical line named in the legend (rows
        at the bottom, under the x axis' title) rather than labelled on the plot, where the
        names of thresholds close together would overlap. The lines span the plot's height on
        a hidden second y axis (0 to 1), and a legend click hides a line.
    """
    low = min(0.0, float(normal.min()), float(anomalous.min()))
    high = float(max(normal.max(), anomalous.max()))
    bins = dict(start=low, end=high + (high - low) * 0.001, size=(high - low) / 60 or 1.0)
    fig = go.Figure([
        go.Histogram(x=normal, name="normal", xbins=bins, opacity=0.6,
                     marker_color=PALETTE[0], histnorm="probability"),
        go.Histogram(x=anomalous, name="anomalous", xbins=bins, opacity=0.6,
                     marker_color=PALETTE[1], histnorm="probability"),
    ])
    lines = [(name, value, dict(dash="dot", color=PALETTE[(i + 2) % len(PALETTE)], width=2))
             for i, (name, value) in enumerate((rules or {}).items())]
    if threshold is not None:
        lines.append(("threshold", threshold, dict(color="black", width=2)))
    for name, value, line in lines:
        fig.add_trace(go.Scatter(x=[value, value], y=[0, 1], yaxis="y2", mode="lines",
                                 name=name, line=line,
                                 hovertemplate="%{fullData.name}: %{x:.5f}<extra></extra>"))
    fig.update_layout(  # the legend's rows at the bottom, under the x axis' title
        **_top(title), barmode="overlay", height=390,
        xaxis_title=x_title, yaxis_title="share of points",
        yaxis2=dict(overlaying="y", range=[0, 1], visible=False), legend=BOTTOM_LEGEND)
    return fig


def roc_and_pr(fpr, tpr, roc_auc, precision, recall, pr_auc, point: dict[str, float]) -> go.Figure:
    """ROC and precision–recall curves side by side, the current operating point marked.

    Parameters
    ----------
    fpr, tpr : array-like of shape (n_thresholds,)
        False- and true-positive rates, as :func:`sklearn.metrics.roc_curve` returns.
    roc_auc : float
        Area under the ROC curve, shown in the title.
    precision, recall : array-like of shape (n_points,)
        As :func:`sklearn.metrics.precision_recall_curve` returns.
    pr_auc : float
        Area under the precision–recall curve, shown in the title.
    point : dict of str to float
        The operating point, with keys ``"false-positive rate"``, ``"recall"`` and
        ``"precision"`` (as :func:`aecore.anomaly.operating_point` returns).

    Returns
    -------
    plotly.graph_objects.Figure
        Two subplots, the ROC with the chance diagonal, each with the point marked by an ×;
        the legend in a row under them.
    """
    from plotly.subplots import make_subplots

    fig = make_subplots(1, 2, horizontal_spacing=0.14,
                        subplot_titles=(f"ROC (AUC {roc_auc:.3f})", f"PR (AUC {pr_auc:.3f})"))
    fig.add_trace(go.Scatter(x=fpr, y=tpr, name="ROC", mode="lines"), 1, 1)
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance",
                             line=dict(dash="dot", color="gray")), 1, 1)
    fig.add_trace(go.Scatter(x=recall, y=precision, name="PR", mode="lines"), 1, 2)
    marker = dict(size=12, color="black", symbol="x")  # drawn whole at the axes' ends too
    fig.add_trace(go.Scatter(x=[point["false-positive rate"]], y=[point["recall"]],
                             mode="markers", marker=marker, name="threshold",
                             cliponaxis=False), 1, 1)
    fig.add_trace(go.Scatter(x=[point["recall"]], y=[point["precision"]], mode="markers",
                             marker=marker, showlegend=False, cliponaxis=False), 1, 2)
    fig.update_xaxes(title_text="false-positive rate", range=[0, 1], row=1, col=1)
    fig.update_yaxes(title_text="true-positive rate", range=[0, 1.02], row=1, col=1)
    fig.update_xaxes(title_text="recall", range=[0, 1], row=1, col=2)
    fig.update_yaxes(title_text="precision", range=[0, 1.02], row=1, col=2)
    fig.update_layout(**_top(title_lines=1), height=400, legend=BOTTOM_LEGEND)
    return fig


def confusion(counts: np.ndarray) -> go.Figure:
    """A 2×2 confusion matrix: rows true normal/anomalous, columns predicted normal/anomalous.

    Parameters
    ----------
    counts : ndarray of shape (2, 2)
        Counts ``[[TN, FP], [FN, TP]]``, as :func:`aecore.anomaly.confusion_counts` returns.

    Returns
    -------
    plotly.graph_objects.Figure
        A heatmap with each cell labelled by its count.
    """
    names = ["normal", "anomalous"]
    # "predicted" and "true" as axis titles, not in each cell's name: in a 265-px column the
    # names "predicted normal" and "predicted anomalous" turned aslant, ran into each other and
    # left the cells 70 px wide
    fig = go.Figure(go.Heatmap(z=counts, x=names, y=names, text=counts, texttemplate="%{text}",
                               colorscale="Blues", showscale=False,
                               hovertemplate="true %{y}, predicted %{x}: %{z}<extra></extra>"))
    fig.update_xaxes(title="predicted")
    fig.update_yaxes(title="true", autorange="reversed")
    fig.update_layout(**_top(), height=280)
    return fig


def accuracy_by_labels(table, samples: str = "images") -> go.Figure:
    """Accuracy (0–1) against the number of labelled points, one line per representation.

    Parameters
    ----------
    table : pandas.DataFrame
        Held-out accuracies in [0, 1], indexed by the number of labelled training samples, one
        column per representation.
    samples : str, default="images"
        What the samples are, plural, for the x axis's title ("rows" for a table).

    Returns
    -------
    plotly.graph_objects.Figure
        One line per column, the x axis logarithmic.
    """
    fig = go.Figure([go.Scatter(x=table.index.tolist(), y=table[name].tolist(), name=name,
                                mode="lines+markers")
                     for name in table.columns])
    fig.update_layout(**_top(), height=340,
                      xaxis=dict(title=f"labelled training {samples}", type="log",
                                 tickvals=table.index.tolist(), minor=dict(showgrid=False)),
                      yaxis=dict(title="held-out accuracy", range=[0, 1]),
                      legend=BOTTOM_LEGEND)
    return fig


RUN_CURVE_NAMES = {"loss": "train", "val_loss": "validation",
                   "val_reconstruction": "validation reconstruction"}


def runs_loss_curves(histories: dict[str, pd.DataFrame], height: int = 320,
                     log_y: bool = False) -> go.Figure:
    """Several runs' losses on one chart: one colour per run, solid for training and dashed
    for validation.

    Parameters
    ----------
    histories : dict of str to pandas.DataFrame
        Run name → its per-epoch history (index: epoch from 1; loss columns such as ``loss``
        and ``val_loss``; other columns, e.g. ``elapsed_s``, are ignored).
    height : int, default=320
        Figure height in pixels.
    log_y : bool, default=False
        Draw the loss on a logarithmic axis.

    Returns
    -------
    plotly.graph_objects.Figure
        Lines, with markers (a one-epoch run is one point), of ``loss`` and of ``val_loss``, or
        ``val_reconstruction`` where a model validates on its reconstruction alone, against the
        epoch, with ticks on whole epochs as in :func:`loss_curves`.
    """
    fig = go.Figure()
    for i, (name, history) in enumerate(histories.items()):
        colour = PALETTE[i % len(PALETTE)]
        # a model with more loss terms validates on its reconstruction alone (val_reconstruction)
        validation = next((c for c in ("val_loss", "val_reconstruction") if c in history), None)
        for column, dash in (("loss", "solid"), (validation, "dash")):
            if column in history:
                fig.add_scatter(x=history.index, y=history[column], mode="lines+markers",
                                name=f"{name} · {RUN_CURVE_NAMES[column]}",
                                line=dict(color=colour, dash=dash), marker=dict(size=5))
    span = max((len(history) for history in histories.values()), default=1)
    return _loss_layout(fig, span, height, log_y)


PARCOORDS_TICKED = 12  # an axis with at most this many values ticks each of them


def parallel_coordinates(table: pd.DataFrame, score: str) -> go.Figure:
    """Hyperparameters of runs against a score (Plotly ``parcoords``), one line per run.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per run: hyperparameter columns (numbers, or text drawn as categories) and
        the ``score`` column, which colours the lines.
    score : str
        The score's column; it is the last axis.

    Returns
    -------
    plotly.graph_objects.Figure
        A parcoords trace with an axis per column that every run with the score has (runs of
        another page lack some) and that varies between them, and the score; a run without
        the score has no line. Hyperparameter axes carry their widgets' labels
        (:func:`aecore.spec.param_label`).

    Raises
    ------
    KeyError
        If ``score`` is not a column of ``table``.
    ValueError
        If fewer than two runs have the score, or no hyperparameter varies between them: a
        sentence saying so (one line, or lines on one axis, compare nothing).
    """
    scored = table[table[score].notna()]
    if len(scored) < 2:
        have = (f"only run {scored.index[0]} has" if len(scored) else "none of these runs has")
        raise ValueError(f"To draw hyperparameters against {score}, two runs need it; {have} "
                         "it. Pick another score.")
    values = scored[score].astype(float)
    # an axis a run lacks would hide its line; one value in all says nothing
    varying = [c for c in scored.columns if c != score and scored[c].notna().all()
               and scored[c].astype(str).nunique() > 1]
    if not varying:
        raise ValueError(f"Runs {', '.join(map(str, scored.index))} have the same "
                         "hyperparameters and settings: there is nothing to draw against "
                         f"{score}; their scores are in the table above.")
    dimensions = []
    for column in [*varying, score]:
        series = scored[column]
        label = param_label(column)  # as the widgets say
        if pd.api.types.is_bool_dtype(series):  # a switch: off and on, no 0.2 … 0.8 ticks
            dimensions.append(dict(label=label, values=series.astype(float), tickvals=[0, 1],
                                   ticktext=["off", "on"]))
        elif pd.api.types.is_numeric_dtype(series) and series.nunique() <= PARCOORDS_TICKED:
            # each value its own tick, to 4 significant digits as the tables show scores
            # (Plotly's own ticks read "0.5" between whole numbers, and "0.01" twice on a
            # learning rate's axis; "0.493208" was longer than the table's 0.4932)
            ticks = sorted(float(v) for v in series.unique())
            dimensions.append(dict(label=label, values=series.astype(float), tickvals=ticks,
                                   ticktext=[f"{t:.4g}" for t in ticks]))
        elif pd.api.types.is_numeric_dtype(series):
            dimensions.append(dict(label=label, values=series.astype(float)))
        else:
            text = series.astype(str)
            names = sorted(text.unique())
            dimensions.append(dict(label=label, values=[names.index(v) for v in text],
                                   tickvals=list(range(len(names))),
                                   ticktext=[choice_label(column, n) for n in names]))
    # axis titles slanted: level, the titles of six axes at 900 px ran into one another
    fig = go.Figure(go.Parcoords(dimensions=dimensions, labelangle=-20, line=dict(
        color=values, colorscale="Viridis", showscale=True, colorbar=dict(title=score))))
    fig.update_layout(height=400, margin=dict(l=60, r=60, t=70, b=20))
    return fig


def sweep_curve(table: pd.DataFrame, param: str) -> go.Figure:
    """Held-out reconstruction error against a swept hyperparameter, autoencoder beside PCA.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per swept value, as :meth:`aecore.sweep.Sweep.table` gives it: the numeric
        column ``param``, ``"reconstruction MSE"`` and ``"PCA reconstruction MSE"`` (per
        feature, squared feature units) and, optionally, ``"5-NN accuracy"`` and ``"PCA 5-NN
        accuracy"`` (in [0, 1]); NaN where a value has no score. With a ``"state"`` column,
        the autoencoder's points of "stopped" rows (fewer epochs than asked) are drawn open.
    param : str
        The swept hyperparameter, a column of ``table`` (the x axis).

    Returns
    -------
    plotly.graph_objects.Figure
        Lines with markers in the order of the values, gaps bridged: the two reconstruction
        errors and, in a second panel when any 5-NN accuracy is known, the two accuracies. The
        x axis has a tick at each value, and is logarithmic when every value is positive and
        the largest is at least 8 times the smallest.

    Raises
    ------
    KeyError
        If ``param`` or a reconstruction column is missing.
    """
    from plotly.subplots import make_subplots

    rows = table.sort_values(param)
    x = rows[param].to_numpy(dtype=float)
    ordered = param != "seed"  # seeds have no order: markers only, no trend line between them
    mode = "lines+markers" if ordered else "markers"
    panels = {"reconstruction MSE": "Held-out reconstruction MSE"}
    if "5-NN accuracy" in rows and rows["5-NN accuracy"].notna().any():  # titles on two lines:
        panels = {"reconstruction MSE": "Held-out<br>reconstruction MSE",  # side by side at
                  "5-NN accuracy": "5-NN accuracy<br>of the held-out map"}  # 900 px they overlapped
    # spaced so that the right panel's axis title clears the left's last point at 480 px
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=list(panels.values()),
                        horizontal_spacing=0.16)
    stopped = rows["state"].eq("stopped").to_numpy() if "state" in rows else np.zeros(len(x), bool)
    ae_symbols = np.where(stopped, "circle-open", "circle")
    for col, score in enumerate(panels, start=1):
        for method, column, colour, symbols in (
                ("Autoencoder", score, PALETTE[0], ae_symbols),
                ("PCA", f"PCA {score}", PALETTE[1], "circle")):
            fig.add_trace(go.Scatter(x=x, y=rows[column], mode=mode, name=method,
                                     legendgroup=method, showlegend=col == 1, connectgaps=True,
                                     line=dict(color=colour),
                                     marker=dict(symbol=symbols, size=9)), row=1, col=col)
    logarithmic = ordered and len(x) > 0 and x.min() > 0 and x.max() >= 8 * x.min()
    fig.update_xaxes(title_text=param_label(param),
                     type="log" if logarithmic else "linear", tickvals=x,
                     ticktext=[f"{value:g}" for value in x])
    fig.update_yaxes(title_text="MSE per feature", rangemode="tozero", row=1, col=1)
    if len(panels) == 2:
        fig.update_yaxes(title_text="accuracy", range=[0, 1], row=1, col=2)
    # the legend under the panels, in one row: on the right it took a quarter of a narrow window
    fig.update_layout(**_top(title_lines=max(t.count("<br>") + 1 for t in panels.values())),
                      height=430, hovermode="x unified",
                      legend=dict(orientation="h", x=0, y=-0.2, yanchor="top"))
    return fig
