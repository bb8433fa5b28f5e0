"""Anomaly detection: train on normal data only, then choose where to draw the line on the
anomaly score (the reconstruction error, or the ink-relative error plus the code's distance)."""

import numpy as np
import pandas as pd
import streamlit as st
from sklearn.base import clone

from aecore import anomaly, plots
from aecore.presets import IMAGE_DETECTOR, TABULAR_DETECTOR
from aecore.results import AnomalyResult
from aecore.runconfig import PAGE_FIXED, parse_param
from aecore.spec import PARAMS, SCORES, counted
from lab_ui import (
    RESULT_KEYS,
    SMALL_IMAGES_CONFIG,
    TrainingSection,
    export_section,
    format_showing,
    keep_choice,
    keep_in_range,
    loss_chart,
    model_controls,
    open_page,
)
from lab_ui.layout import wrapping_area
from lab_ui.text import numbers_as_text, plain_text

st.set_page_config(page_title="Anomaly detection · Autoencoder Lab", layout="wide")
GALLERY = 8

INTRODUCTION = ("An autoencoder trained only on **normal** data rebuilds normal inputs well and "
                "**anomalies** badly, so a threshold on the reconstruction error flags "
                "anomalies; for images, how far an input's code lies from the training codes "
                "adds a second sign. Where to put the threshold is the hard part: compare the "
                "usual rules here.")
link, data = open_page("anomaly", "Anomaly detection", lambda noun: INTRODUCTION)
section = TrainingSection(RESULT_KEYS["anomaly"])
training = section.take_request()

controls, live = wrapping_area("panels", "page").columns([2, 3], gap="large")
with controls:
    st.subheader("1 · What is normal?")
    link.apply_settings({"source": "an_source", "training_contamination": "an_contamination"})
    source = st.radio("Set-up", list(anomaly.SOURCES), format_func=anomaly.SOURCES.get,
                      key="an_source", persist_state="session")
    breast_cancer = source == "breast-cancer"
    if breast_cancer:  # under the sidebar's dataset, which this set-up does not use
        st.sidebar.caption("This page's breast-cancer set-up uses its own table, not the "
                           "dataset above.")
    tabular = breast_cancer or not data.is_image
    if not breast_cancer:
        link.apply_choice("digit", "an_digit", data.labels)
        keep_choice("an_digit", data.labels)  # after a dataset switch: a class of this one
        digit = st.selectbox("The class", data.labels, key="an_digit", persist_state="session",
                             format_func=data.label_name)
    try:
        most = anomaly.MAX_CONTAMINATION if breast_cancer else min(
            anomaly.MAX_CONTAMINATION, anomaly.max_contamination(data, source, digit))
    except ValueError as err:  # e.g. an upload with one class
        st.error(plain_text(str(err)))
        st.stop()
    keep_in_range("an_contamination", 0.0, most, 0.0)  # a set-up with fewer anomalies: less
    contamination = st.slider("Contamination of the training data", 0.0, most, step=0.01,
                              key="an_contamination", disabled=most == 0,
                              format=format_showing("%.2f", st.session_state["an_contamination"]),
                              persist_state="session",
                              help="Share of anomalies mixed into the training data, as happens "
                                   "when 'normal' data are not checked by hand.")
    if most < anomaly.MAX_CONTAMINATION:
        st.caption(f"At most {most:.0%} here: the training {data.sample_noun}s hold no more "
                   "of the anomalous class.")
    try:
        setup = (anomaly.breast_cancer_setup(contamination) if breast_cancer
                 else anomaly.image_setup(data, source, digit, contamination))
    except ValueError as err:  # too few rows of a class to split for validation and test
        st.error(plain_text(str(err)))
        st.stop()
    noun = setup.sample_noun
    st.caption(f"{plain_text(setup.description)}. "
               f"{counted(len(setup.x_train), f'training {noun}')} "
               f"({counted(setup.train_is_anomaly.sum(), 'anomaly', 'anomalies')} mixed in), "
               f"{counted(len(setup.x_val), f'validation {noun}')} and "
               f"{counted(len(setup.x_test), f'test {noun}')}.")
    st.subheader("2 · Build the detector")
    if tabular:  # the boxes below show, disabled, what a table uses; the link holds neither
        link.fix({"smoothing": 0.0, "score": "error"}, parse_param,
                 because="a table's rows are scored by their plain reconstruction error",
                 suggest=False)
    else:
        link.apply("smoothing", "an_smoothing", lambda text: parse_param("smoothing", text))
        link.apply("score", "an_score", lambda text: parse_param("score", text))
    preset = TABULAR_DETECTOR if tabular else clone(IMAGE_DETECTOR).set_params(
        image_shape=setup.image_shape)
    detector = model_controls({"Detector preset": preset}, setup.x_train,
                              prefix="an_tab_" if tabular else "an_img_",
                              link=link, image_shape=setup.image_shape,
                              fixed=(*PAGE_FIXED["anomaly"], "smoothing",
                                     "score"))  # these two have their own widgets
    smoothing_param = PARAMS["smoothing"]
    # table rows: the boxes show, disabled, what a table uses (no smoothing, the plain error)
    # under their own keys, so that the image settings are kept for the next image set-up
    widget_key = "an_table_{}" if tabular else "an_{}"
    st.session_state.setdefault("an_smoothing", IMAGE_DETECTOR.smoothing)
    st.session_state["an_table_smoothing"], st.session_state["an_table_score"] = 0.0, "error"
    smoothing = st.slider(smoothing_param.label, smoothing_param.min, smoothing_param.max,
                          step=smoothing_param.step, key=widget_key.format("smoothing"),
                          format=format_showing(smoothing_param.format,
                                                st.session_state[widget_key.format("smoothing")]),
                          disabled=tabular, persist_state="session",
                          help=smoothing_param.help)
    st.session_state.setdefault("an_score", IMAGE_DETECTOR.score)
    score = st.selectbox(PARAMS["score"].label, list(SCORES), format_func=SCORES.get,
                         key=widget_key.format("score"), disabled=tabular,
                         persist_state="session", help=PARAMS["score"].help)
    st.caption(anomaly.SCORE_EXPLANATIONS[score])
    if detector is not None:
        detector.set_params(smoothing=smoothing, score=score)
    link.write()
