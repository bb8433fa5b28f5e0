import base64
import io

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.colors import hex_to_rgb

from aecore import plots
from aecore.spec import LOSSES


def test_latent_scatter_has_one_named_svg_trace_per_class_and_no_stray_legend_entry():
    points = np.arange(20, dtype=float).reshape(10, 2)
    labels = np.array([2, 0, 2, 1, 0, 2, 1, 0, 0, 2])
    fig = plots.with_clickable_space(plots.latent_scatter(points, labels, "map"), points)
    classes = [t for t in fig.data if t.showlegend is not False]
    assert [t.name for t in classes] == ["0", "1", "2"]  # one legend entry per class, in order
    assert all(t.type == "scatter" for t in classes)  # SVG: no WebGL needed
    assert not any(t.name is None or t.name.startswith("trace") for t in fig.data)
    for trace, label in zip(classes, range(3), strict=True):
        rows = np.flatnonzero(labels == label)
        np.testing.assert_array_equal(trace.customdata, rows)  # the held-out index
        np.testing.assert_array_equal(trace.x, points[rows, 0])
        assert trace.x.dtype == np.float32  # half the JSON of float64
        assert "label %{fullData.name}" in trace.hovertemplate
    named = plots.latent_scatter(points, labels, class_names=("cat", "dog", "eel"))
    assert [t.name for t in named.data] == ["cat", "dog", "eel"]


def test_a_label_has_the_same_colour_in_every_map():
    rng = np.random.default_rng(0)
    first = plots.latent_scatter(rng.normal(size=(30, 2)), np.arange(30) % 10)
    second = plots.latent_scatter(rng.normal(size=(6, 2)), np.array([7, 3, 7, 9, 3, 9]))
    replay = plots.latent_replay({1: rng.normal(size=(6, 2)), 2: rng.normal(size=(6, 2))},
                                 np.array([7, 3, 7, 9, 3, 9]))
    thumbs = plots.latent_thumbnails(rng.normal(size=(6, 2)), np.array([7, 3, 7, 9, 3, 9]),
                                     ["data:image/png;base64,"] * 6)
    colours = {t.name: t.marker.color for t in first.data}
    for fig in (second, replay, thumbs):
        assert {t.name: t.marker.color for t in fig.data} == {
            name: colours[name] for name in ("3", "7", "9")}
    assert len(set(colours.values())) == 10  # ten digits, ten colours
    assert plots.label_colour(3) == colours["3"] == plots.label_colour(13)


def test_replay_animates_every_epoch_with_play_pause_and_a_slider():
    rng = np.random.default_rng(1)
    labels = np.array([0, 1, 1, 0, 2])
    frames = {e: rng.normal(size=(5, 2)) * e for e in (1, 2, 3)}
    fig = plots.latent_replay(frames, labels)
    assert [f.name for f in fig.frames] == ["1", "2", "3"]
    for frame, xy in zip(fig.frames, frames.values(), strict=True):
        assert list(frame.traces) == [0, 1, 2]  # the class traces, in label order
        np.testing.assert_allclose(frame.data[1].x, xy[labels == 1, 0], rtol=1e-6)
        low, high = frame.layout.xaxis.range  # each epoch's map fills the plot
        assert low < xy[:, 0].min() and high > xy[:, 0].max()
    np.testing.assert_allclose(fig.data[2].y, frames[3][labels == 2, 1], rtol=1e-6)  # opens last
    buttons = [b.label for b in fig.layout.updatemenus[0].buttons]
    assert buttons == ["▶ Play", "❚❚ Pause"]
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == ["1", "2", "3"] and slider.active == 2
    assert [list(s.args[0]) for s in slider.steps] == [["1"], ["2"], ["3"]]


def test_replay_epochs_keep_the_first_and_last_within_the_cap():
    assert plots.replay_epochs(1) == [1]
    assert plots.replay_epochs(4) == [1, 2, 3, 4]
    epochs = plots.replay_epochs(300, max_frames=60)
    assert len(epochs) == 60 and epochs[0] == 1 and epochs[-1] == 300


