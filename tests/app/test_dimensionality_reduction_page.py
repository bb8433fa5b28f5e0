import json

import numpy as np
import pytest

from tests.app.apptest import button, chart, click, non_finite_shown, plotly_array
from tests.app.apptest import open_page as open_script


def open_page(**state):
    return open_script("pages/1_Dimensionality_Reduction.py", **state)


def test_page_opens_with_defaults_and_no_error():
    at = open_page()
    assert not at.exception
    assert not at.error
    assert button(at, "Train").disabled is False
    assert button(at, "Stop training").disabled is True


def test_tiny_training_shows_maps_scores_and_gallery():
    at = open_page(dr_n_train=300, hp_epochs=2, hp_hidden_layers="32, 16", hp_n_layers=2)
    at = click(at, "Train")
    assert not at.exception, at.exception
    assert not at.error
    assert any("Trained 2 epochs" in s.value for s in at.success)
    assert not non_finite_shown(at)
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [c["layout"].get("title", {}).get("text", "") for c in charts]
    for title in ("Autoencoder", "PCA", "t-SNE", "UMAP"):
        assert title in titles
    scores = at.dataframe[0].value
    assert list(scores.index) == ["Autoencoder", "PCA", "t-SNE", "UMAP"]
    assert 0 <= scores.loc["UMAP", "5-NN accuracy"] <= 1
    assert 0 <= scores.loc["PCA", "5-NN accuracy"] <= 1
    heatmaps = [c for c in charts if c["data"][0]["type"] == "heatmap"]
    assert heatmaps, "the reconstruction gallery is missing"
    assert "ae = Autoencoder(" in at.code[0].value and "hidden_layers=(32, 16)" in at.code[0].value
    accuracy = chart(at, "few_labels")["data"]
    assert [line["name"] for line in accuracy] == ["raw pixels", "PCA (2 components)",
                                                   "autoencoder code (2)"]
    assert all(0 <= a <= 1 for line in accuracy for a in line["y"])

    check_charts_read_at_a_glance(at)

    at = at.selectbox(key="dataset").set_value("digits").run()
    assert not at.exception
    assert any("trained on another dataset" in i.value for i in at.info)


def test_a_1d_code_is_mapped_with_its_points_spread_and_the_spread_said():
    at = click(open_page(dataset="digits", hp_code_size=1, hp_epochs=1, hp_hidden_layers="16",
                         hp_n_layers=1), "Train")
    assert not at.exception and not at.error
    captions = [c.value for c in at.caption]
    assert "1-D code: x is the code, y a random spread" in captions
    assert "1 component: x is the map, y a random spread" in captions  # PCA matches its size
    figures = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    ae_map = next(f for f in figures if f["layout"].get("title", {}).get("text") == "Autoencoder")
    spread = np.concatenate([plotly_array(t["y"]) for t in ae_map["data"]])
    assert np.ptp(spread) > 1  # not piled on one line


def test_the_neighbour_weight_slider_trains_a_neighbour_preserving_autoencoder():
    at = open_page(dataset="digits", dr_n_train=300, hp_epochs=2, hp_hidden_layers="32, 16",
                   hp_n_layers=2)
    slider = at.slider(key="hp_neighbor_weight")
    assert slider.label == "Neighbour loss weight" and slider.value == 0.0
    assert not [s for s in at.selectbox if s.key == "hp_neighbor_loss"]  # shown with a weight
    at = slider.set_value(0.5).run()
    choice = at.selectbox(key="hp_neighbor_loss")
    assert choice.label == "Neighbour loss" and choice.options == ["graph", "embedding"]
    assert choice.value == "graph"
    at = click(at, "Train")
    assert not at.exception, at.exception
    assert not at.error
    assert any("Trained 2 epochs" in s.value for s in at.success)
    estimator = at.session_state["dr_result"].estimator
    assert estimator.neighbor_weight == 0.5
    assert {"neighbor", "reconstruction", "val_reconstruction"} <= set(estimator.history_)
    legend = [line["name"] for line in chart(at, "final_loss")["data"]]
    assert "train neighbour" in legend and "validation reconstruction" in legend
    scores = at.dataframe[0].value
    assert list(scores.index) == ["Autoencoder", "PCA", "t-SNE", "UMAP"]
    assert float(scores.loc["Autoencoder", "reconstruction MSE"]) > 0  # the decoder is kept
    # t-SNE and UMAP have no decoder: "—", where Streamlit's grid showed "None"
    assert list(scores.loc[["t-SNE", "UMAP"], "reconstruction MSE"]) == ["—", "—"]
    assert "neighbor_weight=0.5" in at.code[0].value
    at = click(at.selectbox(key="hp_neighbor_loss").set_value("embedding").run(), "Train")
    assert not at.exception and not at.error
    assert at.session_state["dr_result"].estimator.neighbor_loss == "embedding"
    assert at.query_params["neighbor_loss"] == "embedding"  # in the link too


