import numpy as np

from aecore import plots


def test_latent_scatter_is_one_svg_trace_with_a_fixed_colour_per_label():
    points = np.arange(20, dtype=float).reshape(10, 2)
    labels = np.arange(10) % 3
    fig = plots.latent_scatter(points, labels, "map")
    assert len(fig.data) == 1 and fig.data[0].type == "scatter"  # SVG: no WebGL needed
    assert fig.data[0].x.dtype == np.float32  # half the JSON of float64
    np.testing.assert_array_equal(fig.data[0].y, points[:, 1])
    marker = fig.data[0].marker
    assert (marker.cmin, marker.cmax) == (-0.5, 2.5)  # one band per class, 0..2
    np.testing.assert_array_equal(fig.data[0].customdata[:, 0], labels)
    fixed = plots.latent_scatter(points, labels, "map", n_classes=10).data[0].marker
    assert (fixed.cmin, fixed.cmax) == (-0.5, 9.5)  # a scale shared with maps of more classes


def test_clickable_space_is_an_invisible_grid_beyond_the_points_extent():
    points = np.array([[0.0, -1.0], [2.0, 1.0], [1.0, 0.0]])
    fig = plots.with_clickable_space(plots.latent_scatter(points, np.array([0, 1, 2])), points,
                                     n=5, pad=0.5)
    grid = fig.data[1]
    assert len(grid.x) == 25 and grid.marker.opacity == 0
    assert (min(grid.x), max(grid.x), min(grid.y), max(grid.y)) == (-1.0, 3.0, -2.0, 2.0)


def test_loss_curves_names_train_and_validation():
    fig = plots.loss_curves({"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2]}, total_epochs=10)
    assert [t.name for t in fig.data] == ["train loss", "validation loss"]
    assert list(fig.layout.xaxis.range) == [0.5, 10.5]


def test_mosaic_tiles_rows_with_padding():
    rows = [np.ones((3, 4)), np.zeros((3, 4))]
    grid = plots.mosaic(rows, (2, 2))
    assert grid.shape == (2 * 2 + 1, 3 * 2 + 2)
    assert np.all(grid[:2, :2] == 1) and np.all(grid[3:, :2] == 0)
    assert np.isnan(grid[2, 0]) and np.isnan(grid[0, 2])


def test_image_rows_labels_each_row():
    fig = plots.image_rows([np.zeros((5, 4)), np.ones((5, 4))], (2, 2), ["original", "recon"])
    assert list(fig.layout.yaxis.ticktext) == ["original", "recon"]
