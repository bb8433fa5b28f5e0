import dataclasses

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, f1_score, precision_score, roc_auc_score

from aecore import anomaly

TRAIN = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
VAL_SCORES = np.array([0.1, 0.2, 0.3, 0.8, 0.9, 0.35])
VAL_LABELS = np.array([0, 0, 0, 1, 1, 1])


def test_rules_on_hand_made_scores():
    assert anomaly.max_training_error(TRAIN) == 5.0
    assert anomaly.mean_plus_k_sigma(TRAIN, 1.0) == pytest.approx(3 + np.sqrt(2))
    assert anomaly.percentile_rule(np.arange(101.0), 0.1) == pytest.approx(90.0)
    # 0.35 catches all three anomalies with no false positive: F1 = 1 and J = 1 there
    assert anomaly.best_f1(VAL_SCORES, VAL_LABELS) == pytest.approx(0.35)
    assert anomaly.youden_j(VAL_SCORES, VAL_LABELS) == pytest.approx(0.35)


@pytest.mark.parametrize("rule", [anomaly.best_f1, anomaly.youden_j])
def test_label_rules_achieve_the_optimum_they_name_when_flagging_above_the_threshold(rule):
    point = anomaly.operating_point(VAL_SCORES, VAL_LABELS, rule(VAL_SCORES, VAL_LABELS))
    assert point["F1"] == 1.0 and point["recall"] == 1.0 and point["false-positive rate"] == 0.0


def test_with_every_score_tied_best_f1_flags_everything():
    tied, labels = np.full(6, 0.5), np.array([0, 0, 0, 1, 1, 1])
    point = anomaly.operating_point(tied, labels, anomaly.best_f1(tied, labels))
    assert point["recall"] == 1.0 and point["F1"] == pytest.approx(2 / 3)  # the best possible
    youden = anomaly.operating_point(tied, labels, anomaly.youden_j(tied, labels))
    assert youden["recall"] - youden["false-positive rate"] == 0.0  # J = 0 is all there is


def test_operating_point_counts_scores_above_the_threshold():
    point = anomaly.operating_point(VAL_SCORES, VAL_LABELS, 0.5)
    assert point["precision"] == 1.0 and point["recall"] == pytest.approx(2 / 3)
    assert point["false-positive rate"] == 0.0
    assert point["F1"] == pytest.approx(0.8)
    everything = anomaly.operating_point(VAL_SCORES, VAL_LABELS, 0.0)
    assert everything["false-positive rate"] == 1.0 and everything["recall"] == 1.0
    nothing = anomaly.operating_point(VAL_SCORES, VAL_LABELS, VAL_SCORES.max())  # none flagged
    assert np.isnan(nothing["precision"])  # 0/0: undefined, not 0
    assert nothing["recall"] == 0.0 and nothing["F1"] == 0.0
    assert nothing["false-positive rate"] == 0.0
    flagged = VAL_SCORES > 0.5
    assert point["F1"] == pytest.approx(f1_score(VAL_LABELS, flagged))
    assert point["precision"] == pytest.approx(precision_score(VAL_LABELS, flagged))


def test_curves_agree_with_scikit_learn(rng):
    labels = rng.integers(0, 2, 300)
    scores = rng.random(300) + labels * 0.5
    curves = anomaly.curves(scores, labels)
    assert curves.roc_auc == pytest.approx(roc_auc_score(labels, scores))
    assert curves.pr_auc == pytest.approx(average_precision_score(labels, scores), abs=0.02)


def test_one_class_and_hold_out_splits_contain_what_they_should(digits):
    one = anomaly.image_setup(digits, "one-class", 3)
    assert len(one.x_train) == np.sum(digits.y_train == 3)
    assert one.y_test.mean() == pytest.approx(np.mean(digits.y_test != 3), abs=0.02)
    held = anomaly.image_setup(digits, "hold-out", 3)
    assert len(held.x_train) == np.sum(digits.y_train != 3)
    assert len(held.x_val) + len(held.x_test) == len(digits.x_test)
    assert held.y_val.sum() + held.y_test.sum() == np.sum(digits.y_test == 3)
    with pytest.raises(ValueError, match="no class 11"):
        anomaly.image_setup(digits, "one-class", 11)


