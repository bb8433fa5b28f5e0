"""A sweep's speed-up: 4 code sizes trained by 2 workers against the same 4 trainings in a row.

Both sides are :class:`aecore.sweep.Sweep` runs on the MNIST sample with the seed tutorial's
network (784-400-200-100-50-k, MSE, batch 128), recording into a throw-away run store, so only
the parallelism differs: ``n_jobs=2`` trains in two loky worker processes with one TensorFlow
thread each; ``n_jobs=1`` trains one after another in this process with TensorFlow's default
threads. After a warm-up of each (worker start-up there, first tracing here), alternates the two
for ``--rounds`` rounds and reports medians and the ratio of medians (issue 12's goal: ≤ 0.6 on
2 cores), with the load average before and after, since the machine may be shared. The median
training time of one job on each side (``fit`` alone) tells the trainings from what surrounds
them: two one-thread trainings side by side against one two-thread training at a time.
Run from the project root: python -m bench.sweep [--epochs 30] [--rounds 3] [--values 2,4,8,16]
[--hidden-layers 64,32]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from aecore.presets import SEED_TUTORIAL
from aecore.runconfig import RunConfig
from aecore.runs import RunStore
from aecore.sweep import Sweep, parse_values
from bench.common import machine_header

SIDES = {"2 workers": 2, "in a row": 1}  # name → n_jobs


def _timed_sweep(config: RunConfig, values: list, n_jobs: int, store: RunStore,
                 fits: list[float]) -> float:
    """Seconds for one whole sweep, from its start until every job is stored; each job's
    training seconds are appended to ``fits``."""
    sweep = Sweep(config, "code_size", values, n_jobs=n_jobs, store=store)
    start = time.perf_counter()
    sweep.run()
    seconds = time.perf_counter() - start
    failed = [(job.value, job.state, job.error) for job in sweep.jobs if job.state != "done"]
    if failed:
        raise RuntimeError(f"jobs did not finish: {failed}")
    fits.extend(job.seconds for job in sweep.jobs)
    return seconds


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--values", default="2,4,8,16")
    parser.add_argument("--hidden-layers", default=None,
                        help="e.g. 64,32 for a small network (default: the seed tutorial's)")
    args = parser.parse_args()
    values = parse_values("code_size", args.values)
    params = {**SEED_TUTORIAL.get_params(), "epochs": args.epochs}
    if args.hidden_layers:
        params["hidden_layers"] = tuple(int(w) for w in args.hidden_layers.split(","))
    config = RunConfig("reduction", "mnist_sample", params)
    layers = "-".join(map(str, params["hidden_layers"]))
    print(machine_header())
    print(f"# code_size {args.values}: 784-{layers}-k, {args.epochs} epochs, MNIST sample; "
          f"load average before {_load()}")
    times: dict[str, list[float]] = {name: [] for name in SIDES}
    fits: dict[str, list[float]] = {name: [] for name in SIDES}
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as folder:
        store = RunStore(folder)
        for name, n_jobs in SIDES.items():
            print(f"warm-up, {name}: {_timed_sweep(config, values, n_jobs, store, []):.1f} s",
                  flush=True)
        for round_ in range(1, args.rounds + 1):
            for name, n_jobs in SIDES.items():
                times[name].append(_timed_sweep(config, values, n_jobs, store, fits[name]))
            print(f"round {round_}: " + ", ".join(f"{name} {runs[-1]:.1f} s"
                                                   for name, runs in times.items()), flush=True)
    medians = {name: statistics.median(runs) for name, runs in times.items()}
    print("medians: " + ", ".join(f"{name} {median:.1f} s" for name, median in medians.items()))
    print("median training of one job: " + ", ".join(
        f"{name} {statistics.median(seconds):.1f} s" for name, seconds in fits.items()))
    print(f"2 workers / in a row, ratio of medians: "
          f"{medians['2 workers'] / medians['in a row']:.2f} (goal ≤ 0.6)")
    print(f"# load average after {_load()}")


if __name__ == "__main__":
    main()
