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
from typing import Any


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
