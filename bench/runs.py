"""Your data and your runs: how long uploads take to read, a run to be stored and reopened, and
the CLI against the same training in-process.

* Uploads: the MNIST sample written as a CSV (5,000 × 785 with a label column), as an .npz of
  28×28 uint8 images and as a .zip of 5,000 PNGs in label folders; seconds to read each with
  :func:`aecore.uploads.read_upload` (median of three).
* Store: :func:`aecore.runs.record` (headline scores + model files + the row) and
  :func:`aecore.runs.reopen` of the default reduction run, median of three.
* CLI: ``python -m aecore train`` of a 3-epoch reduction config, wall time, alternated with the
  same ``result_for(config).fit()`` in a fresh ``python -c`` process (both pay Python and
  TensorFlow start-up), three rounds, ratio of medians.

Run from the project root: python -m bench.runs
"""

from __future__ import annotations

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from aecore.data import load_dataset
from bench.common import machine_header

CONFIG = {"page": "reduction", "dataset": "mnist_sample",
          "params": {"epochs": 3, "hidden_layers": [256, 64], "seed": 0}}


def _seconds(work, rounds: int = 3) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def upload_files() -> dict[str, bytes]:
    data = load_dataset("mnist_sample")
    x = np.vstack([data.x_train, data.x_test])
    y = np.concatenate([data.y_train, data.y_test])
    pixels = np.rint(x * 255).astype("uint8")
    table = pd.DataFrame(pixels, columns=[f"p{i}" for i in range(784)]).assign(digit=y)
    npz = io.BytesIO()
    np.savez(npz, x=pixels.reshape(-1, 28, 28), y=y)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for i, (image, label) in enumerate(zip(pixels, y, strict=True)):
            png = io.BytesIO()
            Image.fromarray(image.reshape(28, 28)).save(png, format="PNG")
            z.writestr(f"mnist/{label}/{i}.png", png.getvalue())
    return {"mnist.csv": table.to_csv(index=False).encode(), "mnist.npz": npz.getvalue(),
            "mnist.zip": archive.getvalue()}


def bench_uploads() -> None:
    from aecore.uploads import read_upload

    print("| file | size | rows × features | read (s) |\n|---|---|---|---|")
    for name, content in upload_files().items():
        label = "digit" if name.endswith(".csv") else None
        data = read_upload(name, content, label)
        seconds = _seconds(lambda: read_upload(name, content, label))  # noqa: B023
        rows = len(data.x_train) + len(data.x_test)
        print(f"| {name} | {len(content) / 1e6:.1f} MB | {rows:,} × {data.input_dim} | "
              f"{seconds:.2f} |")


def bench_store() -> None:
    from aecore.runconfig import RunConfig, result_for
    from aecore.runs import RunStore, record, reopen

    result = result_for(RunConfig.from_dict(CONFIG))
    result.fit()
    with tempfile.TemporaryDirectory() as folder:
        store = RunStore(folder)
        record_s = _seconds(lambda: record(result, store))
        reopen_s = _seconds(lambda: reopen(store, 1).held_out_codes)
        size = sum(f.stat().st_size for f in (Path(folder) / "models" / "1").iterdir())
    print(f"\nrecord (headline scores + save + row): {record_s:.2f} s · reopen + held-out codes: "
          f"{reopen_s:.2f} s · one run's files: {size / 1e6:.1f} MB")


IN_PROCESS = ("import json, sys; from aecore.runconfig import RunConfig, result_for; "
              "result_for(RunConfig.from_dict(json.loads(sys.argv[1]))).fit()")


def bench_cli(rounds: int = 3) -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    cli, plain = [], []
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "run.json"
        config.write_text(json.dumps(CONFIG))
        env["AECORE_RUNS_DIR"] = folder
        for i in range(rounds):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "aecore", "train", "--config", str(config),
                            "--out", f"{folder}/out{i}", "--quiet"], check=True, env=env,
                           capture_output=True)
            cli.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", IN_PROCESS, json.dumps(CONFIG)], check=True,
                           env=env, capture_output=True)
            plain.append(time.perf_counter() - start)
    print(f"\nCLI train (3 epochs, scores, files, store): median {statistics.median(cli):.1f} s; "
          f"the same fit in a bare process: {statistics.median(plain):.1f} s; ratio of medians "
          f"{statistics.median(cli) / statistics.median(plain):.2f}")


def main() -> None:
    print(machine_header())
    bench_uploads()
    bench_store()
    bench_cli()


if __name__ == "__main__":
    main()
