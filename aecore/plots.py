"""Plotly figure builders: pure functions, data in → ``go.Figure`` out.

Latent maps use one SVG ``Scatter`` trace with numeric colours on a shared discrete scale, so the
same label has the same colour in every map. SVG, not WebGL (``Scattergl``): for the 1,000 points
a map shows, SVG draws faster in a browser without a GPU (one redraw of the live map in Streamlit
took 0.26 CPU s in headless Chromium, 0.35 s with WebGL, which runs there in software; see
BENCHMARKS.md), and it needs no WebGL context (Chrome keeps at most 16 per page).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from aecore.spec import PARAMS

PALETTE = qualitative.T10
GRAY_INK = [[0.0, "white"], [1.0, "black"]]


def _discrete_colorscale(n: int) -> list[list]:
    """A colour scale with one flat band per class 0..n-1."""
    scale = []
    for i in range(n):
        colour = PALETTE[i % len(PALETTE)]
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


def latent_scatter(points: np.ndarray, labels: np.ndarray, title: str = "",
                   n_classes: int | None = None, height: int = 380) -> go.Figure:
    """A 2-D map of points coloured by label; hover shows label and point index.

    Parameters
    ----------
    points : ndarray of shape (n_samples, 2)
        Map coordinates.
    labels : ndarray of shape (n_samples,)
        Integer labels in ``0..n_classes - 1``; each gets a fixed colour of :data:`PALETTE`.
    title : str, default=""
        Figure title.
    n_classes : int or None, default=None
        Number of classes on the colour scale, so colours agree across maps; None means the
        labels' largest value + 1 (at least 1).
    height : int, default=380
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        One SVG ``Scatter`` trace with a discrete colour bar; its coordinates are float32 (half
        the bytes of float64 in the figure's JSON, and finer than a screen can show).
    """
    if n_classes is None:
        n_classes = int(labels.max()) + 1 if len(labels) else 1
    xy = np.asarray(points, dtype=np.float32)
    fig = go.Figure(go.Scatter(
        x=xy[:, 0], y=xy[:, 1], mode="markers", showlegend=False,
        customdata=np.column_stack([labels, np.arange(len(labels))]),
        hovertemplate="label %{customdata[0]}<br>point #%{customdata[1]}<extra></extra>",
        marker=dict(size=5, opacity=0.8, color=labels, cmin=-0.5, cmax=n_classes - 0.5,
                    colorscale=_discrete_colorscale(n_classes),
                    colorbar=dict(title="label", tickvals=list(range(n_classes)), len=0.9)),
    ))
    fig.update_layout(title=title, height=height, margin=dict(l=10, r=10, t=40, b=10),
                      xaxis=dict(showticklabels=False, zeroline=False),
                      yaxis=dict(showticklabels=False, zeroline=False))
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


def loss_curves(history: dict[str, list[float]], total_epochs: int | None = None,
                height: int = 300) -> go.Figure:
    """Loss per epoch, one line per history entry: 'val_kl' is drawn as 'validation kl'.

    Parameters
    ----------
    history : dict of str to list of float
        Per-epoch losses by name, like Keras' ``History.history``; names without the ``val_``
        prefix are drawn as "train <name>".
    total_epochs : int or None, default=None
        If given, the x axis spans all epochs of the fit, so it stays put while training runs.
    height : int, default=300
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per entry against the epoch, counted from 1.
    """
    span = total_epochs or max((len(v) for v in history.values()), default=1)
    fig = go.Figure([
        go.Scatter(x=np.arange(1, len(values) + 1), y=values, mode="lines+markers",
                   name=("validation " if key.startswith("val_") else "train ")
                   + key.removeprefix("val_"))
        for key, values in history.items()
    ])
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10),
                      xaxis=dict(title="epoch", dtick=1 if span <= 10 else None),
                      yaxis_title="loss",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    if total_epochs:
        fig.update_xaxes(range=[0.5, total_epochs + 0.5])
    return fig


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
               captions: list[str] | None = None, height_per_row: int = 90) -> go.Figure:
    """A gallery: each row a set of images (e.g. originals above reconstructions).

    Parameters
    ----------
    rows : list of ndarray of shape (n_images, height * width)
        Flattened images per row, pixels in [0, 1] (drawn white at 0, black at 1).
    image_shape : tuple of (int, int)
        (height, width) of one image.
    row_names : list of str
        One label per row, shown on the y axis.
    captions : list of str or None, default=None
        One caption per column (as many as ``rows[0]`` has images), shown on the x axis.
    height_per_row : int, default=90
        Figure height per row, in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        A grey-scale heatmap of :func:`mosaic` (1-pixel gaps) with the axes labelled.
    """
    h, w = image_shape
    grid = mosaic(rows, image_shape)
    fig = go.Figure(go.Heatmap(z=grid, colorscale=GRAY_INK, zmin=0, zmax=1, showscale=False,
                               hovertemplate="%{z:.2f}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", scaleanchor="x", showgrid=False, zeroline=False,
                     tickvals=[i * (h + 1) + h / 2 for i in range(len(rows))], ticktext=row_names)
    fig.update_xaxes(showgrid=False, zeroline=False, showticklabels=captions is not None,
                     tickvals=[j * (w + 1) + w / 2 for j in range(len(rows[0]))],
                     ticktext=captions)
    fig.update_layout(height=height_per_row * len(rows) + 40, margin=dict(l=10, r=10, t=10, b=10),
                      plot_bgcolor="white")
    return fig


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
        A Viridis heatmap, each cell labelled with its value to one decimal.
    """
    fig = go.Figure(go.Heatmap(
        z=table.to_numpy(), x=[f"{c:g}" for c in table.columns],
        y=[f"{i:g}" for i in table.index], colorscale="Viridis",
        text=table.to_numpy().round(1), texttemplate="%{text}",
        hovertemplate=f"{table.index.name} %{{y}}<br>{table.columns.name} %{{x}}<br>"
                      f"%{{z:.2f}} {unit}<extra></extra>",
        colorbar=dict(title=unit)))
    fig.update_layout(title=title, height=340, margin=dict(l=10, r=10, t=40, b=10),
                      xaxis_title=table.columns.name, yaxis_title=table.index.name)
    return fig


def bar(values: np.ndarray, title: str, x_title: str) -> go.Figure:
    """One bar per entry, e.g. KL per code dimension.

    Parameters
    ----------
    values : ndarray of shape (n_values,)
        Bar heights, drawn at x = 0, 1, …, n_values - 1.
    title : str
        Figure title, with the values' unit (e.g. nats).
    x_title : str
        Title of the x axis.

    Returns
    -------
    plotly.graph_objects.Figure
        A bar chart.
    """
    fig = go.Figure(go.Bar(x=np.arange(len(values)), y=values))
    fig.update_layout(title=title, height=300, margin=dict(l=10, r=10, t=40, b=10),
                      xaxis=dict(title=x_title, tickmode="linear", dtick=1))
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
        Other candidate thresholds by name, drawn as labelled dotted lines.
    title : str, default=""
        Figure title.
    x_title : str, default="reconstruction error"
        Title of the score axis.

    Returns
    -------
    plotly.graph_objects.Figure
        The two histograms overlaid.
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
    for i, (name, value) in enumerate((rules or {}).items()):
        fig.add_vline(x=value, line_dash="dot", line_color=PALETTE[(i + 2) % len(PALETTE)],
                      annotation_text=name, annotation_textangle=-90,
                      annotation_font_size=10)
    if threshold is not None:
        fig.add_vline(x=threshold, line_color="black", line_width=2,
                      annotation_text="threshold", annotation_position="top right")
    fig.update_layout(barmode="overlay", title=title, height=360,
                      margin=dict(l=10, r=10, t=40, b=10), xaxis_title=x_title,
                      yaxis_title="share of points", legend=dict(orientation="h"))
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
        Two subplots, the ROC with the chance diagonal, each with the point marked by an ×.
    """
    from plotly.subplots import make_subplots

    fig = make_subplots(1, 2, subplot_titles=(f"ROC (AUC {roc_auc:.3f})",
                                              f"Precision–recall (AUC {pr_auc:.3f})"))
    fig.add_trace(go.Scatter(x=fpr, y=tpr, name="ROC", mode="lines"), 1, 1)
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance",
                             line=dict(dash="dot", color="gray")), 1, 1)
    fig.add_trace(go.Scatter(x=recall, y=precision, name="PR", mode="lines"), 1, 2)
    marker = dict(size=12, color="black", symbol="x")
    fig.add_trace(go.Scatter(x=[point["false-positive rate"]], y=[point["recall"]],
                             mode="markers", marker=marker, name="threshold"), 1, 1)
    fig.add_trace(go.Scatter(x=[point["recall"]], y=[point["precision"]], mode="markers",
                             marker=marker, showlegend=False), 1, 2)
    fig.update_xaxes(title_text="false-positive rate", range=[0, 1], row=1, col=1)
    fig.update_yaxes(title_text="true-positive rate", range=[0, 1.02], row=1, col=1)
    fig.update_xaxes(title_text="recall", range=[0, 1], row=1, col=2)
    fig.update_yaxes(title_text="precision", range=[0, 1.02], row=1, col=2)
    fig.update_layout(height=360, margin=dict(l=10, r=10, t=40, b=10))
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
    fig = go.Figure(go.Heatmap(z=counts, x=[f"predicted {n}" for n in names],
                               y=[f"true {n}" for n in names], text=counts,
                               texttemplate="%{text}", colorscale="Blues", showscale=False))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=260, margin=dict(l=10, r=10, t=10, b=10))
    return fig


def accuracy_by_labels(table) -> go.Figure:
    """Accuracy (0–1) against the number of labelled points, one line per representation.

    Parameters
    ----------
    table : pandas.DataFrame
        Held-out accuracies in [0, 1], indexed by the number of labelled training images, one
        column per representation.

    Returns
    -------
    plotly.graph_objects.Figure
        One line per column, the x axis logarithmic.
    """
    fig = go.Figure([go.Scatter(x=table.index.tolist(), y=table[name].tolist(), name=name,
                                mode="lines+markers")
                     for name in table.columns])
    fig.update_layout(height=320, margin=dict(l=10, r=10, t=40, b=10),
                      xaxis=dict(title="labelled training images", type="log",
                                 tickvals=table.index.tolist(), minor=dict(showgrid=False)),
                      yaxis=dict(title="held-out accuracy", range=[0, 1]),
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig


def runs_loss_curves(histories: dict[str, pd.DataFrame], height: int = 320) -> go.Figure:
    """Several runs' losses on one chart: one colour per run, solid for training and dashed
    for validation.

    Parameters
    ----------
    histories : dict of str to pandas.DataFrame
        Run name → its per-epoch history (index: epoch from 1; loss columns such as ``loss``
        and ``val_loss``; other columns, e.g. ``elapsed_s``, are ignored).
    height : int, default=320
        Figure height in pixels.

    Returns
    -------
    plotly.graph_objects.Figure
        Lines of ``loss`` and ``val_loss`` (when present) against the epoch.
    """
    fig = go.Figure()
    for i, (name, history) in enumerate(histories.items()):
        colour = PALETTE[i % len(PALETTE)]
        for column, dash in (("loss", "solid"), ("val_loss", "dash")):
            if column in history:
                fig.add_scatter(x=history.index, y=history[column], mode="lines",
                                name=f"{name} · {'validation' if dash == 'dash' else 'train'}",
                                line=dict(color=colour, dash=dash))
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10),
                      xaxis_title="epoch", yaxis_title="loss",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0))
    return fig


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
        A parcoords trace with an axis per column that varies between runs, and the score.

    Raises
    ------
    KeyError
        If ``score`` is not a column of ``table``.
    """
    values = table[score].astype(float)
    dimensions = []
    for column in [c for c in table.columns if c != score] + [score]:
        series = table[column]
        if column != score and series.astype(str).nunique() < 2:
            continue  # the same in every run: an axis with one value says nothing
        if pd.api.types.is_numeric_dtype(series):
            dimensions.append(dict(label=column, values=series.astype(float)))
        else:
            text = series.astype(str)
            names = sorted(text.unique())
            dimensions.append(dict(label=column, values=[names.index(v) for v in text],
                                   tickvals=list(range(len(names))), ticktext=names))
    fig = go.Figure(go.Parcoords(dimensions=dimensions, line=dict(
        color=values, colorscale="Viridis", showscale=True, colorbar=dict(title=score))))
    fig.update_layout(height=380, margin=dict(l=60, r=60, t=50, b=20))
    return fig


def sweep_curve(table: pd.DataFrame, param: str) -> go.Figure:
    """Held-out reconstruction error against a swept hyperparameter, autoencoder beside PCA.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per swept value, as :meth:`aecore.sweep.Sweep.table` gives it: the numeric
        column ``param``, ``"reconstruction MSE"`` and ``"PCA reconstruction MSE"`` (per
        feature, squared feature units) and, optionally, ``"5-NN accuracy"`` and ``"PCA 5-NN
        accuracy"`` (in [0, 1]); NaN where a value has no score.
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
    if "5-NN accuracy" in rows and rows["5-NN accuracy"].notna().any():
        panels["5-NN accuracy"] = "5-NN accuracy of the 2-D map"
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=list(panels.values()))
    for col, score in enumerate(panels, start=1):
        for method, column, colour in (("Autoencoder", score, PALETTE[0]),
                                       ("PCA", f"PCA {score}", PALETTE[1])):
            fig.add_trace(go.Scatter(x=x, y=rows[column], mode=mode, name=method,
                                     legendgroup=method, showlegend=col == 1, connectgaps=True,
                                     line=dict(color=colour)), row=1, col=col)
    logarithmic = ordered and len(x) > 0 and x.min() > 0 and x.max() >= 8 * x.min()
    fig.update_xaxes(title_text=PARAMS[param].label if param in PARAMS else param,
                     type="log" if logarithmic else "linear", tickvals=x,
                     ticktext=[f"{value:g}" for value in x])
    fig.update_yaxes(title_text="MSE per feature", rangemode="tozero", row=1, col=1)
    if len(panels) == 2:
        fig.update_yaxes(title_text="accuracy", range=[0, 1], row=1, col=2)
    fig.update_layout(height=360, margin=dict(l=10, r=10, t=40, b=10), hovermode="x unified")
    return fig
