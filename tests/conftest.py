import os
import tempfile

import numpy as np
import pytest

os.environ["AECORE_OFFLINE"] = "1"  # tests never download; set before any app or server starts
# runs and uploads go to a fresh folder, never the user's own store (servers inherit it)
os.environ["AECORE_HOME"] = tempfile.mkdtemp(prefix="aecore-tests-")
os.environ.pop("AECORE_RUNS_DIR", None)

from aecore.data import load_dataset


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The browser tests first: their files are the slowest, and with two workers (pyproject's
    ``-n 2 --dist loadfile``) those left for last kept one worker busy for minutes while the
    other had nothing left to do."""
    items.sort(key=lambda item: "e2e" not in item.nodeid.split("/"))


@pytest.fixture(scope="session")
def digits():
    """scikit-learn's 8×8 digits: small, offline and real."""
    return load_dataset("digits")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
