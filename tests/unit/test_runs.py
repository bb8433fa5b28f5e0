"""The run store: runs survive a restart (a new RunStore on the same folder), with their model,
probe frames, history and scores; concurrent adds; refusals leave nothing behind."""

import dataclasses
import sqlite3
import threading

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from aecore import Autoencoder, DivergedError
from aecore.persistence import history_table
from aecore.runs import BASE_COLUMNS, RunStore, store_dir, unlike_conditions


def _fit(digits, **params):
    ae = Autoencoder(**{"code_size": 2, "hidden_layers": (16,), "epochs": 2, "batch_size": 64,
                        **params})
    return ae.fit(digits.x_train[:400], X_val=digits.x_test[:100], probe=digits.x_test[:50])


@pytest.fixture(scope="module")
def fitted(digits):
    return _fit(digits)


def _config(ae, page="reduction", dataset="digits"):
    return {"page": page, "dataset": dataset, "params": ae.get_params(), "n_train": 400}


SCORES = {"5-NN accuracy": 0.75, "reconstruction MSE": 0.03125}


def test_a_run_survives_a_restart(tmp_path, fitted):
    config = _config(fitted)
    run_id = RunStore(tmp_path).add(fitted, config, SCORES, "8×8 digits")

    [run] = RunStore(tmp_path).runs()  # a new store on the same folder: a server restart
    assert run.id == run_id and run.page == "reduction" and run.dataset == "digits"
    assert run.dataset_name == "8×8 digits"
    assert run.config == {**config, "params": {**config["params"], "hidden_layers": [16]}}
    assert run.scores == SCORES
    assert run.status == "finished" and run.epochs_done == 2
    assert run.seconds == fitted.log_.seconds > 0
    pd.testing.assert_frame_equal(run.history, history_table(fitted))
    assert list(run.history.columns) == ["loss", "val_loss", "elapsed_s"]
    assert run.created.endswith("+00:00") and len(run.created) == 25
    assert run.folder == tmp_path / "models" / str(run_id) and run.folder.is_dir()
    assert not list((tmp_path / "models").glob(".tmp-*"))


def test_the_reloaded_estimator_gives_the_same_codes_and_frames(tmp_path, fitted, digits):
    run_id = RunStore(tmp_path).add(fitted, _config(fitted), SCORES, "8×8 digits")
    loaded = RunStore(tmp_path).load_estimator(run_id)
    np.testing.assert_array_equal(loaded.transform(digits.x_test), fitted.transform(digits.x_test))
    assert loaded.log_.epochs_done == 2 and loaded.status_ == "finished"
    for original, replayed in zip(fitted.log_.events, loaded.log_.events, strict=True):
        assert original.frame.shape == (50, 2)
        np.testing.assert_array_equal(replayed.frame, original.frame)
        assert replayed.frame.dtype == original.frame.dtype
        assert replayed.logs == original.logs


def test_a_run_without_probe_frames_loads_with_none(tmp_path, fitted, digits):
    bare = Autoencoder(code_size=2, hidden_layers=(8,), epochs=1, batch_size=64).fit(
        digits.x_train[:100])
    store = RunStore(tmp_path)
    loaded = store.load_estimator(store.add(bare, _config(bare), {}, "8×8 digits"))
    assert [e.frame for e in loaded.log_.events] == [None]


