import os
import tempfile

import numpy as np
import pytest

os.environ["AECORE_OFFLINE"] = "1"  # tests never download; set before any app or server starts
# runs and uploads go to a fresh folder, never the user's own store (servers inherit it)
os.environ["AECORE_HOME"] = tempfile.mkdtemp(prefix="aecore-tests-")
os.environ.pop("AECORE_RUNS_DIR", None)

from aecore.data import load_dataset


@pytest.fixture(scope="session")
def digits():
    """scikit-learn's 8×8 digits: small, offline and real."""
    return load_dataset("digits")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
