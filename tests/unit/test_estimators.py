"""The estimators' scikit-learn contract, input checks, save/load and Pipelines."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from aecore import Autoencoder, ReconstructionDetector, VariationalAutoencoder, load

TINY = dict(code_size=1, hidden_layers=(4,), epochs=1, batch_size=8, rescale=True)
NOT_A_TYPE_ERROR = ("a non-numeric cell raises a ValueError naming its row and column, not "
                    "numpy's TypeError")


@parametrize_with_checks(
    [Autoencoder(input_noise=0.0, **TINY), VariationalAutoencoder(**TINY)],
    expected_failed_checks=lambda estimator: {"check_dtype_object": NOT_A_TYPE_ERROR})
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


def test_detector_keeps_the_scikit_learn_basics(digits):
    from sklearn.utils.estimator_checks import (
        check_get_params_invariance,
        check_no_attributes_set_in_init,
        check_parameters_default_constructible,
        check_set_params,
    )

    detector = ReconstructionDetector(contamination=0.2, smoothing=1.0, image_shape=(8, 8))
    for check in (check_no_attributes_set_in_init, check_get_params_invariance,
                  check_set_params, check_parameters_default_constructible):
        check("ReconstructionDetector", detector)
    assert clone(detector).get_params() == detector.get_params()


@pytest.fixture(scope="module")
def fitted(digits):
    return Autoencoder(code_size=2, hidden_layers=(32,), epochs=2, batch_size=32).fit(
        digits.x_train)


def test_a_dataframe_fits_and_transforms(digits):
    frame = pd.DataFrame(digits.x_train, columns=[f"p{i}" for i in range(64)])
    ae = Autoencoder(code_size=2, hidden_layers=(16,), epochs=1, batch_size=64).fit(frame)
    assert ae.status_ == "finished" and ae.n_features_in_ == 64
    assert ae.transform(frame.head(5)).shape == (5, 2)
    assert ae.inverse_transform(ae.transform(frame.head(5))).shape == (5, 64)


@pytest.mark.parametrize("value, message", [
    (np.nan, r"missing or infinite value \(nan\) at row 3, column 5"),
    (np.inf, r"missing or infinite value \(inf\) at row 3, column 5"),
    (-np.inf, r"missing or infinite value \(-inf\) at row 3, column 5"),
    (1.5, r"must lie in \[0, 1\].*row 3, column 5 is 1.5"),
    (-0.5, r"must lie in \[0, 1\].*row 3, column 5 is -0.5"),
])
@pytest.mark.parametrize("loss", ["bce", "mse"])
def test_bad_values_are_refused_before_training_naming_row_and_column(digits, value, message,
                                                                      loss):
    x = digits.x_train.copy()
    x[3, 5] = value
    with pytest.raises(ValueError, match=message):
        Autoencoder(loss=loss, hidden_layers=(8,), epochs=1).fit(x)


def test_text_is_refused_naming_its_row_and_column(digits):
    frame = pd.DataFrame(digits.x_train[:20, :3], columns=["a", "b", "c"])
    frame["b"] = frame["b"].astype(object)
    frame.loc[7, "b"] = "dark"
    with pytest.raises(ValueError, match=r"non-numeric value 'dark' at row 7, column 'b'"):
        Autoencoder(code_size=1, hidden_layers=(2,), batch_size=4).fit(frame)
    rows = digits.x_train[:4, :3].tolist()
    rows[2][1] = "n/a"
    with pytest.raises(ValueError, match=r"non-numeric value 'n/a' at row 2, column 1"):
        Autoencoder(code_size=1, hidden_layers=(2,), batch_size=4).fit(rows)


def test_a_wrong_feature_count_at_transform_is_explained(fitted, digits):
    with pytest.raises(ValueError, match="X has 10 features, but Autoencoder is expecting 64"):
        fitted.transform(digits.x_test[:, :10])
    with pytest.raises(ValueError, match="Z has 3 columns, but the code has 2"):
        fitted.inverse_transform(np.zeros((2, 3)))


def test_using_an_unfitted_estimator_raises_not_fitted(digits):
    for method in ("transform", "reconstruct", "inverse_transform", "score"):
        with pytest.raises(NotFittedError):
            getattr(Autoencoder(), method)(digits.x_test)
    with pytest.raises(NotFittedError):
        ReconstructionDetector().predict(digits.x_test)


def test_rescale_takes_any_range_and_answers_in_the_data_units(rng):
    x = rng.normal(50, 10, size=(200, 6)).astype("float32")
    with pytest.raises(ValueError, match="rescale=True"):
        Autoencoder(hidden_layers=(8,), code_size=2).fit(x)
    ae = Autoencoder(hidden_layers=(16,), code_size=4, loss="mse", input_noise=0.0, epochs=30,
                     batch_size=16, rescale=True).fit(x)
    rebuilt = ae.reconstruct(x)
    assert 20 < rebuilt.mean() < 80  # in the data's units, not [0, 1]
    assert ae.score(x) == pytest.approx(-np.mean((x - rebuilt) ** 2), rel=1e-4)


def test_a_pipeline_with_the_autoencoder_fits_and_scores(digits):
    pipe = make_pipeline(Autoencoder(code_size=8, hidden_layers=(32,), epochs=5, batch_size=32),
                         LogisticRegression(max_iter=500))
    pipe.fit(digits.x_train, digits.y_train)
    assert pipe.score(digits.x_test, digits.y_test) > 0.5  # chance is 0.1
    assert clone(pipe).get_params()["autoencoder__code_size"] == 8


@pytest.mark.parametrize("estimator, fit_y", [
    (Autoencoder(code_size=2, hidden_layers=(16,), epochs=1, batch_size=32), False),
    (Autoencoder(network="conv", filters=4, depth=1, epochs=1, batch_size=32), False),
    (Autoencoder(code_size=2, hidden_layers=(16,), epochs=1, batch_size=32, rescale=True), False),
    (VariationalAutoencoder(hidden_layers=(16,), epochs=1, batch_size=32, conditional=True),
     True),
    (ReconstructionDetector(code_size=2, hidden_layers=(16,), epochs=1, batch_size=32,
                            smoothing=1.0, image_shape=(8, 8), contamination=0.05), False),
    (ReconstructionDetector(code_size=2, hidden_layers=(16,), epochs=1, batch_size=32,
                            smoothing=0.5, score="error+code", image_shape=(8, 8)), False),
])
def test_save_then_load_gives_identical_outputs(digits, tmp_path, estimator, fit_y):
    y_train, y_test = (digits.y_train, digits.y_test) if fit_y else (None, None)
    model = clone(estimator).fit(digits.x_train, y_train)
    model.save(tmp_path / "saved")
    loaded = load(tmp_path / "saved")
    assert type(loaded) is type(model) and loaded.get_params() == model.get_params()
    np.testing.assert_array_equal(loaded.transform(digits.x_test, y_test),
                                  model.transform(digits.x_test, y_test))
    np.testing.assert_array_equal(loaded.reconstruct(digits.x_test, y_test),
                                  model.reconstruct(digits.x_test, y_test))
    assert loaded.history_ == model.history_ and loaded.status_ == "finished"
    header = (tmp_path / "saved" / "history.csv").read_text().splitlines()[0].split(",")
    assert header[0] == "epoch" and {"loss", "elapsed_s"} <= set(header)
    if isinstance(model, ReconstructionDetector):
        assert loaded.threshold_ == model.threshold_
        np.testing.assert_allclose(loaded.decision_function(digits.x_test),
                                   model.decision_function(digits.x_test), rtol=1e-5, atol=1e-6)
        np.testing.assert_array_equal(loaded.predict(digits.x_test), model.predict(digits.x_test))
        # an image detector's training codes go to arrays.npz, not into the JSON
        assert (tmp_path / "saved" / "arrays.npz").is_file()
        assert "training_codes" not in (tmp_path / "saved" / "estimator.json").read_text()


def test_load_refuses_a_folder_that_is_not_a_saved_estimator(tmp_path):
    (tmp_path / "estimator.json").write_text('{"format": 1, "class": "os.system"}')
    (tmp_path / "model.keras").write_bytes(b"")
    with pytest.raises(ValueError, match="not in a format"):
        load(tmp_path)
    with pytest.raises(ValueError, match="not a saved aecore estimator"):
        load(tmp_path / "missing")


def test_detector_follows_pyod(digits):
    detector = ReconstructionDetector(code_size=4, hidden_layers=(32,), epochs=2, batch_size=32,
                                      contamination=0.1).fit(digits.x_train)
    assert detector.decision_scores_.shape == (len(digits.x_train),)
    assert detector.labels_.mean() == pytest.approx(0.1, abs=0.01)
    np.testing.assert_array_equal(detector.labels_,
                                  (detector.decision_scores_ > detector.threshold_).astype(int))
    scores = detector.decision_function(digits.x_test)
    assert scores.shape == (len(digits.x_test),)
    np.testing.assert_array_equal(detector.predict(digits.x_test),
                                  (scores > detector.threshold_).astype(int))
    with pytest.raises(ValueError,
                       match="Threshold contamination must be between 0.001 and 0.5; got 0.7"):
        clone(detector).set_params(contamination=0.7).fit(digits.x_train)


def test_an_interrupted_detector_still_has_its_threshold(digits):
    detector = ReconstructionDetector(code_size=4, hidden_layers=(32,), epochs=20,
                                      batch_size=32)
    detector.fit(digits.x_train, should_stop=lambda: detector.log_.epochs_done >= 1)
    assert detector.status_ == "stopped" and hasattr(detector, "threshold_")


def test_few_labels_go_further_on_a_code_than_on_nothing(fitted, digits):
    from aecore.features import few_label_accuracy

    table = few_label_accuracy(fitted, digits.x_train, digits.y_train, digits.x_test,
                               digits.y_test, label_counts=(5, 100, 10_000))
    assert list(table.index) == [10, 100]  # raised to one per class; too many dropped
    assert list(table.columns) == ["raw pixels", "PCA (2 components)", "autoencoder code (2)"]
    assert ((table >= 0) & (table <= 1)).all().all()
    assert table.loc[100, "raw pixels"] > 0.5
    with pytest.raises(ValueError, match="fewest labels compared is 10, and these data have 4 "
                                         "training samples"):  # not an empty table
        few_label_accuracy(fitted, digits.x_train[:4], digits.y_train[:4], digits.x_test,
                           digits.y_test)


def test_numpy_hyperparameters_train_save_and_search(digits, tmp_path):
    from sklearn.model_selection import GridSearchCV

    ae = Autoencoder(code_size=np.int64(2), hidden_layers=np.array([16]), epochs=np.int64(1),
                     learning_rate=np.float32(1e-3), batch_size=np.int32(64))
    ae.fit(digits.x_train).save(tmp_path / "numpy")
    assert load(tmp_path / "numpy").transform(digits.x_test[:3]).shape == (3, 2)
    search = GridSearchCV(Autoencoder(hidden_layers=(16,), epochs=1, batch_size=64),
                          {"code_size": np.arange(2, 4)}, cv=2).fit(digits.x_train)
    assert search.best_params_["code_size"] in (2, 3)


def test_save_refuses_a_path_that_is_a_file(fitted, tmp_path):
    (tmp_path / "taken").write_text("")
    with pytest.raises(ValueError, match="is a file"):
        fitted.save(tmp_path / "taken")


@pytest.mark.parametrize("X, message", [
    (np.zeros(5), r"must be 2-D .* shape \(5,\)\. Reshape your data"),
    ([[0.1, 0.2], [0.3]], "rows of different lengths: row 0 has 2 values, row 1 has 1"),
    (np.zeros((0, 3)), "Found array with 0 sample"),
    (np.zeros((2, 2)) + 1j, "Complex data not supported"),
])
def test_malformed_arrays_get_one_short_sentence(X, message):
    with pytest.raises(ValueError, match=message) as caught:
        Autoencoder().fit(X)
    assert "\n" not in str(caught.value)


def test_vae_label_arguments_are_checked(digits):
    conditional = VariationalAutoencoder(hidden_layers=(16,), epochs=1, batch_size=64,
                                         conditional=True).fit(digits.x_train, digits.y_train)
    with pytest.raises(ValueError, match="one label for all 3 codes or one per code; got 2"):
        conditional.inverse_transform(np.zeros((3, 2)), [1, 2])
    assert conditional.inverse_transform(np.zeros((3, 2)), [1, 2, 3]).shape == (3, 64)
    plain = VariationalAutoencoder(hidden_layers=(16,), epochs=1, batch_size=64).fit(
        digits.x_train)
    with pytest.raises(ValueError, match="Only a conditional VAE"):
        plain.sample(4, label=3)
    for n in (0, -1, 2.5):
        with pytest.raises(ValueError, match="whole number ≥ 1"):
            plain.sample(n)
    with pytest.raises(ValueError, match="at least as many nodes as the code"):
        VariationalAutoencoder(code_size=40, hidden_layers=(16, 8)).fit(digits.x_train)


def test_smoothing_without_an_image_shape_is_explained(digits):
    with pytest.raises(ValueError, match="give image_shape"):
        ReconstructionDetector(smoothing=1.0).fit(digits.x_train)
    with pytest.raises(ValueError, match="needs images: give image_shape"):
        ReconstructionDetector(score="error+code").fit(digits.x_train)
    with pytest.raises(ValueError, match="must be one of error, error\\+code; got 'ink'"):
        ReconstructionDetector(score="ink").fit(digits.x_train)


def test_error_and_code_score_is_standardised_on_the_training_rows(digits):
    from aecore import anomaly

    detector = ReconstructionDetector(code_size=4, hidden_layers=(32,), epochs=2, batch_size=32,
                                      smoothing=1.0, score="error+code", image_shape=(8, 8),
                                      contamination=0.1).fit(digits.x_train)
    # two z-scores on the training rows: mean 0 there
    assert abs(detector.decision_scores_.mean()) < 1e-4
    np.testing.assert_array_equal(detector.training_scores(digits.x_train),
                                  detector.decision_scores_)
    assert detector.labels_.mean() == pytest.approx(0.1, abs=0.01)
    scores = detector.decision_function(digits.x_test)
    assert scores.shape == (len(digits.x_test),) and np.all(np.isfinite(scores))
    # every step of the page's smoothing slider is calibrated; the error score needs no calibration
    assert set(detector.score_calibration_) == {0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0}
    assert detector.anomaly_scores(digits.x_test, 2.5).shape == scores.shape
    np.testing.assert_allclose(detector.anomaly_scores(digits.x_test, 0.0, "error"),
                               anomaly.reconstruction_errors(
                                   digits.x_test, detector.reconstruct(digits.x_test)), rtol=1e-6)
    with pytest.raises(ValueError, match="calibrated at a smoothing of 0, 0.5, 1, .*; got 1.3"):
        detector.anomaly_scores(digits.x_test, 1.3)
    with pytest.raises(ValueError, match="fitted on 1437 rows; got 10"):
        detector.training_scores(digits.x_train[:10])


def test_the_summary_counts_epochs_in_words_and_keeps_the_learning_rate_given():
    from aecore import Autoencoder

    text = Autoencoder(hidden_layers=(8,), learning_rate=0.12345679, epochs=1).summary(64)
    assert "learning rate 0.12345679 · 1 epoch of batch 64" in text  # not 0.123457, 1 epochs
    neighbour = Autoencoder(hidden_layers=(8,), neighbor_weight=0.5, neighbor_loss="embedding")
    assert neighbour.summary(64).endswith(" · neighbour loss (embedding) × 0.5")