below = section.below(trains=training and detector is not None)


def live_histogram(event, scores):
    """Per epoch: held-out validation errors (the result's live view), normal vs anomalous."""
    return plots.error_histograms(scores[setup.y_val == 0], scores[setup.y_val == 1],
                                  title=f"Validation errors, epoch {event.epoch}")


with live:
    st.subheader("3 · Train it live")
    section.buttons(training, can_train=detector is not None)
    if training and detector is not None:
        section.train(AnomalyResult(detector, data, 0, setup, source,
                                    None if breast_cancer else digit, contamination),
                      live_histogram)
    with section.last_run(
            data, "Choose what is normal and press **Train**: the error histograms of held-out "
                  "normal and anomalous points refresh every epoch.") as result:
        shown = setup
        detector, setup, noun = result.estimator, result.setup, result.setup.sample_noun
        if setup.description != shown.description:  # kept: a breast-cancer run fits any data
            st.info(f"This run was trained for {plain_text(setup.description)}, not for the "
                    f"set-up above ({plain_text(shown.description)}); press **Train** to train "
                    "one for it.")
        # scored as its own data allow, whichever set-up the page shows now
        smoothing, score = result.scoring(st.session_state["an_smoothing"],
                                          st.session_state["an_score"])
        st.caption(plain_text(setup.description))
        loss_chart(detector.history_)

