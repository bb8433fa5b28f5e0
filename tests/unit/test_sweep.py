"""Sweeps: one real training per value through joblib's loky workers or a local Ray instance,
each stored as a run with its held-out scores beside PCA's; Stop (or a callback's exception)
cancels what has not started and keeps what finished; a value that cannot train fails alone;
the values' parser; the sweep's curve."""

import math
import sys

import numpy as np
import pandas as pd
import pytest

from aecore import plots
from aecore.runconfig import RunConfig
from aecore.runs import RunStore
from aecore.sweep import MAX_VALUES, SCORE_COLUMNS, SWEEPABLE, Sweep, parse_values

CONFIG = RunConfig("reduction", "digits", {"epochs": 1, "hidden_layers": (32,), "batch_size": 64,
                                           "seed": 0}, n_train=300)
FINAL_STATES = {"done", "stopped", "cancelled", "failed"}


@pytest.fixture(autouse=True)
def no_cluster(monkeypatch):
    """The loky backend unless a test asks for Ray."""
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.delenv("AECORE_RAY_ADDRESS", raising=False)


@pytest.fixture
def local_ray(monkeypatch):
    """Ray's path on a Ray instance started on this machine (address "local"), shut after."""
    monkeypatch.setenv("AECORE_RAY_ADDRESS", "local")
    yield
    import ray

    ray.shutdown()


def _two_value_sweep(tmp_path) -> tuple[Sweep, RunStore, list]:
    store = RunStore(tmp_path / "runs")
    sweep = Sweep(CONFIG, "code_size", [2, 3], n_jobs=2, store=store)
    updates = []
    sweep.run(on_update=lambda jobs: updates.append([(job.state, job.epoch) for job in jobs]))
    return sweep, store, updates


def _check_one_run_per_value(sweep: Sweep, store: RunStore, updates: list) -> None:
    assert [job.state for job in sweep.jobs] == ["done", "done"]
    assert updates[0] == [("waiting", 0), ("waiting", 0)]
    assert any(state == "running" for update in updates for state, _ in update)  # progress seen
    assert updates[-1] == [("done", 1), ("done", 1)]
    runs = {run.id: run for run in store.runs()}
    assert sorted(runs) == sorted(job.run_id for job in sweep.jobs)
    for job in sweep.jobs:
        run = runs[job.run_id]
        assert run.config["params"]["code_size"] == job.value and run.status == "finished"
        assert run.scores["reconstruction MSE"] == job.scores["reconstruction MSE"]
        assert job.epoch == job.epochs == 1 and job.seconds > 0
        # the worker's per-epoch probe codes came back with the model
        assert store.load_estimator(job.run_id).log_.events[0].frame.shape[1] == job.value
    table = sweep.table()
    assert list(table.columns) == ["code_size", "state", "epochs trained", *SCORE_COLUMNS,
                                   "seconds", "run id", "note"]
    assert table["epochs trained"].tolist() == [1, 1]
    assert table["code_size"].tolist() == [2, 3]
    assert table["run id"].tolist() == [job.run_id for job in sweep.jobs]
    two, three = table.to_dict("records")
    assert 0 < three["PCA reconstruction MSE"] < two["PCA reconstruction MSE"]  # more components
    assert 0 <= two["5-NN accuracy"] <= 1 and 0 <= two["PCA 5-NN accuracy"] <= 1
    # a 3-D code's map scored as on the page and the Runs page (it read "—" here only)
    assert three["5-NN accuracy"] == runs[sweep.jobs[1].run_id].scores["5-NN accuracy"]
    assert three["PCA 5-NN accuracy"] == two["PCA 5-NN accuracy"]  # PCA's 2-D map either way


def test_a_two_value_sweep_with_loky_stores_one_run_per_value(tmp_path):
    sweep, store, updates = _two_value_sweep(tmp_path)
    assert sweep.backend == "loky"
    _check_one_run_per_value(sweep, store, updates)


def test_a_two_value_sweep_on_a_local_ray_instance_stores_one_run_per_value(tmp_path,
                                                                          local_ray):
    sweep, store, updates = _two_value_sweep(tmp_path)
    assert sweep.backend == "ray"
    _check_one_run_per_value(sweep, store, updates)