def test_thumbnails_draw_the_images_at_their_points_in_the_labels_colour():
    from PIL import Image

    images = np.zeros((4, 6))
    images[:, 0] = 1.0  # one inked pixel per 2×3 image
    labels = np.array([0, 1, 2, 1])
    sources = plots.thumbnail_sources(images[:3], labels[:3], (2, 3))
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    picture = Image.open(io.BytesIO(base64.b64decode(sources[1].split(",", 1)[1]))).convert("RGBA")
    assert picture.size == (3, 2)
    assert picture.getpixel((0, 0)) == (*hex_to_rgb(plots.label_colour(1)), 255)  # the ink
    assert picture.getpixel((1, 0))[3] == 0  # no ink: transparent
    points = np.array([[0.0, 0.0], [1.0, 2.0], [2.0, 4.0], [9.0, 9.0]])
    fig = plots.latent_thumbnails(points, labels, sources, "thumbs")
    assert [image.source for image in fig.layout.images] == sources  # the first 3 points only
    assert [(image.x, image.y) for image in fig.layout.images] == [(0, 0), (1, 2), (2, 4)]
    assert sum(len(t.x) for t in fig.data) == 3  # markers under the images, for hover and clicks
    x_low, x_high = fig.layout.xaxis.range  # room for half an image beyond the outer points
    assert x_low < 0 and x_high > 2 and fig.layout.legend.itemclick is False


def test_a_map_on_a_line_is_drawn_spread_over_an_unnumbered_y_the_same_in_every_view():
    """A 1-D code's points (y = 0 for scoring) and its thumbnails piled on one line."""
    rng = np.random.default_rng(2)
    labels = np.arange(200) % 10
    frames = {e: np.column_stack([rng.normal(size=200), np.zeros(200)]) for e in (1, 2)}
    line = frames[2]
    scatter = plots.latent_scatter(line, labels, ticks=True)
    spread = np.concatenate([t.y for t in scatter.data])
    assert np.ptp(spread) > 1.5 and spread.min() >= -1 and spread.max() <= 1
    np.testing.assert_allclose(np.concatenate([t.x for t in scatter.data]),
                               np.concatenate([line[labels == k, 0] for k in range(10)]),
                               rtol=1e-6)  # x stays the code
    assert scatter.layout.yaxis.showticklabels is False
    assert scatter.layout.yaxis.title.text == "spread at random (a 1-D map)"
    assert scatter.layout.xaxis.title.text == "code"
    replay = plots.latent_replay(frames, labels)
    np.testing.assert_array_equal(replay.frames[0].data[3].y, scatter.data[3].y)  # spread alike
    np.testing.assert_array_equal(replay.data[3].y, scatter.data[3].y)
    assert replay.layout.yaxis.title.text == "spread at random (a 1-D map)"  # it had none
    thumbs = plots.latent_thumbnails(line, labels, ["data:image/png;base64,"] * 200)
    assert len({round(image.y, 2) for image in thumbs.layout.images}) > 100  # not one row
    flat = plots.latent_scatter(np.column_stack([np.arange(5.0), np.arange(5.0)]), labels[:5])
    np.testing.assert_array_equal(np.concatenate([t.y for t in flat.data]), np.arange(5.0))
    assert flat.layout.yaxis.title.text is None  # a 2-D map is drawn as it is


def test_clickable_space_is_an_invisible_grid_beyond_the_points_extent():
    points = np.array([[0.0, -1.0], [2.0, 1.0], [1.0, 0.0]])
    fig = plots.with_clickable_space(plots.latent_scatter(points, np.array([0, 1, 2])), points,
                                     n=5, pad=0.5)
    grid = fig.data[-1]  # after the three classes' traces
    assert len(grid.x) == 25 and grid.marker.opacity == 0
    assert (min(grid.x), max(grid.x), min(grid.y), max(grid.y)) == (-1.0, 3.0, -2.0, 2.0)