def check_charts_read_at_a_glance(at):
    """Issue 13: legends of labels, a replay animation, a log-scale switch, thumbnails."""
    digits = [str(d) for d in range(10)]
    for key in ("final_latent", "map_Autoencoder", "map_PCA", "map_t-SNE"):
        assert [t["name"] for t in chart(at, key)["data"]] == digits, key
    for key in ("map_Autoencoder", "map_UMAP"):  # hovering a point shows its digit, drawn
        trace = chart(at, key)["data"][0]
        assert "%{text}" in trace["hovertemplate"], key
        assert any(0x2800 < ord(c) <= 0x28FF for c in trace["text"][0]), key  # braille dots
    replay = chart(at, "final_latent")
    assert [f["name"] for f in replay["frames"]] == ["1", "2"]
    assert [b["label"] for b in replay["layout"]["updatemenus"][0]["buttons"]] == [
        "▶ Play", "❚❚ Pause"]
    assert chart(at, "final_loss")["layout"]["yaxis"]["type"] == "linear"
    at.session_state["map_PCA"] = {"selection": {  # a box around points 7 and 3 of the PCA map
        "points": [{"customdata": 7}, {"customdata": 3}], "point_indices": [], "box": [],
        "lasso": []}}
    at = at.run()
    labels = at.session_state["dr_result"].evaluation[1]
    assert chart(at, "selected_images")["layout"]["xaxis"]["ticktext"] == [
        f"#7 · {labels[7]}", f"#3 · {labels[3]}"]  # their images, above their reconstructions
    at = at.toggle(key="loss_log_scale").set_value(True).run()
    assert chart(at, "final_loss")["layout"]["yaxis"]["type"] == "log"
    at = at.segmented_control(key="dr_map_view").set_value("thumbnails").run()
    assert not at.exception
    for key in ("final_latent", "map_PCA"):
        images = chart(at, key)["layout"]["images"]
        assert len(images) == 300 and images[0]["source"].startswith("data:image/png;base64,")


@pytest.mark.parametrize("field, value, message", [
    ("hp_hidden_layers", "400, two", "whole numbers"),
    ("hp_code_size", 200, "at least as many nodes as the code"),
    ("hp_code_size", 64, "smaller than the input size"),
])
def test_bad_input_shows_an_error_and_disables_training(field, value, message):
    at = open_page(dataset="digits", hp_hidden_layers="64, 64", hp_n_layers=2)
    widget = at.text_input(key=field) if field == "hp_hidden_layers" else at.number_input(key=field)
    at = widget.set_value(value).run()
    assert not at.exception
    assert any(message in e.value for e in at.error)
    assert button(at, "Train").disabled is True


def test_blank_nodes_field_is_refused_while_the_layer_count_says_otherwise():
    """Issue 10, kind 8: a blank field trained 0 hidden layers under "Number of hidden layers 3"."""
    at = open_page(dataset="digits")
    at = at.text_input(key="hp_hidden_layers").set_value("").run()
    assert not at.exception
    assert at.number_input(key="hp_n_layers").value == 3
    assert any("Nodes per layer is empty but Number of hidden layers is 3" in e.value
               for e in at.error)
    assert button(at, "Train").disabled is True
    at = at.number_input(key="hp_n_layers").set_value(0).run()  # no hidden layers, on purpose
    assert not at.error
    assert any(c.value.startswith("Network: 64-2-64 ") for c in at.caption)


def test_widths_typed_by_hand_update_the_layer_count_and_first_width():
    at = open_page(dataset="digits")
    at = at.text_input(key="hp_hidden_layers").set_value("48, 24").run()
    assert not at.error
    assert at.number_input(key="hp_n_layers").value == 2
    assert at.number_input(key="hp_first_layer").value == 48
    assert any(c.value.startswith("Network: 64-48-24-2-24-48-64 ") for c in at.caption)


def test_a_run_ended_by_something_else_than_stop_says_so():
    """Issue 10, kind 4: any rerun ends a training; only a Stop click reads as a plain stop."""
    at = click(open_page(dataset="digits", dr_n_train=300, hp_epochs=2, hp_hidden_layers="16",
                         hp_n_layers=1), "Train")
    at.session_state["dr_result"].estimator.log_.status = "stopped"
    at.session_state["dr_result_stop_clicked"] = False  # a changed control, or another page
    at.session_state["vae_result_stop_clicked"] = True  # another page's Stop is not this one's
    at = at.run()
    assert any(w.value.startswith("Stopped after 2 of 2 epochs") and "not the Stop button"
               in w.value for w in at.warning)
    at.session_state["dr_result_stop_clicked"] = True
    at = at.run()
    result = at.session_state["dr_result"]
    run_id = result.memo("run id", lambda: None)
    assert [w.value for w in at.warning if "Stopped after" in w.value] == [
        f"{result.estimator.log_.outcome()} Saved as run {run_id} (see the Runs page)."]


def test_a_failed_training_says_why_and_leaves_train_usable():
    at = open_page(dataset="digits")
    at.session_state["dr_result_failure"] = ("The training process ended without an answer (it "
                                             "crashed); the server is fine: press Train to try "
                                             "again.")
    at = at.run()
    assert not at.exception
    assert any("crashed" in e.value for e in at.error)
    assert button(at, "Train").disabled is False


def test_rbm_pretraining_sets_the_activation_aside_and_trains():
    at = open_page(dataset="digits", dr_n_train=300, hp_epochs=1, hp_hidden_layers="16",
                   hp_n_layers=1)
    assert at.number_input(key="hp_rbm_epochs").value == 0
    assert at.selectbox(key="hp_activation").value == "relu"
    at = at.number_input(key="hp_rbm_epochs").set_value(1).run()
    assert not at.error
    assert not [s for s in at.selectbox if s.key == "hp_activation"]  # sigmoid, set aside
    assert any(c.value.startswith("Network: 64-16-2-16-64 · sigmoid · ")
               and c.value.endswith("· RBM pretraining, 1 epoch per layer") for c in at.caption)
    at = click(at, "Train")
    assert not at.exception, at.exception
    assert not at.error
    assert any("Trained 1 epoch in" in s.value for s in at.success)
    assert "rbm_epochs=1" in at.code[0].value
    estimator = at.session_state["dr_result"].estimator
    assert estimator.rbm_epochs == 1 and estimator.status_ == "finished"
