"""Where training runs: the CPU, one GPU, or several GPUs data-parallel.

TensorFlow places operations on a single GPU by itself, so only several GPUs need anything:
:func:`distribution_scope` then returns the scope of a ``tf.distribute.MirroredStrategy``
(one model replica per GPU, each batch split between them, gradients summed), under which
:meth:`aecore.estimators._NeuralAutoencoder._train` builds and trains its model. The Streamlit
pages and ``python -m aecore train`` share it, with no setting to change.

Importing this module imports no TensorFlow; its functions do.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from typing import Any


def import_tensorflow_quietly() -> None:
    """Import TensorFlow with its C++ start-up lines kept off stderr: TensorFlow 2.21 writes
    "WARNING: All log messages before absl::InitializeLog() …" and an "oneDNN custom
    operations are on" notice while importing, before any log level (``TF_CPP_MIN_LOG_LEVEL``)
    is read, into a terminal whose lines should be the command's own. Python's errors still
    reach stderr (raised after it is restored). For single-purpose processes (the command
    line, a sweep's workers): stderr goes nowhere meanwhile, for every thread."""
    if "tensorflow" in sys.modules:
        return
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    try:
        import tensorflow  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def gpu_count() -> int:
    """The number of GPUs TensorFlow sees (0 on a CPU-only machine or build)."""
    import tensorflow as tf

    return len(tf.config.list_physical_devices("GPU"))


@functools.lru_cache(maxsize=1)
def _mirrored_strategy() -> Any:
    """One ``MirroredStrategy`` per process, over every visible GPU (created on first use)."""
    import tensorflow as tf

    return tf.distribute.MirroredStrategy()


def distribution_scope() -> contextlib.AbstractContextManager:
    """The context to build and train a model in.

    Returns
    -------
    contextlib.AbstractContextManager
        ``tf.distribute.MirroredStrategy().scope()`` when TensorFlow sees more than one GPU
        (the model's variables must be created inside it); otherwise a null context, since on
        one GPU or the CPU TensorFlow places operations itself.
    """
    if gpu_count() > 1:
        return _mirrored_strategy().scope()
    return contextlib.nullcontext()


def describe() -> str:
    """Where training runs, for people: ``"CPU"``, ``"1 GPU"`` or
    ``"2 GPUs (MirroredStrategy, data-parallel)"``."""
    count = gpu_count()
    if count == 0:
        return "CPU"
    if count == 1:
        return "1 GPU"
    return f"{count} GPUs (MirroredStrategy, data-parallel)"
