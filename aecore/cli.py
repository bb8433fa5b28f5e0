"""``python -m aecore``: train a run from its config without the app, sweep one of its
hyperparameters, and list stored runs.

::

    python -m aecore train --config run.json --out runs/mine [--data mnist_sample] [--store DIR]
    python -m aecore sweep --config run.json --param code_size --values 1,2,4,8 [--data KEY]
                           [--jobs 2] [--out DIR] [--store DIR]
    python -m aecore runs [--store DIR] [--csv]

``train`` reads a :class:`aecore.runconfig.RunConfig` (the JSON the app's hyperparameter export
gives), trains exactly what the page trains (:func:`aecore.runconfig.result_for`), writes the
model to ``--out`` (:func:`aecore.persistence.save`, plus ``config.json`` and ``scores.json``)
and adds it to the run store (:class:`aecore.runs.RunStore`), where the app's Runs page shows
it. ``--data`` names a registered dataset or a .csv/.npz/.zip file of the user's own, read as
the app's upload does (:mod:`aecore.uploads`). Several GPUs are used data-parallel with no
option (:mod:`aecore.devices`).

``sweep`` trains the reduction page's model once per value (:class:`aecore.sweep.Sweep`, ``--jobs``
at a time), stores each finished training in the run store, prints one line per job event and
then the table of held-out scores beside PCA's; ``--out`` writes it as ``sweep.csv`` with the
curve as ``sweep.html`` (:func:`aecore.plots.sweep_curve`).

Exit status: 0 when the run is stored, or every job of a sweep is (``train``: also after Ctrl-C,
which stops the fit and keeps the model so far), 1 when the fit diverged or ended before its
first epoch, or a sweep's job failed, 2 for a mistake in the command, the config or the data
(one line on stderr starting ``error: ``), 130 when a second Ctrl-C aborts, or a sweep was
stopped by Ctrl-C (its pending jobs cancelled, its finished ones kept).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import math
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

from aecore.devices import import_tensorflow_quietly
from aecore.events import StageEvent
from aecore.spec import counted, loss_name, quoted

UPLOAD_SUFFIXES = (".csv", ".npz", ".zip")
BAR_WIDTH = 24
EXIT_FAILED, EXIT_USAGE, EXIT_ABORTED = 1, 2, 130


class UserError(Exception):
    """A mistake in the command, the config or the data: reported as one ``error:`` line."""


class _OneLineParser(argparse.ArgumentParser):
    """argparse with its usage mistakes in one ``error:`` line, like every other mistake here
    (argparse prints the usage first, on a line of its own); ``--help`` still shows the usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"error: {message} (see {self.prog} --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); returns the exit status.

    Parameters
    ----------
    argv : sequence of str or None, default=None
        The arguments after ``python -m aecore``.

    Returns
    -------
    int
        0 on success, 1 for a fit that diverged or trained no epoch (or output cut short by a
        closed pipe), 2 for a user's mistake, 130 when aborted by Ctrl-C.
    """
    args = _parser().parse_args(  # exits 2 with one error line on a bad command
        _values_attached(sys.argv[1:] if argv is None else argv))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # TensorFlow's C++ start-up chatter
    try:
        return args.run(args)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\nAborted.", file=sys.stderr)
        return EXIT_ABORTED
    except BrokenPipeError:  # `… | head` stopped reading: end quietly, as Python's docs advise
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


def _values_attached(argv: Sequence[str]) -> list[str]:
    """``argv`` with ``--values -1,2`` written as ``--values=-1,2``: argparse takes a value
    that starts with "-" for an option and said "expected one argument", where the sweep's
    own check names the value out of range."""
    args = list(argv)
    for i in range(len(args) - 1):
        if args[i] == "--values" and args[i + 1].startswith("-"):
            args[i:i + 2] = [f"--values={args[i + 1]}"]
            break
    return args


def _parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="python -m aecore",
        description="Autoencoder Lab without the app: train a run from its config, sweep one "
                    "of its hyperparameters, list runs.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = commands.add_parser(
        "train", help="train a run from a config file and store it",
        description="Train what the app's page trains for a run config (the JSON its "
                    "hyperparameters export gives), save it to --out and add it to the run "
                    "store. Ctrl-C stops the fit and keeps the model so far.")
    _add_run_options(train)
    train.add_argument("--out", required=True, metavar="DIR",
                       help="folder to write model.keras, estimator.json, history.csv, "
                            "config.json and scores.json into")
    _add_overwrite_option(train, "a run's files")
    train.set_defaults(run=_train)

    sweep = commands.add_parser(
        "sweep", help="train one model per value of a hyperparameter and store each",
        description="Train the Dimensionality reduction page's model for a run config once per "
                    "value of one hyperparameter, --jobs at a time, add each to the run store "
                    "and print its held-out reconstruction error and its map's 5-NN accuracy "
                    "beside PCA's. Ctrl-C cancels the jobs not yet started, stops the "
                    "running ones and keeps those that finished.")
    _add_run_options(sweep)
    sweep.add_argument("--param", required=True, metavar="NAME",
                       help="the hyperparameter to sweep, e.g. code_size (an unknown one lists "
                            "those that can be)")
    sweep.add_argument("--values", required=True, metavar="LIST",
                       help="its values, comma-separated, e.g. 1,2,4,8")
    sweep.add_argument("--jobs", type=int, default=2, metavar="N",
                       help="trainings at once (default 2; about the number of cores)")
    sweep.add_argument("--out", metavar="DIR",
                       help="folder to write sweep.csv and sweep.html (the curve) into")
    _add_overwrite_option(sweep, "a sweep's files")
    sweep.set_defaults(run=_sweep)

    runs = commands.add_parser("runs", help="list the stored runs",
                               description="List the run store's runs, newest first: one line "
                                           "each with its scores, or with --csv the whole table "
                                           "(hyperparameters and page settings too).")
    runs.add_argument("--store", metavar="DIR",
                      help="run store folder (default: $AECORE_RUNS_DIR, else the app's)")
    runs.add_argument("--csv", action="store_true",
                      help="print every column as CSV, for a spreadsheet or pandas")
    runs.set_defaults(run=_runs)
    return parser


def _add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options ``train`` and ``sweep`` share: the config, the data, the store, quiet."""
    parser.add_argument("--config", required=True, metavar="FILE",
                        help="run config JSON (page, dataset, n_train, params, settings)")
    parser.add_argument("--data", metavar="KEY_OR_FILE",
                        help="dataset to train on instead of the config's: a registered key "
                             "(e.g. mnist_sample, digits) or a .csv/.npz/.zip file")
    parser.add_argument("--label-column", metavar="NAME",
                        help="with a CSV file: the column holding the labels (default: the "
                             "app's choice, a column named label, class, target, y, digit or "
                             "category in any case, else the only column of text, if there is "
                             "one; \"\" for none)")
    parser.add_argument("--no-header", action="store_true",
                        help="with a CSV file: its first row is data, not column names")
    parser.add_argument("--store", metavar="DIR",
                        help="run store folder (default: $AECORE_RUNS_DIR, else the app's)")
    parser.add_argument("--quiet", action="store_true", help="print no progress")


