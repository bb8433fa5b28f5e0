"""The Runs page lists stored runs, compares two, opens one on its page and deletes runs."""

import json

import pytest
from streamlit.testing.v1 import AppTest

from aecore.data import evaluation_points, load_dataset
from aecore.runconfig import RunConfig, result_for
from aecore.runs import RunStore, record
from tests.app.apptest import ROOT, plotly_array


@pytest.fixture
def two_runs(tmp_path, monkeypatch):
    """Two short reduction runs on the 8×8 digits (code sizes 2 and 3) in a fresh store."""
    monkeypatch.setenv("AECORE_RUNS_DIR", str(tmp_path))
    store = RunStore()
    for code_size in (2, 3):
        result = result_for(RunConfig("reduction", "digits", n_train=300, params=dict(
            epochs=2, code_size=code_size, hidden_layers=(32,), seed=1)))
        result.fit()
        record(result, store)
    return store


def open_runs() -> AppTest:
    """The Runs page as the app serves it (its Open button switches to another page)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    return at.switch_page("pages/5_Runs.py").run()


def select(at: AppTest, rows: list[int]) -> AppTest:
    """Tick ``rows`` (positions in the table as drawn, as Streamlit reports a selection)."""
    at.session_state[at.session_state["_runs_table_key"]] = {
        "selection": {"rows": rows, "columns": [], "cells": []}}
    return at.run()


def confirm_and_delete(at: AppTest) -> AppTest:
    next(c for c in at.checkbox if c.label.startswith("Yes, delete")).check().run()
    return next(b for b in at.button if b.label.startswith("Delete")).click().run()


def add_run(code_size: int) -> None:
    """One more short reduction run in the store, as a training in another tab or the CLI adds."""
    result = result_for(RunConfig("reduction", "digits", n_train=300, params=dict(
        epochs=1, code_size=code_size, hidden_layers=(32,), seed=1)))
    result.fit()
    record(result, RunStore())


def test_runs_page_lists_the_store_and_compares_two_runs(two_runs):
    at = open_runs()
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table["id"]) == [2, 1] and set(table["code_size"]) == {2, 3}
    headers = {name: config.get("label", name) for name, config in
               json.loads(at.dataframe[0].proto.columns).items()}
    assert headers["id"] == "run" and headers["dataset_name"] == "dataset"
    assert headers["epochs_done"] == "epochs done" and headers["code_size"] == "Code size"
    assert headers["rescale"] == "Min–max scaling"
    assert set(table["page"]) == {"Dimensionality reduction"}  # as the pages are titled
    assert str(table["created"].dtype).startswith("datetime64")
    at = select(at, [0, 1])
    assert not at.exception and not at.error
    charts = {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    assert len(charts["runs_losses"]["data"]) == 4  # train and validation for each run
    assert [t["name"] for t in charts["runs_map_1"]["data"]] == [str(d) for d in range(10)]
    assert charts["runs_map_1"]["data"][0]["type"] == "scatter"
    assert "runs_map_2" in charts
    # named in markdown above the map, not in its title, which the toolbar hid
    assert "**run 1** · Dimensionality reduction" in [m.value for m in at.markdown]
    assert not charts["runs_map_1"]["layout"].get("title", {}).get("text")
    at = at.toggle(key="loss_log_scale").set_value(True).run()
    at.session_state["runs_map_1"] = {"selection": {  # two points picked in run 1's map
        "points": [{"customdata": 5}, {"customdata": 2}], "point_indices": [], "box": [],
        "lasso": []}}
    at = at.run()
    assert not at.exception
    charts = {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    assert charts["runs_losses"]["layout"]["yaxis"]["type"] == "log"
    labels = evaluation_points(load_dataset("digits"))[1]
    shown = charts["runs_selected_1"]["layout"]["xaxis"]["ticktext"]  # the samples' labels
    assert shown == [str(labels[5]), str(labels[2])] and "runs_selected_2" not in charts
    selected = next(c for c in at.get("plotly_chart") if c.key == "runs_selected_1")
    assert json.loads(selected.proto.config)["modeBarButtons"] == [["toImage"]]  # no wrapping
    axes = [d["label"] for d in charts["runs_parcoords"]["data"][0]["dimensions"]]
    assert axes == ["Code size", at.selectbox(key="runs_score").value]
    scores = at.dataframe[1].value
    assert list(scores.columns) == ["run 2", "run 1"] and "5-NN accuracy" in scores.index


@pytest.mark.parametrize("source", ["hold-out", "breast-cancer"])
def test_an_anomaly_runs_map_shows_its_own_test_rows_as_normal_and_anomalous(two_runs, source):
    result = result_for(RunConfig("anomaly", "digits", params=dict(
        epochs=1, code_size=2, hidden_layers=(16,), seed=1), settings=dict(source=source)))
    result.fit()
    record(result, two_runs)
    at = select(open_runs(), [0, 1])  # the anomaly run (3) and reduction run 2
    at.session_state["runs_map_3"] = {"selection": {
        "points": [{"customdata": 4}], "point_indices": [], "box": [], "lasso": []}}
    at = at.run()
    assert not at.exception and not at.error
    charts = {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    assert [t["name"] for t in charts["runs_map_3"]["data"]] == ["normal", "anomalous"]
    [differs] = [w.value for w in at.warning if "differ in" in w.value]
    assert differs.startswith("These runs differ in page (run 3: Anomaly detection, run 2: "
                              "Dimensionality reduction)")
    assert ("dataset (run 3: Breast cancer" in differs) == (source == "breast-cancer")
    expected_name = "Breast cancer (30 features)" if source == "breast-cancer" else "8×8 digits"
    assert at.dataframe[0].value.set_index("id").loc[3, "dataset_name"] == expected_name
    n_points = sum(len(plotly_array(t["customdata"])) for t in charts["runs_map_3"]["data"])
    assert n_points == len(result.setup.x_test)
    shown = charts["runs_selected_3"]["layout"]["xaxis"]["ticktext"]  # the row's own label
    status = ["normal", "anomalous"][result.setup.y_test[4]]
    assert shown == [f"{result.setup.test_classes[4]} · {status}"]  # e.g. "7 · anomalous"
    height, width = result.setup.image_shape or (1, result.setup.x_test.shape[1])
    layout = charts["runs_selected_3"]["layout"]  # drawn in its own shape: a row is 1 × 30
    assert layout["yaxis"]["tickvals"] == [height / 2] and layout["xaxis"]["tickvals"] == [
        width / 2]
    score = next(o for o in at.selectbox(key="runs_score").options if "AUROC" in o)
    at = at.selectbox(key="runs_score").set_value(score).run()  # the anomaly run's only
    assert not at.exception and "runs_parcoords" not in [c.key for c in at.get("plotly_chart")]
    assert any("only run 3 has it" in i.value for i in at.info)


def test_a_conditional_vae_run_is_compared_and_exported_with_its_labels(two_runs):
    result = result_for(RunConfig("vae", "digits", n_train=300, params=dict(
        epochs=1, code_size=2, hidden_layers=(16,), conditional=True, seed=1)))
    result.fit()
    record(result, two_runs)
    assert result.codes_table().shape == (len(result.evaluation[0]), 4)  # label, class, codes
    at = select(open_runs(), [0, 1])  # the VAE run (3) and reduction run 2
    assert not at.exception and not at.error, [e.value for e in at.error]
    charts = {c.key: json.loads(c.proto.spec) for c in at.get("plotly_chart")}
    assert "runs_map_3" in charts


def test_denoising_runs_on_different_noise_say_so_and_chart_it(two_runs):
    for noise, level in (("gaussian", 0.5), ("speckle", 0.6)):
        result = result_for(RunConfig("denoising", "digits", n_train=300, params=dict(
            epochs=1, code_size=8, hidden_layers=(16,), seed=1), settings=dict(
            architecture="Dense", noise=noise, level=level)))
        result.fit()
        record(result, two_runs)
    at = select(open_runs(), [0, 1])  # runs 4 and 3
    assert not at.exception and not at.error
    [warning] = [w.value for w in at.warning if "differ in" in w.value]
    assert warning == ("These runs differ in noise (run 4: Speckle, run 3: Gaussian), noise "
                       "level (run 4: 0.6, run 3: 0.5), so their losses and scores are not like "
                       "for like.")
    at = at.selectbox(key="runs_score").set_value("PSNR (dB)").run()
    parcoords = json.loads(next(c for c in at.get("plotly_chart")
                                if c.key == "runs_parcoords").proto.spec)
    axes = [d["label"] for d in parcoords["data"][0]["dimensions"]]
    assert axes == ["Noise", "Noise level", "PSNR (dB)"]


def test_a_run_opens_on_its_page_with_its_settings_and_model(two_runs):
    at = select(open_runs(), [0])
    next(b for b in at.button if b.label == "Open on its page").click().run()
    assert not at.exception, at.exception
    assert at.session_state["hp_code_size"] == 3 and at.session_state["dataset"] == "digits"
    assert any(i.value.startswith("Run 2 from the Runs page, as it was saved; nothing was "
                                  "retrained. Trained 2 epochs in") for i in at.info)
    assert not at.success  # not "Trained … Saved as run 2", as if it had just trained
    assert not [i for i in at.info if "Changed since" in i.value]  # the widgets are the run's
    codes = at.session_state["dr_result"].held_out_codes
    expected = two_runs.load_estimator(2).transform(at.session_state["dr_result"].evaluation[0])
    assert (codes == expected).all()


def test_deleting_needs_a_confirmation(two_runs):
    at = select(open_runs(), [1])
    delete = next(b for b in at.button if b.label.startswith("Delete"))
    assert delete.disabled
    assert [c.label for c in at.checkbox] == ["Yes, delete 1 run"]  # not "1 run(s)"
    at = confirm_and_delete(at)
    assert not at.exception
    assert list(at.dataframe[0].value["id"]) == [2]
    assert [run.id for run in two_runs.runs()] == [2]
    assert [s.value for s in at.success] == ["Deleted run 1."]  # the run did not just vanish
    assert not at.run().success  # said once


def test_after_a_delete_nothing_is_ticked_and_the_next_delete_asks_again(two_runs):
    """Deleting the last rows left their positions ticked: the page crashed (IndexError), and
    the run that moved up into a ticked row was one click from deletion, already confirmed."""
    add_run(4)
    at = confirm_and_delete(select(open_runs(), [1, 2]))  # runs 2 and 1, the last two rows
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value["id"]) == [3] and [r.id for r in two_runs.runs()] == [3]
    assert not [b for b in at.button if b.label.startswith("Delete")]  # nothing ticked
    at = select(at, [0])
    assert not next(c for c in at.checkbox if c.label.startswith("Yes, delete")).value
    assert next(b for b in at.button if b.label.startswith("Delete")).disabled


def test_a_run_added_elsewhere_after_ticking_does_not_shift_the_selection_onto_it(two_runs):
    """Run 2 ticked (row 0), then run 3 saved by another tab: row 0 became run 3, and deleting
    deleted run 3, never ticked."""
    at = select(open_runs(), [0])
    add_run(4)
    at = at.run()
    assert not at.exception
    assert any("The runs changed since you selected" in i.value for i in at.info)
    assert not [b for b in at.button if b.label.startswith(("Delete", "Open"))]
    assert sorted(run.id for run in two_runs.runs()) == [1, 2, 3]
    at = select(at, [1])  # chosen again: row 1 is now run 2
    at = confirm_and_delete(at)
    assert sorted(run.id for run in two_runs.runs()) == [1, 3]


def test_a_compare_link_opens_the_comparison_and_names_unknown_runs(two_runs):
    ids = [run.id for run in two_runs.runs()]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at = at.switch_page("pages/5_Runs.py")
    at.query_params["compare"] = f"{ids[0]},{ids[1]},999,abc,{ids[0]}"
    at = at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["Not in the run store, so not compared: run 999.",
                                             "Not run numbers, so ignored: abc."]
    scores = at.dataframe[1].value
    assert list(scores.columns) == [f"run {ids[0]}", f"run {ids[1]}"]
    assert not [b for b in at.button if b.label.startswith("Delete")]  # a link deletes nothing
    assert not at.checkbox  # no "Yes, delete" for runs the user did not tick
    assert any(f"runs {ids[0]}, {ids[1]} from the link" in c.value for c in at.caption)


def test_a_run_opens_with_its_settings_after_its_page_was_last_used_with_others(two_runs):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at = at.switch_page("pages/1_Dimensionality_Reduction.py").run()
    at.selectbox(key="dataset").select("mnist_sample").run()
    at.number_input(key="hp_code_size").set_value(5).run()
    at = select(at.switch_page("pages/5_Runs.py").run(), [0])
    next(b for b in at.button if b.label == "Open on its page").click().run()
    assert not at.exception, at.exception
    assert at.session_state["hp_code_size"] == 3 and at.session_state["dataset"] == "digits"
    assert any(i.value.startswith("Run 2 from the Runs page, as it was saved; nothing was "
                                  "retrained. Trained 2 epochs in") for i in at.info)
    assert not at.success  # not "Trained … Saved as run 2", as if it had just trained
    assert not [i for i in at.info if "Changed since" in i.value]


def test_compare_given_twice_in_a_link_compares_the_runs_of_both(two_runs):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at = at.switch_page("pages/5_Runs.py")
    at.query_params["compare"] = ["2", "1"]
    at = at.run()
    assert not at.exception
    assert list(at.dataframe[1].value.columns) == ["run 2", "run 1"]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at = at.switch_page("pages/5_Runs.py")
    at.query_params["compare"] = "2"
    at = at.run()
    assert any(c.value.startswith("Showing run 2 from the link") for c in at.caption)


def test_a_score_that_does_not_apply_to_a_run_shows_a_dash_not_none(two_runs):
    result = result_for(RunConfig("vae", "digits", n_train=300, params=dict(
        epochs=1, hidden_layers=(32,), seed=1)))
    result.fit()
    vae_run = record(result, RunStore())
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at = at.switch_page("pages/5_Runs.py")
    at.query_params["compare"] = f"1,{vae_run}"
    at = at.run()
    assert not at.exception
    scores = at.dataframe[1].value
    reduction = two_runs.get(1).scores
    # the grid showed "None" for these: a VAE has no 5-NN here, a plain autoencoder no KL
    assert scores.loc["5-NN accuracy", f"run {vae_run}"] == "—"
    assert scores.loc["5-NN accuracy", "run 1"] == format(reduction["5-NN accuracy"], ".4f")
    assert scores.loc["final KL", "run 1"] == "—"
    assert scores.loc["final KL", f"run {vae_run}"] != "—"


def test_a_link_naming_more_runs_than_can_be_compared_says_so_as_a_link(two_runs):
    """'Select at most 6 runs to compare; you selected 7' for runs the link chose."""
    first = two_runs.runs()[-1]
    estimator = two_runs.load_estimator(first.id)
    for _ in range(5):  # seven runs in all
        two_runs.add(estimator, first.config, first.scores, first.dataset_name)
    ids = [run.id for run in two_runs.runs()]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run()
    at = at.switch_page("pages/5_Runs.py")
    at.query_params["compare"] = ",".join(map(str, ids))
    at = at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "At most 6 runs can be compared; the link names 7: select up to 6 rows."]