def test_loss_curves_names_train_and_validation():
    fig = plots.loss_curves({"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2]}, total_epochs=10)
    assert [t.name for t in fig.data] == ["train loss", "validation loss"]
    assert list(fig.layout.xaxis.range) == [0.5, 10.5]
    assert fig.data[0].line.color == fig.data[1].line.color  # one colour per term,
    assert (fig.data[0].line.dash, fig.data[1].line.dash) == ("solid", "dash")  # dashed held out


def test_loss_curves_list_the_total_first_each_term_train_then_validation():
    history = {"kl": [1.0], "loss": [3.0], "reconstruction": [2.0], "val_kl": [1.1],
               "val_loss": [3.1], "val_reconstruction": [2.1]}
    assert [t.name for t in plots.loss_curves(history).data] == [
        "train loss", "validation loss", "train KL", "validation KL", "train reconstruction",
        "validation reconstruction"]


def test_error_histograms_name_the_thresholds_in_the_legend_not_on_the_plot():
    rng = np.random.default_rng(0)
    fig = plots.error_histograms(rng.random(50), rng.random(20) + 0.5, 0.6,
                                 {"mean + 3σ": 0.7, "top 5% of training": 0.65}, "Test errors")
    assert [t.name for t in fig.data] == ["normal", "anomalous", "mean + 3σ",
                                          "top 5% of training", "threshold"]
    assert not fig.layout.annotations  # labels on the plot overlap when thresholds are close
    line = fig.data[-1]
    assert list(line.x) == [0.6, 0.6] and list(line.y) == [0, 1] and line.yaxis == "y2"
    assert list(fig.layout.yaxis2.range) == [0, 1]
    legend = fig.layout.legend  # under the axis title: the margin grows to hold it
    assert (legend.yref, legend.y, legend.yanchor) == ("container", 0, "bottom")


def test_loss_curves_tick_whole_epochs_only():
    for epochs, step in ((1, 1), (3, 1), (10, 1), (11, 2), (40, 5), (300, 50)):
        fig = plots.loss_curves({"loss": list(np.linspace(1, 0.1, epochs))})
        axis = fig.layout.xaxis
        assert (axis.tickmode, axis.tick0, axis.dtick) == ("linear", 0, step)
        assert list(axis.range) == [0.5, epochs + 0.5]
        ticks = np.arange(axis.tick0, axis.range[1], axis.dtick)
        assert 1 <= len(ticks[ticks >= axis.range[0]]) <= 10


def test_loss_curves_log_scale_and_legend_under_the_plot():
    history = {"loss": [3.0, 1.0], "val_loss": [3.5, 1.5]}
    assert plots.loss_curves(history).layout.yaxis.type == "linear"
    assert plots.loss_curves(history, log_y=True).layout.yaxis.type == "log"
    runs = plots.runs_loss_curves({"run 1": pd.DataFrame({"loss": [2.0, 1.0]}, index=[1, 2])},
                                  log_y=True)
    assert runs.layout.yaxis.type == "log" and runs.layout.xaxis.dtick == 1
    for fig in (plots.loss_curves(history), runs):
        legend = fig.layout.legend  # under the x axis's title: above it reached the toolbar
        assert (legend.orientation, legend.yref, legend.y) == ("h", "container", 0)


def _every_kind_of_chart() -> dict[str, go.Figure]:
    rng = np.random.default_rng(0)
    points, labels = rng.random((30, 2)), np.arange(30) % 3
    table = pd.DataFrame([[1.0, 2.0], [3.0, 4.0]], index=pd.Index([0.1, 0.2], name="σ"),
                         columns=pd.Index([1, 2], name="trained at"))
    sweep = pd.DataFrame({"code_size": [2, 4], "reconstruction MSE": [0.05, 0.04],
                          "PCA reconstruction MSE": [0.06, 0.05], "5-NN accuracy": [0.8, 0.9],
                          "PCA 5-NN accuracy": [0.4, 0.5]})
    return {
        "map": plots.latent_scatter(points, labels, "Autoencoder"),
        "untitled map": plots.latent_scatter(points, labels),
        "replay": plots.latent_replay({1: points, 2: points}, labels),
        "thumbnails": plots.latent_thumbnails(points, labels, ["data:,"] * 30, "Autoencoder"),
        "loss": plots.loss_curves({"loss": [2.0, 1.0], "val_loss": [2.5, 1.5]}),
        "gallery": plots.image_rows([rng.random((3, 4))], (2, 2), ["a"], captions=["1", "2", "3"]),
        "heatmap": plots.matrix_heatmap(table, "Held-out PSNR"),
        "bar": plots.bar(np.array([0.5, 2.0]), "KL per code dimension (nats)", "dimension"),
        "histograms": plots.error_histograms(rng.random(9), rng.random(9) + 1, 1.0, None, "Test"),
        "roc and pr": plots.roc_and_pr([0, 1], [0, 1], 0.5, [1, 0.5], [0, 1], 0.7,
                                       {"false-positive rate": 0.1, "recall": 0.5,
                                        "precision": 0.8}),
        "confusion": plots.confusion(np.array([[5, 1], [2, 3]])),
        "accuracy": plots.accuracy_by_labels(pd.DataFrame({"code": [0.5, 0.7]}, index=[10, 100])),
        "sweep": plots.sweep_curve(sweep, "code_size"),
    }


@pytest.mark.parametrize("kind", list(_every_kind_of_chart()))
def test_every_chart_keeps_the_toolbars_band_free_and_a_toolbar_that_fits_one_row(kind):
    """The toolbar, shown over a chart's top right while the pointer is on it, covered a
    gallery's top-right images, the confusion matrix's top row, a loss legend's second row and
    titles in narrow charts (the browser test measures the overlaps; these are their causes)."""
    fig = _every_kind_of_chart()[kind]
    layout = fig.layout
    title_lines = 1 if layout.title.text else max(
        (a.text.count("<br>") + 1 for a in layout.annotations), default=0)  # subplot titles
    assert layout.margin.t == plots.TOOLBAR_BAND + plots.TITLE_LINE * title_lines
    if layout.title.text:  # just above the plot, under the band
        assert (layout.title.yref, layout.title.y, layout.title.yanchor) == ("paper", 1, "bottom")
    if layout.legend.orientation == "h":  # a legend in rows lies under the plot
        assert layout.legend.y <= 0
    # at most 6 buttons and Plotly's logo: one row of 27-px buttons in a 200-px chart
    assert {"zoomin", "zoomout", "autoscale"} <= set(layout.modebar.remove)


def test_mosaic_tiles_rows_with_padding():
    rows = [np.ones((3, 4)), np.zeros((3, 4))]
    grid = plots.mosaic(rows, (2, 2))
    assert grid.shape == (2 * 2 + 1, 3 * 2 + 2)
    assert np.all(grid[:2, :2] == 1) and np.all(grid[3:, :2] == 0)
    assert np.isnan(grid[2, 0]) and np.isnan(grid[0, 2])


def test_image_rows_labels_each_row():
    fig = plots.image_rows([np.zeros((5, 4)), np.ones((5, 4))], (2, 2), ["original", "recon"])
    assert list(fig.layout.yaxis.ticktext) == ["original", "recon"]


def test_hover_drawings_put_a_braille_dot_on_each_inked_pixel_cropped_to_the_ink():
    image = np.zeros((8, 4), dtype=np.float32)
    image[0, 0] = 1.0  # top-left dot of the first cell: U+2801
    image[7, 3] = 0.6  # bottom-right dot of the last cell: U+2880 (at least half the max ink)
    image[6, 3] = 0.2  # under half the brightest pixel: no dot
    blank = np.zeros((8, 4), dtype=np.float32)
    drawn, empty = plots.hover_drawings(np.stack([image.ravel(), blank.ravel()]), (8, 4))
    assert drawn == "\u2801\u2800<br>\u2800\u2880"
    assert empty == "\u2800\u2800<br>\u2800\u2800"  # nothing to crop to: the whole grid


def test_hover_drawings_shrink_large_images_and_show_in_the_maps_hover_label():
    big = np.zeros((2, 100 * 60), dtype=np.float32)
    big[:, :] = 1.0
    drawings = plots.hover_drawings(big, (100, 60))
    lines = drawings[0].split("<br>")
    assert len(lines) == 7 and {len(line) for line in lines} == {9}  # 28 × 17 px after Pillow
    fig = plots.latent_scatter(np.zeros((2, 2)), np.array([0, 1]), drawings=drawings)
    assert all("%{text}" in trace.hovertemplate for trace in fig.data)
    assert [trace.text[0] for trace in fig.data] == drawings
    plain = plots.latent_scatter(np.zeros((2, 2)), np.array([0, 1]))
    assert "%{text}" not in plain.data[0].hovertemplate


def test_parallel_coordinates_keep_every_run_with_the_score_by_dropping_axes_some_lack():
    runs = pd.DataFrame({"epochs": [2, 3, 4], "beta": [np.nan, np.nan, 1.0],
                         "neighbor_weight": [0.0, 0.5, np.nan], "loss": ["bce", "mse", "bce"],
                         "final loss": [0.3, 0.2, 0.1]})
    trace = plots.parallel_coordinates(runs, "final loss").data[0]
    assert [d["label"] for d in trace.dimensions] == ["Epochs", "Loss", "final loss"]
    assert all(len(d["values"]) == 3 and not np.isnan(d["values"]).any()
               for d in trace.dimensions)
    epochs = trace.dimensions[0]
    assert list(epochs["tickvals"]) == [2, 3, 4] and list(epochs["ticktext"]) == ["2", "3", "4"]
    loss = trace.dimensions[1]  # choices as the select box names them, not "bce"/"mse"
    assert list(loss["ticktext"]) == [LOSSES["bce"], LOSSES["mse"]]


def test_parallel_coordinates_tick_switches_and_few_values_as_they_are():
    runs = pd.DataFrame({"lr_decay": [True, False, True], "learning_rate": [0.01, 0.001, 0.012],
                         "final loss": [0.3, 0.2, 0.1]})
    decay, rate, _ = plots.parallel_coordinates(runs, "final loss").data[0].dimensions
    assert list(decay["tickvals"]) == [0, 1] and list(decay["ticktext"]) == ["off", "on"]
    assert list(rate["ticktext"]) == ["0.001", "0.01", "0.012"]  # not "0.01" twice
    scores = pd.DataFrame({"epochs": [2, 3], "final loss": [0.493208, 0.65032]})
    score = plots.parallel_coordinates(scores, "final loss").data[0].dimensions[-1]
    assert list(score["ticktext"]) == ["0.4932", "0.6503"]  # as the tables show scores


def test_the_confusion_matrix_names_its_axes_once_and_its_cells_briefly():
    fig = plots.confusion(np.array([[18, 0], [3, 7]]))
    cells = fig.data[0]
    assert list(cells.x) == ["normal", "anomalous"] == list(cells.y)  # were "predicted normal"…
    assert (fig.layout.xaxis.title.text, fig.layout.yaxis.title.text) == ("predicted", "true")
    assert cells.z[0][1] == 0 and cells.z[1][0] == 3  # rows true, columns predicted


def test_a_matrix_heatmap_draws_one_labelled_cell_per_level_however_uneven_the_levels():
    table = pd.DataFrame([[10.0, 12.0, 9.0], [11.0, 13.0, 10.0]], index=pd.Index(
        [0.1, 0.7], name="train level"), columns=pd.Index([0.0, 0.1, 0.9], name="test level"))
    fig = plots.matrix_heatmap(table, "PSNR")
    assert fig.layout.xaxis.type == "category" and fig.layout.yaxis.type == "category"
    assert list(fig.data[0].x) == ["0", "0.1", "0.9"] and list(fig.data[0].y) == ["0.1", "0.7"]
    assert fig.layout.xaxis.title.text == "test level"


def test_a_matrix_heatmap_labels_close_cells_with_enough_decimals_to_tell_them_apart():
    close = pd.DataFrame([[8.412, 8.437], [8.446, 8.471]], index=pd.Index([0.1, 0.5], name="train"),
                         columns=pd.Index([0.1, 0.5], name="test"))
    labels = plots.matrix_heatmap(close, "PSNR").data[0].text
    assert labels.tolist() == [[8.412, 8.437], [8.446, 8.471]]
    wide = close * np.array([[1, 2], [1, 2]])  # a spread of 8 dB: one decimal is enough
    assert plots.matrix_heatmap(wide, "PSNR").data[0].text.tolist() == [[8.4, 16.9], [8.4, 16.9]]


def test_an_image_gallery_draws_ink_black_on_white_or_pixels_as_files_show_them():
    images = np.array([[0.0, 1.0, 0.5, 0.0]])
    ink = plots.image_rows([images], (2, 2), ["a"]).data[0]
    light = plots.image_rows([images], (2, 2), ["a"], ink=False).data[0]
    assert [c[1] for c in ink.colorscale] == ["white", "black"]
    assert [c[1] for c in light.colorscale] == ["black", "white"]


def test_runs_loss_curves_mark_one_epoch_runs_and_a_neighbour_runs_validation():
    plain = pd.DataFrame({"loss": [0.3], "val_loss": [0.31]}, index=[1])
    neighbour = pd.DataFrame({"loss": [0.5, 0.4], "reconstruction": [0.2, 0.1],
                              "val_reconstruction": [0.25, 0.2]}, index=[1, 2])
    fig = plots.runs_loss_curves({"run 1": plain, "run 2": neighbour})
    assert [t.name for t in fig.data] == ["run 1 · train", "run 1 · validation", "run 2 · train",
                                          "run 2 · validation reconstruction"]
    assert all("markers" in t.mode for t in fig.data)  # a single point is drawn


def test_a_log_loss_axis_labels_whole_numbers_with_few_enough_ticks():
    one_decade = plots.loss_curves({"loss": [0.378, 0.12, 0.04]}, log_y=True).layout.yaxis
    assert (one_decade.tickformat, one_decade.dtick) == ("~g", "D2")  # 0.05, not a bare "5"
    narrow = plots.loss_curves({"loss": [310.0, 148.0]}, log_y=True).layout.yaxis
    assert narrow.dtick is None  # Plotly's own ticks within half a decade
    wide = plots.runs_loss_curves({"run 1": pd.DataFrame({"loss": [200.0, 1e-6]}, index=[1, 2])},
                                  log_y=True).layout.yaxis
    assert wide.dtick == 1  # one tick per decade
    assert plots.loss_curves({"loss": [0.3]}).layout.yaxis.tickformat is None  # linear: as is


def test_a_bar_chart_with_a_floor_draws_tiny_values_as_tiny():
    collapsed = plots.bar(np.array([0.004, 0.005]), "KL (nats)", "dimension", y_floor=1.0)
    assert list(collapsed.layout.yaxis.range) == [0, 1.0]  # not 0…0.005, which looks full
    used = plots.bar(np.array([0.004, 5.0]), "KL (nats)", "dimension", y_floor=1.0)
    assert used.layout.yaxis.range[1] == pytest.approx(5.5)
    assert collapsed.data[0].texttemplate == "%{y:.3g}"  # each bar says its value


def test_a_map_of_one_class_still_shows_its_legend():
    fig = plots.latent_scatter(np.zeros((3, 2)), np.zeros(3, dtype=int), class_names=("all",))
    assert fig.layout.showlegend and [t.name for t in fig.data if t.showlegend is not False] == [
        "all"]


def test_a_gallery_of_table_rows_fills_its_height_with_strips_not_square_cells():
    rows = [np.random.default_rng(0).random((10, 6)) for _ in range(10)]
    strips = plots.image_rows(rows, (1, 6), [""] * 10, height_per_row=60)
    assert strips.layout.yaxis.scaleanchor is None
    assert strips.layout.height == 10 * plots.TABLE_ROW_HEIGHT + 30 + plots.TOOLBAR_BAND
    images = plots.image_rows(rows, (2, 3), [""] * 10, height_per_row=60)
    assert images.layout.yaxis.scaleanchor == "x"
    assert images.layout.height == 600 + 30 + plots.TOOLBAR_BAND


def test_a_narrow_gallery_keeps_its_captions_under_the_images_and_its_last_caption_shown():
    """At 480 px Plotly turns the captions aslant; the last reached past the figure's edge and
    was hidden, and the spare height sat between the images and their captions."""
    fig = plots.image_rows([np.zeros((8, 4))], (2, 2), ["clean"],
                           captions=[f"{i}.0→12.0 dB" for i in range(8)])
    assert fig.layout.xaxis.ticklabeloverflow == "allow"
    assert fig.layout.margin.r >= plots.CAPTION_MARGIN
    assert (fig.layout.yaxis.constrain, fig.layout.yaxis.constraintoward) == ("domain", "top")
    assert plots.image_rows([np.zeros((8, 4))], (2, 2), ["clean"]).layout.margin.r == 10


def test_parallel_coordinates_refuse_one_scored_run_or_runs_that_differ_in_nothing():
    """Drawn anyway, one run made an empty chart with a colour bar from 0.5 to 1.5 (AUROC)."""
    runs = pd.DataFrame({"epochs": [2, 3], "AUROC": [np.nan, 0.97]}, index=[12, 13])
    with pytest.raises(ValueError, match="two runs need it; only run 13 has it"):
        plots.parallel_coordinates(runs, "AUROC")
    with pytest.raises(ValueError, match="none of these runs has it"):
        plots.parallel_coordinates(runs.assign(AUROC=np.nan), "AUROC")
    same = pd.DataFrame({"epochs": [2, 2], "loss": ["bce", "bce"], "AUROC": [0.9, 0.95]},
                        index=[21, 22])
    with pytest.raises(ValueError, match="Runs 21, 22 have the same hyperparameters"):
        plots.parallel_coordinates(same, "AUROC")
