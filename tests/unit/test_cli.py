"""``python -m aecore``: a real training from a config file writes the run's folder and store
row with the history the page's own fit gives; a user's mistake is one ``error:`` line and exit
2; Ctrl-C stops the fit; the device helper's CPU path."""

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aecore import cli, devices
from aecore.data import load_dataset
from aecore.events import EpochEvent, StageEvent, TrainingLog
from aecore.runconfig import RunConfig, result_for
from aecore.runs import RunStore

ROOT = Path(__file__).resolve().parents[2]
CONFIG = {"page": "reduction", "dataset": "digits", "n_train": 300,
          "params": {"epochs": 1, "hidden_layers": [32], "code_size": 2, "batch_size": 64,
                     "seed": 0}}
RUN_FILES = {"model.keras", "estimator.json", "history.csv", "config.json", "scores.json"}


def _environment(home: Path) -> dict[str, str]:
    return {**os.environ, "AECORE_HOME": str(home), "AECORE_RUNS_DIR": str(home / "runs"),
            "AECORE_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT),
                                                        os.environ.get("PYTHONPATH")]))}


def _aecore(home: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aecore", *args], cwd=home,
                          env=_environment(home), capture_output=True, text=True, timeout=300)


def _config_file(folder: Path, config=CONFIG, name: str = "run.json") -> Path:
    path = folder / name
    path.write_text(config if isinstance(config, str) else json.dumps(config))
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One real ``train`` run (piped, so plain progress lines; ``--data`` names the config's
    dataset in another case) and the ``runs`` listing."""
    home = tmp_path_factory.mktemp("cli")
    config = _config_file(home)
    train = _aecore(home, "train", "--config", str(config), "--out", str(home / "out"),
                    "--data", "Digits")
    listing = _aecore(home, "runs")
    table = _aecore(home, "runs", "--csv")
    return home, train, listing, table


def test_train_writes_the_run_folder_and_stores_it(trained):
    home, train, listing, table = trained
    assert train.returncode == 0, train.stderr
    assert "Traceback" not in train.stderr
    out = home / "out"
    assert RUN_FILES <= {p.name for p in out.iterdir()}
    assert train.stdout.strip() == (f"Run 1 saved: {out} (open it on the app's Runs page)")
    # config.json is the run's full config, which the CLI reads back unchanged
    written = RunConfig.from_json((out / "config.json").read_text())
    assert written == RunConfig.from_json(json.dumps(written.to_dict()))
    assert written.page == "reduction" and written.dataset == "digits" and written.n_train == 300
    assert written.params["code_size"] == 2 and written.params["hidden_layers"] == (32,)
    assert written.params["epochs"] == 1 and len(written.params) > len(CONFIG["params"])
    scores = json.loads((out / "scores.json").read_text())
    assert {"5-NN accuracy", "reconstruction MSE"} <= set(scores)
    assert "final validation loss" in scores  # the last epoch's losses
    # … also under the name a neighbour-loss run or a VAE gives its reconstruction
    assert scores["final validation reconstruction"] == scores["final validation loss"]

    [run] = RunStore(home / "runs").runs()
    assert run.id == 1 and run.status == "finished" and run.epochs_done == 1
    assert run.config == written.to_dict() and run.scores == pytest.approx(scores)
    assert run.dataset_name == "8×8 digits"

    assert listing.returncode == 0, listing.stderr
    header, row = listing.stdout.splitlines()  # one line a run, its scores at the end
    assert header.split() == ["run", "created", "page", "dataset", "status", "epochs",
                              "seconds", "scores"]
    assert row.split()[0] == "1" and "Dimensionality reduction" in row and "finished" in row
    assert f"5-NN accuracy {scores['5-NN accuracy']:.4g}" in row and "nan" not in row.lower()
    stored = pd.read_csv(io.StringIO(table.stdout), index_col="id")  # --csv: every column
    assert stored.loc[1, "code_size"] == 2 and stored.loc[1, "page"] == "reduction"


def test_an_out_folder_that_holds_a_run_is_refused_before_training(trained, monkeypatch):
    home = trained[0]
    for name in ("AECORE_HOME", "AECORE_RUNS_DIR", "AECORE_OFFLINE"):
        monkeypatch.setenv(name, _environment(home)[name])
    before = (home / "out" / "history.csv").read_text()
    code, out, err = _run_main("train", "--config", str(home / "run.json"), "--out",
                               str(home / "out"))
    assert code == 2 and out == ""
    assert err.strip() == (f"error: --out {home / 'out'} already holds model.keras, "
                           "estimator.json, history.csv, config.json, scores.json of an earlier "
                           "run; give another folder, or add --overwrite to replace them.")
    assert (home / "out" / "history.csv").read_text() == before
    assert len(RunStore(home / "runs").runs()) == 1


def test_an_out_folder_that_holds_another_kind_of_run_is_refused_too(trained, monkeypatch):
    """A sweep wrote its table into a train run's folder, and a train into a sweep's."""
    home = trained[0]
    for name in ("AECORE_HOME", "AECORE_RUNS_DIR", "AECORE_OFFLINE"):
        monkeypatch.setenv(name, _environment(home)[name])
    code, _, err = _run_main("sweep", "--config", str(home / "run.json"), "--param",
                             "code_size", "--values", "2,3", "--out", str(home / "out"),
                             "--overwrite")
    assert code == 2 and err.strip() == (
        f"error: --out {home / 'out'} already holds model.keras, estimator.json, history.csv, "
        "config.json, scores.json of an earlier run; give another folder.")
    (home / "swept").mkdir()
    (home / "swept" / "sweep.csv").write_text("code_size\n2\n")
    code, _, err = _run_main("train", "--config", str(home / "run.json"), "--out",
                             str(home / "swept"))
    assert code == 2 and err.strip() == (f"error: --out {home / 'swept'} already holds "
                                         "sweep.csv of an earlier sweep; give another folder.")
    assert len(RunStore(home / "runs").runs()) == 1


def test_a_listing_cut_short_by_a_closed_pipe_ends_without_a_traceback(trained):
    home = trained[0]
    process = subprocess.Popen([sys.executable, "-m", "aecore", "runs"], cwd=home,
                               env=_environment(home), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    process.stdout.close()  # as `| head -0` does, before anything is written
    err = process.stderr.read()
    assert process.wait(timeout=120) == 1 and err == ""


def test_same_config_same_seed_gives_the_same_history_as_the_page(trained):
    home, train, *_ = trained
    assert train.returncode == 0, train.stderr
    result = result_for(RunConfig.from_dict(CONFIG))
    result.fit()
    history = pd.read_csv(home / "out" / "history.csv", index_col="epoch")
    expected = result.estimator.history_
    assert set(expected) == {"loss", "val_loss"}
    for name, values in expected.items():
        assert np.allclose(history[name].to_numpy(), values, rtol=1e-6, atol=0), name


def test_piped_progress_is_plain_lines(trained):
    _, train, *_ = trained
    lines = train.stderr.splitlines()
    [epoch] = [line for line in lines if line.startswith("epoch ")]
    assert epoch.startswith("epoch 1/1  loss ") and " validation loss " in epoch
    assert epoch.endswith(" s") and "\r" not in train.stderr
    assert any(line.endswith("on CPU.") for line in lines)  # the device line
    assert ("Training the Dimensionality reduction page's model on 8×8 digits: 300 training "
            "images, on CPU.") in lines
    assert "absl::InitializeLog" not in train.stderr and "oneDNN" not in train.stderr


@pytest.mark.parametrize("config, extra", [
    ({**CONFIG, "params": {**CONFIG["params"], "code_size": 9999}}, ()),
    ('{"page": "reduction", "params": {', ()),
    ({**CONFIG, "dataset": "cifar"}, ()),
    (CONFIG, ("--data", "cifar")),
    ({**CONFIG, "params": {"units": 3}}, ()),
    (None, ()),  # no such file
], ids=["out-of-range", "invalid-json", "unknown-dataset", "unknown-data", "unknown-param",
        "missing-file"])
def test_a_users_mistake_is_one_error_line_and_exit_2(tmp_path, config, extra):
    path = tmp_path / "missing.json" if config is None else _config_file(tmp_path, config)
    done = _aecore(tmp_path, "train", "--config", str(path), "--out", str(tmp_path / "out"),
                   *extra)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert not (tmp_path / "out").exists()


def _run_main(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(list(args))
        except SystemExit as exit_:  # argparse
            code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("AECORE_HOME", str(tmp_path))
    monkeypatch.setenv("AECORE_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("AECORE_OFFLINE", "1")
    return tmp_path


def test_usage_errors_and_an_empty_store(home):
    code, _, err = _run_main("train", "--out", str(home / "out"))  # no --config
    assert code == 2 and "--config" in err
    code, out, _ = _run_main("runs")
    assert code == 0 and out.strip() == f"No runs yet in {home / 'runs'}."
    assert not (home / "runs").exists()  # listing made no store
    code, out, _ = _run_main("runs", "--store", str(home / "elsewhere"))
    assert out.strip() == f"No runs yet in {home / 'elsewhere'}."
    assert not (home / "elsewhere").exists()
    (home / "documents").mkdir()  # an existing folder that holds no store is left as it was
    code, out, _ = _run_main("runs", "--store", str(home / "documents"))
    assert out.strip() == f"No runs yet in {home / 'documents'}."
    assert list((home / "documents").iterdir()) == []
    code, _, err = _run_main("trian")
    assert code == 2 and err.startswith("error: argument COMMAND: invalid choice: 'trian'")
    assert len(err.strip().splitlines()) == 1


def test_a_file_read_upload_refuses_is_an_error_line(home):
    bad = home / "table.csv"
    bad.write_text("a,b\n1,x\n2,y\n")
    code, _, err = _run_main("train", "--config", str(_config_file(home)), "--data", str(bad),
                             "--out", str(home / "out"))
    assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    code, _, err = _run_main("train", "--config", str(_config_file(home)), "--data",
                             str(home / "absent.npz"), "--out", str(home / "out"))
    assert code == 2 and err.startswith("error: no data file")


@pytest.mark.parametrize(("option", "labels"), [
    ((), "labels from column 'Label' (2 classes)"), (("--label-column", ""), "no labels")])
def test_a_csv_column_named_label_holds_the_labels_as_in_the_app_unless_told_none(
        home, option, labels):
    table = home / "table.csv"
    rng = np.random.default_rng(0)
    pd.DataFrame(rng.random((150, 4)), columns=list("abcd")).assign(
        Label=np.arange(150) % 2).to_csv(table, index=False)
    code, _, err = _run_main("train", "--config", str(_config_file(home)), "--data", str(table),
                             "--out", str(home / "out"), "--quiet", *option)
    assert code == 0, err
    dataset = load_dataset(json.loads((home / "out" / "config.json").read_text())["dataset"])
    assert labels in dataset.source


def test_a_guessed_label_column_is_said_and_a_stray_word_is_an_error_not_labels(home):
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.random((150, 4)), columns=list("abcd"))
    named = home / "named.csv"
    table.assign(kind=np.where(np.arange(150) % 2, "odd", "even")).to_csv(named, index=False)
    code, _, err = _run_main("train", "--config", str(_config_file(home)), "--data", str(named),
                             "--out", str(home / "out"))
    assert code == 0, err
    assert "Labels from column 'kind' of named.csv (guessed" in err
    stray = home / "stray.csv"
    with_word = table.astype(object)
    with_word.loc[5, "b"] = "abc"  # line 7 of the file: after the header and rows 0–4
    with_word.to_csv(stray, index=False)
    code, _, err = _run_main("train", "--config", str(_config_file(home)), "--data", str(stray),
                             "--out", str(home / "out2"))
    assert code == 2 and "holds text such as 'abc' on line 7" in err


def test_a_label_column_for_a_builtin_dataset_is_a_mistake(home):
    code, _, err = _run_main("train", "--config", str(_config_file(home)), "--data", "digits",
                             "--label-column", "y", "--out", str(home / "out"))
    assert code == 2 and err.startswith("error: --label-column is for a CSV file")


def test_an_anomaly_config_says_how_many_samples_it_trains_on(home):
    config = _config_file(home, {"page": "anomaly", "dataset": "digits", "n_train": None,
                                 "params": {"epochs": 1, "hidden_layers": [16], "code_size": 2},
                                 "settings": {"source": "one-class", "digit": 3}})
    code, _, err = _run_main("train", "--config", str(config), "--out", str(home / "out"))
    assert code == 0, err
    assert ": 0 training" not in err
    assert re.search(r"page's model on 8×8 digits: \d+ training images, on ", err)


def test_a_data_file_is_saved_as_an_upload_and_named_in_the_config(home, digits):
    data = home / "mine.npz"
    np.savez(data, x=digits.x_train[:200], y=digits.y_train[:200])
    code, out, err = _run_main("train", "--config", str(_config_file(home)), "--data", str(data),
                               "--out", str(home / "first"))
    assert code == 0, err  # 300 > the 160 training rows: all of them, with a note
    assert "exceeds this dataset's 160 training samples: training on all of them" in err
    assert json.loads((home / "first" / "config.json").read_text())["n_train"] == 160
    config = {**CONFIG, "n_train": 100}
    code, out, err = _run_main("train", "--config", str(_config_file(home, config)),
                               "--data", str(data), "--out", str(home / "out"), "--quiet")
    assert code == 0, err
    assert err == ""  # --quiet
    written = json.loads((home / "out" / "config.json").read_text())
    assert written["dataset"].startswith("upload-") and written["n_train"] == 100
    run = RunStore().runs()[0]
    assert run.dataset == written["dataset"] and run.dataset_name == "mine.npz"


class _Diverging:
    """A result whose fit diverges in its first epoch."""

    def __init__(self, result):
        self.result = result

    def __getattr__(self, name):
        return getattr(self.result, name)

    def fit(self, on_epoch=None, should_stop=None):
        self.estimator.log_ = TrainingLog(1, [EpochEvent(1, 1, {"loss": float("nan")}, 0.1)],
                                          "diverged")


def test_a_diverged_fit_is_one_line_exit_1_and_nothing_stored(home, monkeypatch):
    import aecore.runconfig

    monkeypatch.setattr(aecore.runconfig, "result_for",
                        lambda config: _Diverging(result_for(config)))
    code, out, err = _run_main("train", "--config", str(_config_file(home)), "--out",
                               str(home / "out"), "--quiet")
    assert code == 1 and out == ""
    assert err.startswith("Training diverged in epoch 1") and len(err.strip().splitlines()) == 1
    assert not (home / "out").exists() and RunStore().runs() == []


def test_ctrl_c_asks_the_fit_to_stop_and_a_second_one_aborts():
    before = signal.getsignal(signal.SIGINT)
    with cli._StopOnInterrupt() as stop:
        assert not stop()
        with contextlib.redirect_stderr(io.StringIO()) as err:
            os.kill(os.getpid(), signal.SIGINT)
        assert stop() and "Stopping" in err.getvalue()
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is before


def test_progress_on_a_terminal_is_one_redrawn_line():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    progress = cli._Progress(stream)
    progress(EpochEvent(1, 4, {"loss": 0.04123, "val_loss": 0.0398}, 1.25))
    progress(EpochEvent(4, 4, {"loss": 0.03}, 4.0))
    progress.close()
    text = stream.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    first, second = text.strip("\n").split("\r")[1:]
    assert first.startswith("epoch 1/4 [######") and "loss 0.0412  validation loss 0.0398" in first
    assert first.endswith("1.2 s") and "." * 18 in first
    assert second.startswith("epoch 4/4 [" + "#" * cli.BAR_WIDTH + "]")
    assert len(second) >= len(first)  # blanks what the longer line left


def test_pretraining_progress_is_a_line_per_rbm_epoch_or_the_bar():
    stage = StageEvent("Pretraining RBM 2 of 4", 7, 10, 0.425, 3.21)
    piped = io.StringIO()
    cli._Progress(piped)(stage)
    assert piped.getvalue() == "Pretraining RBM 2 of 4, epoch 7/10  3.2 s\n"

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    cli._Progress(terminal)(stage)
    filled = round(cli.BAR_WIDTH * 0.425)
    assert terminal.getvalue() == (f"\rPretraining RBM 2 of 4, epoch 7/10 [{'#' * filled}"
                                   f"{'.' * (cli.BAR_WIDTH - filled)}]  3.2 s")


def test_devices_on_this_machine_and_with_several_gpus(monkeypatch):
    assert devices.describe() in {"CPU", "1 GPU"} or "GPUs" in devices.describe()
    monkeypatch.setattr(devices, "gpu_count", lambda: 0)
    assert devices.describe() == "CPU"
    assert isinstance(devices.distribution_scope(), contextlib.nullcontext)
    monkeypatch.setattr(devices, "gpu_count", lambda: 1)
    assert devices.describe() == "1 GPU"
    assert isinstance(devices.distribution_scope(), contextlib.nullcontext)
    monkeypatch.setattr(devices, "gpu_count", lambda: 2)
    assert devices.describe() == "2 GPUs (MirroredStrategy, data-parallel)"
    scope = contextlib.nullcontext("mirrored")

    class Strategy:
        def scope(self):
            return scope

    monkeypatch.setattr(devices, "_mirrored_strategy", Strategy)
    assert devices.distribution_scope() is scope


MIRRORED = """
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from aecore import devices
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
devices._mirrored_strategy, devices.gpu_count = (lambda: strategy), (lambda: 2)
from aecore.runconfig import RunConfig, result_for
from aecore.runs import RunStore
result = result_for(RunConfig.from_dict(CONFIG))
result.fit()
assert result.estimator.status_ == "finished", result.estimator.log_.outcome()
assert result.estimator.model_.distribute_strategy is strategy
store = RunStore()
run_id = store.add(result.estimator, CONFIG, result.headline_scores(), result.data.name)
codes = store.load_estimator(run_id).transform(result.data.x_test[:5])
assert codes.shape == (5, 2)
print("mirrored ok")
"""


def test_the_estimators_build_and_train_under_a_mirrored_strategy(tmp_path):
    """The multi-GPU path of devices.distribution_scope, on two logical CPUs standing in for
    two GPUs (no GPU here): the model is built in the strategy, trains, is stored, reloads."""
    done = subprocess.run([sys.executable, "-c", f"CONFIG = {CONFIG!r}\n" + MIRRORED],
                          cwd=tmp_path, env=_environment(tmp_path), capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and "mirrored ok" in done.stdout, done.stderr[-3000:]


# ---- sweep -----------------------------------------------------------------------------------
@pytest.fixture
def sweep_home(home, monkeypatch):
    """As ``home``, with joblib's loky backend (no Ray cluster named)."""
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    monkeypatch.delenv("AECORE_RAY_ADDRESS", raising=False)
    return home