def test_the_table_lists_runs_newest_first_with_scores_and_hyperparameters(tmp_path, fitted):
    store = RunStore(tmp_path)
    empty = store.table()
    assert empty.empty and list(empty.columns) == list(BASE_COLUMNS)
    assert empty.index.name == "id"

    first = store.add(fitted, _config(fitted), {"5-NN accuracy": 0.5}, "8×8 digits")
    params = {**fitted.get_params(), "hidden_layers": (400, 200, 100)}
    second = store.add(fitted, {"page": "denoising", "dataset": "mnist_sample",
                                "params": params, "n_train": 400},
                       {"5-NN accuracy": 0.75, "PSNR gain (dB)": 3.5}, "MNIST sample")

    table = RunStore(tmp_path).table()
    assert list(table.index) == [second, first] and table.index.name == "id"
    assert list(table.columns) == [*BASE_COLUMNS, "5-NN accuracy", "PSNR gain (dB)",
                                   *fitted.get_params()]
    assert table.loc[second, "page"] == "denoising"
    assert table.loc[second, "dataset_name"] == "MNIST sample"
    assert table.loc[second, "hidden_layers"] == "400-200-100"
    assert table.loc[first, "hidden_layers"] == "16"
    assert table.loc[first, "code_size"] == 2 and table.loc[first, "epochs_done"] == 2
    assert np.isnan(table.loc[first, "PSNR gain (dB)"])
    best = table.sort_values("5-NN accuracy", ascending=False)
    assert list(best.index) == [second, first]


def test_delete_removes_the_rows_and_folders(tmp_path, fitted):
    store = RunStore(tmp_path)
    kept, gone = (store.add(fitted, _config(fitted), SCORES, "8×8 digits") for _ in range(2))
    folder = store.get(gone).folder
    store.delete([gone, 999])  # an unknown id is ignored
    assert [run.id for run in RunStore(tmp_path).runs()] == [kept]
    assert not folder.exists() and store.get(kept).folder.is_dir()
    again = store.add(fitted, _config(fitted), SCORES, "8×8 digits")
    assert again not in (kept, gone)  # ids are never reused


def test_a_table_saved_with_a_run_comes_back_with_its_names_and_numbers(tmp_path, fitted):
    store = RunStore(tmp_path)
    run_id = store.add(fitted, _config(fitted), SCORES, "8×8 digits")
    assert store.tables(run_id) == {}
    matrix = pd.DataFrame([[12.5, 9.25], [11.0, 10.75]],
                          index=pd.Index([0.1, 0.3], name="train level"),
                          columns=pd.Index([0.0, 0.5], name="test level"))
    store.save_table(run_id, "robustness", matrix * 0)
    store.save_table(run_id, "robustness", matrix)  # a second save replaces the first
    [(name, table)] = RunStore(tmp_path).tables(run_id).items()
    assert name == "robustness"
    pd.testing.assert_frame_equal(table, matrix)
    with pytest.raises(ValueError, match="letters, digits"):
        store.save_table(run_id, "../escape", matrix)
    with pytest.raises(ValueError, match="no run 99"):
        store.save_table(99, "robustness", matrix)
    store.delete([run_id])
    assert not (tmp_path / "models" / str(run_id)).exists()


def test_a_missing_run_is_a_value_error_naming_it(tmp_path):
    store = RunStore(tmp_path)
    with pytest.raises(ValueError, match=r"There is no run 7 in .*"):
        store.get(7)
    with pytest.raises(ValueError, match="no run 7"):
        store.load_estimator(7)


def test_unusable_estimators_and_bad_configs_are_refused_and_leave_nothing(tmp_path, fitted):
    store = RunStore(tmp_path)
    with pytest.raises(NotFittedError):
        store.add(Autoencoder(), {"page": "reduction", "dataset": "digits"}, {}, "8×8 digits")
    diverged = Autoencoder(**fitted.get_params())
    diverged.__dict__.update(fitted.__dict__)
    diverged.log_ = dataclasses.replace(fitted.log_, status="diverged")
    with pytest.raises(DivergedError, match="diverged"):
        store.add(diverged, _config(diverged), SCORES, "8×8 digits")
    with pytest.raises(ValueError, match='"page"'):
        store.add(fitted, {"dataset": "digits"}, SCORES, "8×8 digits")
    with pytest.raises(ValueError, match="JSON"):
        store.add(fitted, {**_config(fitted), "bad": object()}, SCORES, "8×8 digits")
    assert store.runs() == [] and list((tmp_path / "models").iterdir()) == []


