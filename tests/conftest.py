import numpy as np
import pytest

from aecore.data import load_dataset


@pytest.fixture(scope="session")
def digits():
    """scikit-learn's 8×8 digits: small, offline and real."""
    return load_dataset("digits")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