def test_stop_before_the_start_cancels_every_job(tmp_path):
    store = RunStore(tmp_path / "runs")
    sweep = Sweep(CONFIG, "code_size", [2, 3, 4], store=store)
    sweep.run(should_stop=lambda: True)
    assert [job.state for job in sweep.jobs] == ["cancelled"] * 3
    assert store.runs() == [] and sweep.table()["run id"].isna().all()
    with pytest.raises(RuntimeError, match="already run"):
        sweep.run()


def _long_epochs_sweep(tmp_path) -> tuple[Sweep, RunStore]:
    """One job of 1 epoch, then two that would train for seconds, one at a time here."""
    store = RunStore(tmp_path / "runs")
    return Sweep(CONFIG, "epochs", [1, 400, 500], n_jobs=1, store=store), store


def _check_stopped_early(sweep: Sweep, store: RunStore) -> None:
    """Nothing trained to its end after the stop; what trained an epoch or more is stored."""
    assert {job.state for job in sweep.jobs} <= FINAL_STATES
    for job in sweep.jobs[1:]:
        assert job.state in ("stopped", "cancelled") and job.epoch < job.epochs
        assert (job.run_id is not None) == (job.state == "stopped" and job.epoch >= 1)
    assert sweep.jobs[2].state == "cancelled" and sweep.jobs[2].epoch == 0
    assert sorted(run.id for run in store.runs()) == sorted(
        job.run_id for job in sweep.jobs if job.run_id is not None)


def test_a_stop_after_the_first_job_keeps_it_and_cancels_the_rest(tmp_path):
    sweep, store = _long_epochs_sweep(tmp_path)
    sweep.run(should_stop=lambda: sweep.jobs[0].state == "done")
    first = sweep.jobs[0]
    assert first.state == "done" and first.run_id is not None and first.scores
    _check_stopped_early(sweep, store)


def test_an_exception_from_on_update_stops_the_sweep_and_is_raised_again(tmp_path):
    sweep, store = _long_epochs_sweep(tmp_path)

    def on_update(jobs):
        if jobs[1].state == "running":
            raise KeyboardInterrupt  # as Streamlit ends a script run: not an Exception

    with pytest.raises(KeyboardInterrupt):
        sweep.run(on_update=on_update)
    assert sweep.jobs[0].state == "done" and sweep.jobs[0].run_id is not None
    _check_stopped_early(sweep, store)


def test_a_value_that_cannot_train_fails_alone(tmp_path):
    store = RunStore(tmp_path / "runs")
    sweep = Sweep(CONFIG, "code_size", [2, 64], store=store)  # 64 > the hidden layer's 32
    sweep.run()
    done, failed = sweep.jobs
    assert done.state == "done" and done.run_id is not None
    assert failed.state == "failed" and failed.run_id is None
    assert "code" in failed.error and "\n" not in failed.error
    assert [run.id for run in store.runs()] == [done.run_id]


@pytest.mark.parametrize("param, text, expected", [
    ("code_size", "1,2,4,8", [1, 2, 4, 8]),
    ("learning_rate", " 0.001, 0.01 ,", [0.001, 0.01]),
    ("input_noise", "0,0.5", [0.0, 0.5]),
])
def test_parse_values_reads_comma_separated_values(param, text, expected):
    assert parse_values(param, text) == expected
    assert param in SWEEPABLE


@pytest.mark.parametrize("param, text, message", [
    ("loss", "mse,bce", "Cannot sweep 'loss'"),
    ("code_size", "4", "at least 2 values"),
    ("code_size", ",".join(map(str, range(1, MAX_VALUES + 2))), f"at most {MAX_VALUES}"),
    ("code_size", "2,4,2", "given twice"),
    ("code_size", "2,four", "must be a number"),
    ("code_size", "0,2", "between 1 and 256"),
    ("epochs", "1.5,2", "whole number"),
])
def test_parse_values_refuses_bad_input_with_one_sentence(param, text, message):
    with pytest.raises(ValueError, match=message) as error:
        parse_values(param, text)
    assert "\n" not in str(error.value)