def test_a_failed_save_leaves_no_row_and_no_files(tmp_path, fitted, monkeypatch):
    from aecore import runs

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(runs, "_save_frames", broken)
    store = RunStore(tmp_path)
    with pytest.raises(OSError, match="disk full"):
        store.add(fitted, _config(fitted), SCORES, "8×8 digits")
    assert store.runs() == [] and list((tmp_path / "models").iterdir()) == []


def test_a_failed_rename_rolls_the_row_back(tmp_path, fitted, monkeypatch):
    from pathlib import Path

    rename = Path.rename

    def failing(self, target):
        if Path(target).name.isdigit():
            raise OSError("rename failed")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    store = RunStore(tmp_path)
    with pytest.raises(OSError, match="rename failed"):
        store.add(fitted, _config(fitted), SCORES, "8×8 digits")
    assert store.runs() == [] and list((tmp_path / "models").iterdir()) == []


def test_files_left_by_a_crash_before_the_commit_are_replaced(tmp_path, fitted, digits):
    store = RunStore(tmp_path)
    (tmp_path / "models" / "1").mkdir()  # renamed into place, then the process died
    (tmp_path / "models" / "1" / "junk").write_text("x")
    run_id = store.add(fitted, _config(fitted), SCORES, "8×8 digits")
    assert run_id == 1 and not (tmp_path / "models" / "1" / "junk").exists()
    assert store.load_estimator(run_id).transform(digits.x_test[:3]).shape == (3, 2)


def test_two_threads_adding_at_once_both_succeed(tmp_path, fitted):
    store = RunStore(tmp_path)
    ids, errors, start = [], [], threading.Barrier(2)

    def add():
        try:
            start.wait()
            ids.append(RunStore(tmp_path).add(fitted, _config(fitted), SCORES, "8×8 digits"))
        except Exception as error:  # reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(ids)) == 2
    assert sorted(run.id for run in store.runs()) == sorted(ids)
    assert all(store.get(i).folder.is_dir() for i in ids)


def test_the_database_is_in_wal_mode_and_a_newer_schema_is_refused(tmp_path):
    RunStore(tmp_path)
    with sqlite3.connect(tmp_path / "runs.sqlite") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        connection.execute("PRAGMA user_version = 99")
    with pytest.raises(ValueError, match="newer version of aecore"):
        RunStore(tmp_path)


