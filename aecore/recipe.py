"""Python source that reproduces a page's result with aecore, shown in each page's expander."""

from __future__ import annotations

from aecore.spec import AESpec


def dimensionality_reduction_code(dataset: str, spec: AESpec, n_train: int) -> str:
    """A script that retrains the run and prints the comparison table the page shows."""
    return f'''\
from aecore.data import evaluation_points, load_dataset
from aecore.evaluate import compare_with_baselines
from aecore.spec import AESpec
from aecore.training import TrainingRun

data = load_dataset({dataset!r})
x_train = data.x_train[:{n_train}]
x_eval, y_eval = evaluation_points(data)
spec = {spec!r}
run = TrainingRun.create(spec, x_train).fit(
    x_train, validation_data=(data.x_test, data.x_test), probe=x_eval)
maps, scores = compare_with_baselines(run, x_train, x_eval, y_eval)
print(scores)
'''