with below:
    try:
        scores = result.scores(smoothing, score)
    except ValueError as err:  # e.g. a run saved before the score existed
        st.error(plain_text(str(err)))
        st.stop()
    test_scores, y_test = scores["test"], setup.y_test

    st.subheader("4 · Where to draw the line")
    c1, c2 = wrapping_area("charts", "threshold").columns(2)
    # persisted: drawn only with a result, so after a page without one the browser would show
    # the default while the server kept the last value
    k = c1.slider("k for the mean + kσ rule", 0.5, 5.0, 3.0, 0.5, key="an_k",
                  persist_state="session")
    share = c2.slider("Share flagged by the percentile rule", 0.01, 0.3,
                      max(0.05, float(result.contamination)), 0.01, key="an_share",
                      persist_state="session")
    rules = anomaly.threshold_rules(scores["train"], scores["val"], setup.y_val, k, share)
    # every test score and every rule's threshold within reach (a rule from validation
    # scores can lie below the lowest test score)
    low = float(min(test_scores.min(), *rules.values()))
    high = float(max(test_scores.max(), *rules.values()))
    threshold = st.slider("Your threshold on the anomaly score", low, high,
                          float(rules["best F1 (validation)"]),
                          (high - low) / 500, format="%.5f",
                          key=f"an_threshold_{id(detector)}_{smoothing}_{score}")
    st.plotly_chart(plots.error_histograms(test_scores[y_test == 0], test_scores[y_test == 1],
                                           threshold, rules, "Test scores", SCORES[score].lower()),
                    key="an_histogram")
    table = anomaly.rules_table({**rules, "your threshold": threshold}, test_scores, y_test)
    st.dataframe(numbers_as_text(table, {"threshold": ".5f",  # an undefined precision: "—"
                                         **dict.fromkeys(table.columns[1:], ".3f")}))
    extremes = anomaly.all_or_nothing(table)
    if extremes:
        st.warning("; ".join(f"{rule.capitalize()} flags {what} test {noun}"
                             for rule, what in extremes.items())
                   + f": {'that threshold tells' if len(extremes) == 1 else 'such thresholds tell'}"
                   " nothing apart. Where the scores barely separate normal from anomalous "
                   f"{noun}s (see the curves below), train longer; or move your threshold.")
    st.caption("Rules from training scores: max, mean + kσ and the percentile use no labels. "
               "Best F1 and Youden's J pick the threshold on the labelled validation split. "
               f"Every rule is scored on the {counted(len(y_test), f'test {noun}')}.")

    st.subheader("5 · Curves and counts")
    c1, c2 = wrapping_area("charts", "curves").columns([2, 1])
    point = anomaly.operating_point(test_scores, y_test, threshold)
    cv = anomaly.curves(test_scores, y_test)
    c1.plotly_chart(plots.roc_and_pr(cv.fpr, cv.tpr, cv.roc_auc, cv.precision, cv.recall,
                                     cv.pr_auc, point), key="an_curves")
    c2.plotly_chart(plots.confusion(anomaly.confusion_counts(test_scores, y_test, threshold)),
                    key="an_confusion")
    precision = (f"{point['precision']:.2f}" if np.isfinite(point["precision"])
                 else "undefined (nothing is flagged)")
    c2.caption(f"At your threshold: precision {precision}, recall {point['recall']:.2f}, "
               f"false-positive rate {point['false-positive rate']:.2f}.")

    st.subheader("6 · Flagged examples")
    view = st.radio("Show", anomaly.EXAMPLE_VIEWS, horizontal=True, key="an_view",
                    persist_state="session")
    picks = anomaly.flagged_examples(test_scores, y_test, threshold, view, GALLERY)
    if len(picks) == 0:
        st.info(f"No {view.lower()} at this threshold.")
    elif setup.image_shape is not None:
        x = setup.x_test[picks]
        x_hat = detector.reconstruct(x)
        error_map = np.abs(anomaly.error_maps(x, x_hat, setup.image_shape, smoothing))
        captions = [f"{setup.test_classes[i]} · {'A' if y_test[i] else 'N'} · {test_scores[i]:.4f}"
                    for i in picks]
        st.plotly_chart(plots.image_rows([x, x_hat, error_map], setup.image_shape,
                                         ["input", "reconstruction", "error map"],
                                         captions=captions, ink=setup.drawn_as_ink),
                        key="an_gallery", config=SMALL_IMAGES_CONFIG)
        blur = (f" The error map is |input − reconstruction| after the blur the score uses "
                f"(σ = {smoothing:g} pixel{'' if smoothing == 1 else 's'}), so a thin stroke "
                "the model missed shows fainter than a wide one." if smoothing > 0 else "")
        st.caption(f"Each caption: the {noun}'s class, A = truly anomalous or N = normal, "
                   f"then its anomaly score.{blur}")
    else:
        st.dataframe(pd.DataFrame({"score": test_scores[picks], "anomalous": y_test[picks],
                                   "class": setup.test_classes[picks]}, index=picks), key="an_rows")

    export_section(result, {"test scores": lambda: anomaly.scores_table(
                                test_scores, y_test, setup.test_classes, threshold),
                            "threshold rules": lambda: table},
                   scoring={"smoothing": smoothing, "score": score})

    with st.expander("Reproduce this run in Python"):
        st.code(result.recipe(smoothing, score, k, share), language="python")