def test_a_sweep_refuses_other_pages_and_parameters():
    with pytest.raises(ValueError, match="Dimensionality reduction"):
        Sweep(RunConfig("vae", "digits"), "epochs", [1, 2])
    with pytest.raises(ValueError, match="Cannot sweep"):
        Sweep(CONFIG, "activation", ["relu", "tanh"])
    with pytest.raises(ValueError, match="n_jobs"):
        Sweep(CONFIG, "epochs", [1, 2], n_jobs=0)


def test_a_ray_address_without_ray_installed_says_how_to_get_it(monkeypatch):
    monkeypatch.setenv("RAY_ADDRESS", "ray://cluster:10001")
    monkeypatch.setitem(sys.modules, "ray", None)  # Python's own "cannot be imported" mark
    with pytest.raises(ValueError, match=r"RAY_ADDRESS is set.*Ray is not installed.*cluster"):
        Sweep(CONFIG, "epochs", [1, 2])


def _table(values, mse, pca_mse, knn=None) -> pd.DataFrame:
    nan = [math.nan] * len(values)
    return pd.DataFrame({"code_size": values, "reconstruction MSE": mse,
                         "PCA reconstruction MSE": pca_mse,
                         "5-NN accuracy": nan if knn is None else knn,
                         "PCA 5-NN accuracy": nan if knn is None else [0.4] * len(values)})


def test_the_sweep_curve_draws_both_methods_on_a_log_axis_with_ticks_at_the_values():
    table = _table([8, 1, 2, 4], [0.02, 0.06, 0.05, math.nan], [0.03, 0.07, 0.06, 0.05],
                   knn=[math.nan, math.nan, 0.7, math.nan])
    fig = plots.sweep_curve(table, "code_size")
    names = [(trace.name, trace.xaxis) for trace in fig.data]
    assert names == [("Autoencoder", "x"), ("PCA", "x"), ("Autoencoder", "x2"), ("PCA", "x2")]
    assert list(fig.data[0].x) == [1, 2, 4, 8] and fig.data[0].connectgaps
    assert np.allclose(fig.data[0].y, [0.06, 0.05, math.nan, 0.02], equal_nan=True)
    assert fig.layout.xaxis.type == "log" and list(fig.layout.xaxis.tickvals) == [1, 2, 4, 8]
    assert list(fig.layout.xaxis.ticktext) == ["1", "2", "4", "8"]
    assert tuple(fig.layout.yaxis2.range) == (0, 1)


def test_the_sweep_curve_is_one_linear_panel_without_accuracies_or_a_wide_span():
    fig = plots.sweep_curve(_table([2, 3], [0.05, 0.04], [0.06, 0.05]), "code_size")
    assert len(fig.data) == 2 and fig.layout.xaxis.type == "linear"
    assert "xaxis2" not in fig.layout
    assert np.allclose(fig.data[1].y, [0.06, 0.05])


def test_values_a_network_cannot_take_are_found_before_any_training():
    from sklearn.datasets import load_digits

    from aecore.estimators import Autoencoder
    from aecore.sweep import unfit_values

    X = load_digits().data / 16
    network = Autoencoder(hidden_layers=(16,), epochs=1)
    assert unfit_values(network, "code_size", [1, 2, 16], X) == {}
    refused = unfit_values(network, "code_size", [2, 32, 64], X)
    assert list(refused) == [32, 64] and "16" in refused[32] and "\n" not in refused[32]


@pytest.mark.parametrize(("errors", "flat"), [([0.0726, 0.0606], False), ([0.0700, 0.0690], True),
                                              ([0.07, None], False)])
def test_an_error_that_hardly_changes_is_told_apart_and_runs_come_in_value_order(
        tmp_path, errors, flat):
    """The page said the error 'hardly changes' after every code-size sweep (0.0726 → 0.0606
    too), and linked the runs to compare in the order they finished."""
    sweep = Sweep(CONFIG, "code_size", [1, 2], store=RunStore(tmp_path / "runs"))
    for job, error, run_id in zip(sweep.jobs, errors, (8, 7), strict=True):
        if error is not None:
            job.state, job.run_id, job.scores = "done", run_id, {"reconstruction MSE": error}
    assert sweep.error_hardly_changes() is flat
    assert sweep.run_ids_by_value() == ([8, 7] if None not in errors else [8])