def test_sweep_prints_each_job_and_the_table_and_writes_the_csv_and_the_curve(sweep_home):
    out = sweep_home / "sweep"
    code, stdout, err = _run_main("sweep", "--config", str(_config_file(sweep_home)), "--param",
                                  "code_size", "--values", "2,3", "--out", str(out))
    assert code == 0, err
    table = pd.read_csv(out / "sweep.csv")
    assert table["code_size"].tolist() == [2, 3] and (table["state"] == "done").all()
    assert (out / "sweep.html").read_text().count("reconstruction MSE") >= 1
    runs = RunStore().runs()
    assert sorted(table["run id"]) == sorted(run.id for run in runs)
    lines = err.splitlines()
    assert lines[0] == "Sweeping code_size over 2, 3 on 8×8 digits, 2 at a time (loky)."
    for value, run_id in zip(table["code_size"], table["run id"], strict=True):
        [done] = [line for line in lines if line.startswith(f"code_size={value}: done in ")]
        assert "reconstruction MSE" in done and done.endswith(f"(run {run_id})")
    assert "\r" not in err  # no epoch status line when not on a terminal
    header, *rows = stdout.splitlines()
    assert header.split()[:2] == ["code_size", "state"] and len(rows) == 2
    assert "—" not in stdout and "NaN" not in stdout  # every map has its 5-NN accuracy


