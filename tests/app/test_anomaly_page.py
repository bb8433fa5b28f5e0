from lab_ui.exports import run_config
from lab_ui.link import RESULT_KEYS
from tests.app.apptest import chart, click, non_finite_shown
from tests.app.apptest import open_page as open_script


def open_page(**state):
    return open_script("pages/4_Anomaly_Detection.py", **state)


def operating_point(at) -> list[float]:
    marker = chart(at, "an_curves")["data"][3]
    return [marker["x"][0], marker["y"][0]]


def test_tiny_training_shows_histogram_rules_and_curves_and_the_slider_moves_the_point():
    at = click(open_page(an_img_epochs=2, an_img_hidden_layers="32", an_img_n_layers=1), "Train")
    assert not at.exception, at.exception
    assert any("Trained 2 epochs" in s.value for s in at.success)
    assert not non_finite_shown(at)
    keys = {c.key for c in at.get("plotly_chart")}
    assert {"an_histogram", "an_curves", "an_confusion", "an_gallery"} <= keys
    ticks = [t for axis, spec in chart(at, "an_gallery")["layout"].items()
             if axis.startswith("xaxis") for t in spec.get("ticktext", [])]
    classes = {t.split(" · ")[0] for t in ticks}
    assert ticks and classes <= set("0123456789") and len(classes) > 1  # digits, not A/N only
    rules = at.dataframe[0].value
    assert {"max training error", "best F1 (validation)", "your threshold"} <= set(rules.index)

    before = operating_point(at)
    slider = next(s for s in at.slider if s.label.startswith("Your threshold"))
    rule_thresholds = rules["threshold"].astype(float).drop("your threshold")  # to 5 decimals
    assert slider.min <= rule_thresholds.min() + 1e-5
    assert slider.max >= rule_thresholds.max() - 1e-5
    assert abs(slider.value - rule_thresholds["best F1 (validation)"]) <= 5e-6  # not clipped
    at = slider.set_value(slider.min).run()
    assert operating_point(at) != before
    assert operating_point(at)[0] > 0.9  # everything flagged: false-positive rate near 1

    at = at.radio(key="an_view").set_value("False positives").run()
    assert not at.exception

    slider = next(s for s in at.slider if s.label.startswith("Your threshold"))
    at = slider.set_value(slider.max).run()  # at or above every test score: nothing flagged
    assert any(w.value.startswith("Your threshold flags no test image: that threshold tells "
                                  "nothing apart.") for w in at.warning)
    assert at.dataframe[0].value.loc["your threshold", "precision"] == "—"  # was "None"


def test_changing_the_error_smoothing_rescores_the_trained_detector():
    at = click(open_page(an_img_epochs=1, an_img_hidden_layers="32", an_img_n_layers=1), "Train")
    smoothed = chart(at, "an_histogram")["data"][0]["x"]
    assert "smoothing=1.0" in at.code[0].value
    at = at.slider(key="an_smoothing").set_value(0.0).run()
    assert not at.exception, at.exception
    assert any("Trained 1 epoch" in s.value for s in at.success)  # kept, not retrained
    unsmoothed = chart(at, "an_histogram")["data"][0]["x"]
    assert unsmoothed != smoothed
    assert "smoothing=0.0" in at.code[0].value
    at = at.radio(key="an_source").set_value("breast-cancer").run()  # the image run stays...
    assert not at.exception and not at.error, (at.exception, at.error)
    assert chart(at, "an_histogram")["data"][0]["x"] == unsmoothed  # ...scored as before
    assert "test images" in " ".join(c.value for c in at.caption)


def test_switching_the_anomaly_score_rescores_the_trained_detector():
    at = click(open_page(an_img_epochs=1, an_img_hidden_layers="32", an_img_n_layers=1), "Train")
    assert at.selectbox(key="an_score").value == "error+code"  # the page's default
    combined = chart(at, "an_histogram")
    assert combined["layout"]["xaxis"]["title"]["text"] == "ink-relative error + code distance"
    assert "score='error+code'" in at.code[0].value
    at = at.selectbox(key="an_score").set_value("error").run()
    assert not at.exception, at.exception
    assert any("Trained 1 epoch" in s.value for s in at.success)  # kept, not retrained
    error = chart(at, "an_histogram")
    assert error["data"][0]["x"] != combined["data"][0]["x"]
    assert error["layout"]["xaxis"]["title"]["text"] == "reconstruction error"
    assert "score='error'" in at.code[0].value
    result = at.session_state[RESULT_KEYS["anomaly"]]  # as trained: the JSON follows the page
    assert result.estimator.score == "error+code"
    exported = run_config(result, {"smoothing": 1.0, "score": "error"})
    assert exported.params["score"] == "error" and exported.params["epochs"] == 1



def test_tabular_breast_cancer_set_up_trains():
    at = open_page(an_source="breast-cancer", an_tab_epochs=2)
    score, smoothing = at.selectbox(key="an_table_score"), at.slider(key="an_table_smoothing")
    assert score.disabled and score.value == "error"  # what a table uses: ink means nothing
    assert smoothing.disabled and smoothing.value == 0.0
    assert "Ink" not in " ".join(c.value for c in at.caption)
    at = click(at, "Train")
    assert not at.exception, at.exception
    assert "breast_cancer_setup" in at.code[0].value
    assert "score='error'" in at.code[0].value
    at = at.radio(key="an_source").set_value("one-class").run()  # the image settings are kept
    assert at.selectbox(key="an_score").value == "error+code" and not at.exception
    assert not at.error, at.error  # the table run stays, scored as a table's rows
    assert "an_curves" in [c.key for c in at.get("plotly_chart")]
    assert any(i.value.startswith("This run was trained for Breast cancer") and
               "not for the set-up above (" in i.value and "normal = " in i.value for i in at.info)


def test_contamination_is_capped_at_what_the_held_out_class_allows():
    at = open_page(an_source="hold-out", an_contamination=0.15)
    assert not at.exception, at.exception
    slider = at.slider(key="an_contamination")
    assert slider.max == 0.1 and slider.value == 0.1  # one digit of ten: 10 % at most
    assert any("At most 10%" in c.value for c in at.caption)
    assert not at.error