def test_a_set_up_names_its_class_by_the_datasets_class_name(digits):
    named = dataclasses.replace(digits, class_names=tuple(f"class {i}" for i in range(10)))
    assert anomaly.image_setup(named, "one-class", 3).description.endswith(
        "normal = class 3, anomalies = every other class")
    assert anomaly.image_setup(digits, "hold-out", 3).description.endswith(
        "normal = every class but 3, anomalies = 3")  # labels that are their own names
    two = dataclasses.replace(digits, y_train=digits.y_train % 2, y_test=digits.y_test % 2,
                              class_names=("benign", "malignant"))
    assert anomaly.image_setup(two, "one-class", 0).description.endswith(
        "normal = benign, anomalies = malignant")  # not "every other class" when it is one
    assert anomaly.image_setup(two, "hold-out", 0).description.endswith(
        "normal = malignant, anomalies = benign")


def test_test_rows_keep_their_class_names_for_the_scores_export(digits):
    named = dataclasses.replace(digits, class_names=tuple(f"class {i}" for i in range(10)))
    setup = anomaly.image_setup(named, "one-class", 3)
    is_three = setup.test_classes == "class 3"
    assert is_three.sum() + np.sum(setup.y_test) == len(setup.y_test)  # class 3 is the normal one
    np.testing.assert_array_equal(setup.y_test, ~is_three)
    table = anomaly.scores_table(np.array([0.1, 0.5] * 3), np.array([0, 1] * 3),
                                 np.array(["a", "b"] * 3), threshold=0.3)
    assert list(table.columns) == ["anomaly_score", "is_anomaly", "class", "flagged"]
    assert table["class"].tolist() == ["a", "b"] * 3 and table["flagged"].tolist() == [0, 1] * 3
    cancer = anomaly.breast_cancer_setup()
    np.testing.assert_array_equal(cancer.test_classes == "malignant", cancer.y_test == 1)


@pytest.mark.parametrize("share", [0.0, 0.05, 0.1, 0.2])
def test_contamination_share_is_exact(share, rng):
    x, flags = anomaly.contaminate(rng.random((380, 4)), rng.random((100, 4)), share)
    assert flags.mean() == pytest.approx(share, abs=0.5 / len(x))
    assert len(x) == len(flags) == 380 + flags.sum()


def test_too_much_contamination_is_explained(rng):
    with pytest.raises(ValueError, match="Only 5 anomalies"):
        anomaly.contaminate(rng.random((100, 2)), rng.random((5, 2)), 0.5)


def test_breast_cancer_setup_scales_features_into_the_unit_interval():
    setup = anomaly.breast_cancer_setup(0.05)
    assert setup.image_shape is None and setup.x_train.shape[1] == 30
    for x in (setup.x_train, setup.x_val, setup.x_test):
        assert x.min() >= 0 and x.max() <= 1
    assert setup.train_is_anomaly.mean() == pytest.approx(0.05, abs=0.01)


def _bar(row: int) -> np.ndarray:
    image = np.zeros((28, 28), "float32")
    image[row, 4:24] = 1.0
    return image.reshape(1, -1)


def test_smoothed_errors_count_a_missing_stroke_above_a_stroke_one_pixel_off():
    drawn, shifted, missing = _bar(14), _bar(15), np.zeros((1, 784), "float32")
    raw = [anomaly.reconstruction_errors(drawn, rebuilt) for rebuilt in (shifted, missing)]
    assert raw[0] > raw[1]  # pixel by pixel, the shifted stroke looks worse
    smooth = [anomaly.reconstruction_errors(drawn, rebuilt, (28, 28), 1.0)
              for rebuilt in (shifted, missing)]
    assert smooth[0] < smooth[1] / 2


def test_unsmoothed_and_tabular_errors_are_plain_mean_squared_errors():
    rng = np.random.default_rng(0)
    x, x_hat = rng.random((5, 784)), rng.random((5, 784))
    mse = np.mean((x - x_hat) ** 2, axis=1)
    np.testing.assert_allclose(anomaly.reconstruction_errors(x, x_hat, (28, 28), 0.0), mse,
                               rtol=1e-5)
    np.testing.assert_allclose(anomaly.reconstruction_errors(x, x_hat, None, 2.0), mse, rtol=1e-5)
    with pytest.raises(ValueError, match="Smoothing"):
        anomaly.error_maps(x, x_hat, (28, 28), -1.0)