@pytest.mark.parametrize("extra", [
    ("--param", "loss", "--values", "mse,bce"),
    ("--param", "code_size", "--values", "2"),
    ("--param", "code_size", "--values", "2,x"),
    ("--param", "code_size", "--values", "2,3", "--data", "cifar"),
    ("--param", "code_size", "--values", "2,3", "--jobs", "0"),
    ("--param", "code_size", "--values", "2,3", "--out", "/etc/passwd/x"),
    ("--param", "code_size", "--values", "-1,2"),
], ids=["unknown-param", "one-value", "bad-value", "unknown-dataset", "no-jobs", "bad-out",
        "negative-value"])
def test_a_sweep_mistake_is_one_error_line_and_exit_2(sweep_home, extra):
    code, out, err = _run_main("sweep", "--config", str(_config_file(sweep_home)),
                               "--out", str(sweep_home / "out"), *extra)  # the last --out wins
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    if "-1,2" in extra:  # argparse took "-1,2" for an option: "expected one argument"
        assert lines[0] == "error: Code size must be between 1 and 256; got -1."
    assert not (sweep_home / "out").exists() and RunStore().runs() == []


def test_ctrl_c_during_a_sweep_cancels_the_waiting_jobs_and_keeps_the_finished_one(tmp_path):
    """A terminal's Ctrl-C reaches every process of the group, the loky workers too."""
    environment = {key: value for key, value in _environment(tmp_path).items()
                   if key not in ("RAY_ADDRESS", "AECORE_RAY_ADDRESS")}
    process = subprocess.Popen(
        [sys.executable, "-m", "aecore", "sweep", "--config", str(_config_file(tmp_path)),
         "--param", "epochs", "--values", "1,400,450,500", "--jobs", "2", "--out",
         str(tmp_path / "swept")],
        cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True)
    try:
        seen = []
        for line in process.stderr:
            seen.append(line)
            if line.startswith("epochs=1: done"):
                break
        else:
            pytest.fail("".join(seen))
        os.killpg(process.pid, signal.SIGINT)
        out, rest = process.communicate(timeout=120)
    finally:
        process.kill()
    err = "".join(seen) + rest
    assert process.returncode == 130, err
    assert "Traceback" not in err and "Stopping: jobs not yet started are cancelled" in err
    # the table as sweep.csv (printed, a job's note of several words ends its row)
    table = pd.read_csv(tmp_path / "swept" / "sweep.csv", index_col="epochs")
    assert out.splitlines()[0].split()[:2] == ["epochs", "state"]
    states = table["state"]
    assert states[1] == "done" and states[500] == "cancelled"
    assert states[400] == "stopped" and states[450] in ("stopped", "cancelled")
    trained = table["epochs trained"]
    assert trained[1] == 1 and 1 <= trained[400] < 400 and trained[500] == 0
    assert sorted(table["run id"].dropna().astype(int)) == sorted(
        run.id for run in RunStore(tmp_path / "runs").runs())