def test_the_folder_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("AECORE_RUNS_DIR", str(tmp_path / "chosen"))
    assert store_dir() == tmp_path / "chosen"
    assert RunStore().folder == tmp_path / "chosen"
    assert (tmp_path / "chosen" / "runs.sqlite").is_file()

    monkeypatch.delenv("AECORE_RUNS_DIR")
    monkeypatch.setenv("AECORE_HOME", str(tmp_path / "home"))
    assert store_dir() == tmp_path / "home" / "runs"
    monkeypatch.delenv("AECORE_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert store_dir() == tmp_path / "xdg" / "autoencoder-lab" / "runs"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert store_dir() == tmp_path / "user" / ".local" / "share" / "autoencoder-lab" / "runs"


def test_loss_scores_read_as_people_say_them_even_in_runs_saved_with_history_keys(tmp_path,
                                                                                 fitted):
    store = RunStore(tmp_path)
    old = store.add(fitted, _config(fitted), {"final val_loss": 0.25, "final neighbor": 0.5,
                                              "5-NN accuracy": 0.75}, "8×8 digits")
    assert RunStore(tmp_path).get(old).scores == {"final validation loss": 0.25,
                                                  "final neighbour": 0.5, "5-NN accuracy": 0.75}
    assert list(store.table().columns[len(BASE_COLUMNS):][:3]) == [
        "final validation loss", "final neighbour", "5-NN accuracy"]


def test_the_table_leaves_unused_hyperparameters_blank_and_shows_page_settings(tmp_path, fitted):
    """A convolutional denoiser has no code size and a dense one no filters; two denoising runs
    on different noise must say so, or their PSNRs read as like for like."""
    store = RunStore(tmp_path)
    dense = {**_config(fitted, page="denoising"),
             "settings": {"architecture": "Dense", "noise": "speckle", "level": 0.6}}
    conv = {**dense, "params": {**dense["params"], "network": "conv", "filters": 8},
            "settings": {"architecture": "Convolutional", "noise": "gaussian", "level": 0.5}}
    dense_id, conv_id = (store.add(fitted, c, SCORES, "8×8 digits") for c in (dense, conv))
    table = store.table()
    assert table.loc[dense_id, "code_size"] == 2 and pd.isna(table.loc[dense_id, "filters"])
    assert table.loc[conv_id, "filters"] == 8 and pd.isna(table.loc[conv_id, "code_size"])
    assert table.loc[[dense_id, conv_id], "Noise"].tolist() == ["Speckle", "Gaussian"]
    assert table.loc[[dense_id, conv_id], "Noise level"].tolist() == [0.6, 0.5]
    assert list(table.columns[-3:]) == ["Architecture", "Noise", "Noise level"]
    reduction = store.add(fitted, _config(fitted), SCORES, "8×8 digits")
    assert store.table().loc[reduction, ["Noise", "Noise level"]].isna().all()


def test_unlike_conditions_name_what_makes_scores_incomparable(tmp_path, fitted):
    store = RunStore(tmp_path)
    upload = {**_config(fitted, page="denoising", dataset="upload-aaaaaaaaaaaa"),
              "settings": {"noise": "gaussian", "level": 0.5, "noise_seed": 0.0}}
    same_name = {**upload, "dataset": "upload-bbbbbbbbbbbb"}  # another file, also fruit.npz
    ids = [store.add(fitted, config, SCORES, "fruit.npz") for config in (upload, same_name)]
    runs = {i: store.get(i) for i in ids}
    assert unlike_conditions(runs) == {"dataset": {
        ids[0]: "fruit.npz (upload-aaaaaaaaaaaa)", ids[1]: "fruit.npz (upload-bbbbbbbbbbbb)"}}
    mse = store.add(fitted, {**_config(fitted), "params": {**fitted.get_params(), "loss": "mse"}},
                    SCORES, "fruit.npz")
    runs[mse] = store.get(mse)
    unlike = unlike_conditions(runs)
    assert unlike["page"] == {ids[0]: "Denoising", ids[1]: "Denoising",
                              mse: "Dimensionality reduction"}
    assert unlike["reconstruction loss"] == {ids[0]: "BCE", ids[1]: "BCE", mse: "MSE"}
    assert "noise" not in unlike and "Noise" not in unlike  # only the denoising runs have one
    table = store.table()
    assert str(table["Noise seed"].dtype) == "Int64" and table["code_size"].dtype == "int64"
    assert str(table["Noise level"].dtype) == "float64"  # 0.5 stays a fraction
    same = {i: runs[i] for i in ids[:1]}
    assert unlike_conditions(same) == {}


def test_an_uploads_class_is_named_in_tables_and_warnings(tmp_path, fitted):
    """Anomaly runs on an upload store the class as its label number; tables name it."""
    from aecore.uploads import read_upload, save_upload

    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"]).assign(
        species=["setosa", "versicolor", "virgo"] * 20)
    data = read_upload("flowers.csv", table.to_csv(index=False).encode(), "species")
    save_upload(data)
    store = RunStore(tmp_path)

    def anomaly_run(dataset, label):
        config = {**_config(fitted, page="anomaly", dataset=dataset),
                  "settings": {"source": "hold-out", "digit": label}}
        return store.add(fitted, config, SCORES, "flowers.csv")

    virgo, setosa = anomaly_run(data.key, 2), anomaly_run(data.key, 0)
    gone = anomaly_run("upload-000000000000", 1)  # its file is not on this machine
    # all text: a column of "virgo" and 1 broke the Runs page's table (Arrow) on every render
    assert store.table().loc[[virgo, setosa, gone], "The class"].tolist() == ["virgo", "setosa",
                                                                             "1"]
    runs = {i: store.get(i) for i in (virgo, setosa)}
    assert unlike_conditions(runs)["The class"] == {virgo: "virgo", setosa: "setosa"}
