import numpy as np
import pytest

from aecore.data import DATASETS, DatasetUnavailableError, load_dataset, load_keras_dataset


def test_mnist_sample_is_the_real_5000_digits_split_and_scaled():
    data = load_dataset("mnist_sample")
    assert len(data.x_train) + len(data.x_test) == 5000
    assert data.x_train.shape[1] == 784 and data.image_shape == (28, 28)
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    assert set(np.unique(data.y_test)) == set(range(10))


def test_split_is_fixed_across_loads():
    first = load_dataset.__wrapped__("digits")
    second = load_dataset.__wrapped__("digits")
    np.testing.assert_array_equal(first.x_test, second.x_test)
    np.testing.assert_array_equal(first.y_train, second.y_train)


def test_unknown_dataset_names_the_choices():
    with pytest.raises(ValueError, match="mnist_sample"):
        load_dataset("cifar")


@pytest.mark.parametrize("key", ["mnist", "fashion_mnist"])
def test_download_datasets_fail_clearly_when_not_cached(key, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(DatasetUnavailableError, match="offline datasets"):
        load_keras_dataset(key, allow_download=False)
    assert "download" in DATASETS[key].title