def test_an_out_folder_that_cannot_be_written_is_said_before_training(sweep_home):
    """/proc passes a permission check for root, yet no folder can be made in it."""
    code, out, err = _run_main("sweep", "--config", str(_config_file(sweep_home)), "--param",
                               "code_size", "--values", "2,3", "--out", "/proc/aecore-out")
    assert code == 2 and out == ""
    assert err.strip().startswith("error: --out /proc/aecore-out cannot be written")
    assert RunStore().runs() == []


@pytest.mark.parametrize(("rows", "message"), [
    (np.random.default_rng(0).random((60, 16)),
     "error: A convolutional network needs images; these data are a table."),
    (np.random.default_rng(0).random((60, 10, 6)),
     "error: A convolutional network needs square images; these are 6×10 pixels (width × "
     "height)."),
    (np.random.default_rng(0).random((60, 5, 5)),
     "error: A convolutional network halves the images' side at least once; 5×5 images cannot "
     "be halved.")])
def test_a_convolutional_vae_on_data_it_cannot_take_is_one_line_exit_2(home, rows, message):
    """A table of 16 columns passed the model's own check as 4×4 images, and trained."""
    data = home / "data.npz"
    np.savez(data, x=rows, y=np.arange(60) % 2)
    config = {"page": "vae", "params": {"network": "conv", "epochs": 1}}
    code, _, err = _run_main("train", "--config", str(_config_file(home, config)), "--data",
                             str(data), "--out", str(home / "out"))
    assert (code, err.strip()) == (2, message)