# ---- runs ------------------------------------------------------------------------------------
def _runs(args: argparse.Namespace) -> int:
    from aecore.runs import DATABASE_FILE, store_dir

    folder = Path(args.store or store_dir()).expanduser()
    if not folder.exists() or (folder.is_dir() and not (folder / DATABASE_FILE).is_file()):
        print(f"No runs yet in {folder}.")  # listing a folder does not make a store in it
        return 0
    store = _open_store(args.store)
    runs = [] if args.csv else store.runs()
    if args.csv:
        print(store.table().to_csv(), end="")
    elif not runs:
        print(f"No runs yet in {store.folder}.")
    else:
        print("\n".join(_runs_summary(runs)))
    return 0


def _runs_summary(runs: list[Any]) -> list[str]:
    """One line per run that reads in a terminal, newest first: its id, when, which page, data,
    how it ended, then its scores ("PSNR (dB) 10.91 · SSIM 0.024") unpadded at the end, where a
    long list wraps without widening every line; the wide table is --csv's."""
    from aecore.runconfig import PAGES

    rows = [("run", "created", "page", "dataset", "status", "epochs", "seconds", "scores")]
    rows += [(str(run.id), run.created[:16].replace("T", " "), PAGES.get(run.page, run.page),
              run.dataset_name, run.status, str(run.epochs_done), f"{run.seconds:.1f}",
              " · ".join(f"{name} {value:.4g}" for name, value in run.scores.items()))
             for run in runs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    numbers = {0, 5, 6}  # run, epochs, seconds: right-aligned
    return ["  ".join(cell.rjust(width) if i in numbers else cell.ljust(width)
                      for i, (cell, width) in enumerate(zip(row, widths, strict=False)))
            + "  " + row[-1] for row in rows]


def _open_store(folder: str | None) -> Any:
    from aecore.runs import RunStore

    try:
        return RunStore(folder)
    except (ValueError, OSError) as err:
        raise UserError(f"cannot open the run store: {_sentence(err)}") from None


# ---- train -----------------------------------------------------------------------------------
def _train(args: argparse.Namespace) -> int:
    from aecore.runconfig import PAGES, config_of, result_for

    config = _read_config(args.config)
    import_tensorflow_quietly()
    say = _Say(quiet=args.quiet)
    if args.data is not None:
        config = _on_other_data(config, _dataset_key(args, say), say)
    store = _open_store(args.store)
    try:
        result = result_for(config)
    except (ValueError, OSError) as err:
        raise UserError(_sentence(err)) from None
    out = _out_folder(args.out, RUN_FILES, args.overwrite)
    from aecore.devices import describe

    say.line(f"Training the {PAGES[config.page]} page's model on {result.dataset_name}: "
             f"{result.training_samples}, on {describe()}.")

    progress = _Progress(sys.stderr, quiet=args.quiet)
    with _StopOnInterrupt() as stop:
        try:
            result.fit(on_epoch=progress, should_stop=stop)
        finally:
            progress.close()
    log = result.estimator.log_
    if log.status == "diverged":
        print(log.outcome(), file=sys.stderr)
        return EXIT_FAILED
    if log.epochs_done == 0:
        print("Stopped before the first epoch ended; nothing was saved.", file=sys.stderr)
        return EXIT_FAILED
    say.line(log.outcome())

    scores = result.headline_scores()
    run_config = config_of(result)
    _write_run(result.estimator, out, run_config.to_json(), scores)
    try:
        run_id = store.add(result.estimator, run_config.to_dict(), scores, result.dataset_name)
    except (ValueError, OSError) as err:
        print(f"error: saved to {out}, but not added to the run store {store.folder}: "
              f"{_sentence(err)}", file=sys.stderr)
        return EXIT_FAILED
    say.line("  ".join(f"{name} {_number(value)}" for name, value in scores.items()))
    print(f"Run {run_id} saved: {out} (open it on the app's Runs page)")
    return 0


def _add_overwrite_option(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument("--overwrite", action="store_true",
                         help=f"replace {what} already in --out (without it, such a folder is "
                              "refused before any training)")


RUN_FILES = ("model.keras", "estimator.json", "history.csv", "config.json", "scores.json")
SWEEP_FILES = ("sweep.csv", "sweep.html")


def _out_folder(path: str, files: Sequence[str], overwrite: bool) -> Path:
    """``--out`` as a folder path, tried now (the folder made, a file written in it, then both
    removed again) so that a path that cannot be written, or that holds an earlier run's or
    sweep's files (``overwrite`` replaces only ``files``, this command's own kind), is said
    before any training rather than after it;
    permissions alone do not tell (root passes them for /proc, where nothing can be made). The
    folder is created when the files are written."""
    out = Path(path).expanduser().absolute()
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; give a folder (it is created if missing).")
    earlier = [name for name in (*RUN_FILES, *SWEEP_FILES) if (out / name).exists()]
    if earlier and not (overwrite and set(earlier) <= set(files)):
        raise UserError(f"--out {out} already holds {', '.join(earlier)} of an earlier "
                        f"{'sweep' if set(earlier) <= set(SWEEP_FILES) else 'run'}; give "
                        "another folder" + (", or add --overwrite to replace them."
                                            if set(earlier) <= set(files) else "."))
    missing = [folder for folder in (out, *out.parents) if not folder.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as err:
        raise UserError(f"--out {out} cannot be written: {err.strerror or err}.") from None
    finally:
        for folder in missing:  # deepest first; left alone if anything else appeared in it
            with contextlib.suppress(OSError):
                folder.rmdir()
    return out


# ---- sweep -----------------------------------------------------------------------------------
def _sweep(args: argparse.Namespace) -> int:
    from aecore.data import load_dataset
    from aecore.sweep import Sweep, parse_values

    if args.jobs < 1:
        raise UserError(f"--jobs must be at least 1; got {args.jobs}.")
    config = _read_config(args.config)
    say = _Say(quiet=args.quiet)
    dataset = config.dataset if args.data is None else _dataset_key(args, say)
    config = _on_other_data(config, dataset, say)
    store = _open_store(args.store)
    try:
        values = parse_values(args.param, args.values)
        sweep = Sweep(config, args.param, values, n_jobs=args.jobs, store=store)
    except ValueError as err:
        raise UserError(_sentence(err)) from None
    out = None if args.out is None else _out_folder(args.out, SWEEP_FILES, args.overwrite)
    say.line(f"Sweeping {args.param} over {', '.join(map(str, values))} on "
             f"{load_dataset(config.dataset).name}, {args.jobs} at a time ({sweep.backend}).")
    import_tensorflow_quietly()  # here too: each finished job's model is loaded to store it
    progress = _SweepProgress(sys.stderr, args.param, quiet=args.quiet)
    with _StopOnInterrupt("Stopping: jobs not yet started are cancelled, running ones stop "
                          "after their batch, finished ones are kept (Ctrl-C again to "
                          "abort).") as stop:
        try:
            sweep.run(on_update=progress, should_stop=stop)
        finally:
            progress.close()
    table = sweep.table()
    # "—": a score a job has not (it failed, or too few held-out points for 5-NN accuracy)
    print(table.to_string(index=False, na_rep="—", float_format="{:.4g}".format))
    if out is not None:
        _write_sweep(table, args.param, out)
    if stop.requested:
        return EXIT_ABORTED
    return EXIT_FAILED if any(job.state == "failed" for job in sweep.jobs) else 0


def _write_sweep(table: Any, param: str, out: Path) -> None:
    """``sweep.csv`` and the curve as ``sweep.html`` (self-contained) in ``out``."""
    from aecore.plots import sweep_curve

    try:
        out.mkdir(parents=True, exist_ok=True)
        table.to_csv(out / "sweep.csv", index=False)
        sweep_curve(table, param).write_html(out / "sweep.html")
    except OSError as err:
        raise UserError(f"cannot write {out}: {_sentence(err)}") from None


class _SweepProgress:
    """The sweep's ``on_update`` callback: one line per job event (started; done or stopped,
    with its scores and run id; cancelled; failed, with why) and, on a terminal, a status line
    of the running jobs' epochs redrawn with ``\\r``."""

    def __init__(self, stream: TextIO, param: str, quiet: bool = False) -> None:
        self.stream, self.param, self.quiet = stream, param, quiet
        self.tty = _isatty(stream)
        self.states: dict[int, str] = {}  # each job's state when last seen
        self.width = 0  # length of the status line last drawn

    def __call__(self, jobs: list) -> None:
        if self.quiet:
            return
        for index, job in enumerate(jobs):
            if self.states.get(index, "waiting") != job.state:
                self.states[index] = job.state
                self._write(f"{self._name(job)}: {self._event(job)}\n")
        running = [f"{self._name(job)} {job.epoch}/{job.epochs}" for job in jobs
                   if job.state == "running"]
        if self.tty and running:
            line = "epochs: " + " · ".join(running)
            self._write(line)
            self.width = len(line)

    def _name(self, job: Any) -> str:
        from aecore.runconfig import as_text

        return f"{self.param}={as_text(job.value)}"

    def _event(self, job: Any) -> str:
        if job.state in ("done", "stopped") and job.run_id is not None:
            scores = "  ".join(f"{name} {_number(value)}" for name, value in job.scores.items())
            ended = ("done" if job.state == "done"
                     else f"stopped after {counted(job.epoch, 'epoch')}")
            return f"{ended} in {job.seconds:.1f} s  {scores}  (run {job.run_id})"
        return {"running": "started", "cancelled": "cancelled", "failed": f"failed: {job.error}",
                "stopped": "stopped before its first epoch ended; not stored"}[job.state]

    def _write(self, text: str) -> None:
        """``text`` in place of the status line (blanked first on a terminal)."""
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.width = 0
        self.stream.write(text)
        self.stream.flush()

    def close(self) -> None:
        """Blank the status line (after the sweep, however it ended)."""
        if self.width:
            self._write("")


def _on_other_data(config: Any, key: str, say: _Say) -> Any:
    """``config`` on the dataset ``key`` (from ``--data``): an ``n_train`` the config took from
    a larger dataset becomes "all of this one", with a note."""
    from aecore.data import load_dataset

    try:
        n_rows = len(load_dataset(key).x_train)
    except ValueError as err:
        raise UserError(_sentence(err)) from None
    n_train = config.n_train
    if n_train is not None and n_train > n_rows:
        say.line(f"The config's n_train ({n_train:,}) exceeds this dataset's {n_rows:,} training "
                 "samples: training on all of them.")
        n_train = None
    return dataclasses.replace(config, dataset=key, n_train=n_train)


def _read_config(path: str) -> Any:
    """The checked :class:`~aecore.runconfig.RunConfig` in the file ``path``."""
    from aecore.runconfig import RunConfig

    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"no config file {path}.") from None
    except IsADirectoryError:
        raise UserError(f"--config {path} is a folder; give a JSON file.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise UserError(f"cannot read the config file {path}: {_sentence(err)}") from None
    try:
        return RunConfig.from_json(text)
    except ValueError as err:
        raise UserError(f"{path}: {_sentence(err)}") from None


def _dataset_key(args: argparse.Namespace, say: _Say) -> str:
    """The dataset key ``--data`` names; a file is read as an upload and saved first (saying
    which label column was guessed, if one was)."""
    from aecore.data import DATASETS, UPLOAD_KEY, builtin_key

    data = args.data
    if builtin_key(data) or UPLOAD_KEY.fullmatch(data):
        if args.label_column is not None:
            raise UserError(f"--label-column is for a CSV file given with --data; {data} is a "
                            "dataset of its own labels.")
        return builtin_key(data) or data
    path = Path(data).expanduser()
    if path.suffix.lower() not in UPLOAD_SUFFIXES:
        if path.is_file():
            raise UserError(f"--data {data}: a data file must be .csv, .npz or .zip.")
        raise UserError(f"Unknown dataset {quoted(data)}; choose one of {', '.join(DATASETS)}, or "
                        "give a .csv, .npz or .zip file.")
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"no data file {data}.") from None
    except OSError as err:
        raise UserError(f"cannot read {data}: {_sentence(err)}") from None
    from aecore.uploads import (
        csv_columns,
        likely_label_column,
        read_upload,
        save_upload,
        text_columns,
    )

    try:
        label = args.label_column
        if label is None and path.suffix.lower() == ".csv":  # as the app's picker
            header = not args.no_header
            label = likely_label_column(csv_columns(content, header),
                                        text_columns(content, header))
        dataset = read_upload(path.name, content, label_column=label, header=not args.no_header)
        save_upload(dataset)
        if label is not None and args.label_column is None:
            say.line(f"Labels from column {label!r} of {path.name} (guessed; give "
                     "--label-column \"\" for none, or another column).")
    except (ValueError, OSError) as err:  # UploadError is a ValueError
        raise UserError(f"{data}: {_sentence(err)}") from None
    return dataset.key  # "upload-…", which load_dataset reopens from where save_upload put it


def _write_run(estimator: Any, out: Path, config_json: str, scores: dict[str, float]) -> None:
    """The persistence files, ``config.json`` and ``scores.json`` in ``out``."""
    from aecore import persistence

    try:
        persistence.save(estimator, out)
        (out / "config.json").write_text(config_json + "\n", encoding="utf-8")
        (out / "scores.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    except (ValueError, OSError) as err:
        raise UserError(f"cannot write {out}: {_sentence(err)}") from None


def _sentence(err: BaseException) -> str:
    """An exception's message on one line (an OSError's without its errno tuple)."""
    if isinstance(err, OSError) and err.strerror:
        text = f"{err.strerror}" + (f": {err.filename}" if err.filename else "")
    else:
        text = str(err) or type(err).__name__
    return " ".join(text.split())


def _number(value: float) -> str:
    """A loss or score as progress shows it: 0.0412, 123.4567, 1.2e-05."""
    value = float(value)
    if not math.isfinite(value) or value == 0 or 1e-3 <= abs(value) < 1e5:
        return f"{value:.4f}"
    return f"{value:.4g}"


class _Say:
    """Status lines on stderr, unless quiet."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def line(self, text: str) -> None:
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)


class _Progress:
    """The per-epoch ``on_epoch`` callback: on a terminal a one-line bar redrawn with ``\\r``,
    otherwise (piped, a log file) one plain line per epoch (and per epoch of an RBM in
    pretraining)."""

    def __init__(self, stream: TextIO, quiet: bool = False) -> None:
        self.stream, self.quiet = stream, quiet
        self.tty = _isatty(stream)
        self.width = 0  # length of the bar line last drawn, to blank what a shorter one leaves

    def __call__(self, event: Any) -> None:
        if self.quiet:
            return
        stage = isinstance(event, StageEvent)  # RBM pretraining, before the epochs
        counter = event.text if stage else f"epoch {event.epoch}/{event.epochs}"
        done = event.fraction if stage else event.epoch / max(event.epochs, 1)
        losses = [] if stage else [f"{loss_name(name)} {_number(value)}"
                                   for name, value in event.logs.items()]
        tail = "  ".join([*losses, f"{event.elapsed:.1f} s"])
        if not self.tty:
            print(f"{counter}  {tail}", file=self.stream, flush=True)
            return
        filled = round(BAR_WIDTH * done)
        line = f"{counter} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}]  {tail}"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def close(self) -> None:
        """End the bar's line (after the fit, however it ended)."""
        if self.tty and self.width:
            self.stream.write("\n")
            self.stream.flush()
            self.width = 0


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _StopOnInterrupt:
    """While active, the first Ctrl-C asks the fit to stop (it is the ``should_stop``
    callable) and prints ``message``; a second one raises ``KeyboardInterrupt`` as usual."""

    def __init__(self, message: str = "Stopping after this batch; the model trained so far is "
                                      "kept (Ctrl-C again to abort).") -> None:
        self.message = message
        self.requested = False
        self.previous: Callable | int | None = None

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, signum: int, frame: Any) -> None:
        self.requested = True
        signal.signal(signal.SIGINT, signal.default_int_handler)  # a second Ctrl-C aborts
        print(f"\n{self.message}", file=sys.stderr, flush=True)

    def __enter__(self) -> _StopOnInterrupt:
        try:
            self.previous = signal.signal(signal.SIGINT, self._handle)
        except ValueError:  # not the main thread: Ctrl-C keeps its usual meaning
            self.previous = None
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
