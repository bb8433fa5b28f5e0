import os

import numpy as np
import pytest

os.environ["AECORE_OFFLINE"] = "1"  # tests never download; set before any app or server starts

from aecore.data import load_dataset


@pytest.fixture(scope="session")
def digits():
    """scikit-learn's 8×8 digits: small, offline and real."""
    return load_dataset("digits")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