@pytest.mark.parametrize("mode", ["one-class", "hold-out"])
def test_max_contamination_is_the_largest_share_the_training_split_holds(digits, mode):
    most = anomaly.max_contamination(digits, mode, 3)
    setup = anomaly.image_setup(digits, mode, 3, most)
    assert setup.train_is_anomaly.mean() == pytest.approx(most, abs=0.01)
    with pytest.raises(ValueError, match="anomalies are available"):
        anomaly.image_setup(digits, mode, 3, most + 0.02)


def test_an_image_set_up_needs_two_classes_and_says_why(digits):
    import dataclasses

    one_class = dataclasses.replace(digits, y_train=np.zeros_like(digits.y_train),
                                    class_names=("digit",))
    with pytest.raises(ValueError, match=r"has one class only \(digit\), but this set-up needs "
                       "two classes .*: for a CSV, pick a label column that holds two values"):
        anomaly.image_setup(one_class, "one-class", 0)
    unlabelled = dataclasses.replace(one_class, class_names=("all",))
    with pytest.raises(ValueError, match="has no labels"):
        anomaly.image_setup(unlabelled, "hold-out", 0)


def test_ink_relative_error_is_the_worst_pixels_error_over_the_ink():
    x = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]], "float32")
    x_hat = np.zeros_like(x)
    # squared errors [1, 0, 0, 0]; ink = mean(x) + mean(x_hat) = 0.25; a blank pair scores 0
    np.testing.assert_allclose(anomaly.ink_relative_errors(x, x_hat, (2, 2), top=1), [4.0, 0.0])
    np.testing.assert_allclose(anomaly.ink_relative_errors(x, x_hat, (2, 2), top=2), [2.0, 0.0])
    np.testing.assert_allclose(anomaly.ink_relative_errors(x, x_hat, (2, 2), top=99),
                               anomaly.ink_relative_errors(x, x_hat, (2, 2), top=4))
    with pytest.raises(ValueError, match="≥ 1; got 0"):
        anomaly.ink_relative_errors(x, x_hat, (2, 2), top=0)


def test_ink_relative_error_ranks_a_thin_missing_stroke_with_a_thick_one(rng):
    thin, thick = _bar(14), _bar(14) + _bar(15)
    blank = np.zeros((1, 784), "float32")
    plain = [anomaly.reconstruction_errors(x, blank, (28, 28), 1.0)[0] for x in (thin, thick)]
    relative = [anomaly.ink_relative_errors(x, blank, (28, 28), 1.0)[0] for x in (thin, thick)]
    assert plain[0] < plain[1] / 2  # the mean error calls the thin stroke's loss small
    assert relative[0] > relative[1] / 2  # per unit of ink they are alike
    scores = anomaly.ink_relative_errors(rng.random((20, 784)), rng.random((20, 784)), (28, 28),
                                         1.0)
    assert scores.shape == (20,) and np.all(np.isfinite(scores)) and np.all(scores >= 0)


def test_code_distance_is_the_cosine_distance_to_the_nearest_other_training_code():
    from sklearn.neighbors import NearestNeighbors

    codes = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    neighbors = NearestNeighbors(metric="cosine").fit(codes)
    np.testing.assert_allclose(anomaly.code_distances(neighbors), [1 - 1 / np.sqrt(2)] * 3)
    np.testing.assert_allclose(anomaly.code_distances(neighbors, np.array([[2.0, 0.0],
                                                                           [-1.0, 0.0]])),
                               [0.0, 1.0], atol=1e-12)


def test_standardised_sum_adds_z_scores_and_treats_a_constant_score_as_unit_scale():
    parts = np.array([[1.0, 10.0, 5.0], [3.0, 30.0, 5.0]])
    np.testing.assert_allclose(
        anomaly.standardised_sum(parts, np.array([2.0, 20.0, 5.0]), np.array([1.0, 10.0, 0.0])),
        [-2.0, 2.0])


def test_rules_that_flag_every_row_or_none_are_named():
    """Best F1 chose a threshold below every test score after a short training: the page
    showed recall 1, false-positive rate 1 and no word that it flagged everything."""
    scores, labels = np.array([0.1, 0.2, 0.3, 0.4]), np.array([0, 1, 0, 1])
    table = anomaly.rules_table({"best F1 (validation)": -4.1, "middle": 0.25, "max": 0.4},
                                scores, labels)
    assert anomaly.all_or_nothing(table) == {"best F1 (validation)": "every", "max": "no"}
