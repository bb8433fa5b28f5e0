"""A page's settings live in its URL: a link opens the page with the same widgets, bad values
in it are ignored with a warning, and every change is written back."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hypothesis_st
from streamlit.testing.v1 import AppTest

from aecore.runconfig import RunConfig, config_of, result_for
from lab_ui.link import PAGE_FILES, link_query
from tests.app.apptest import ROOT

SLIDER_PREFIX = {"reduction": "dr", "denoising": "dn", "vae": "vae"}


def open_link(script: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=180)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def test_a_link_sets_the_reduction_widgets_and_is_written_back():
    at = open_link("pages/1_Dimensionality_Reduction.py", data="digits", n_train="300",
                   code_size="3", hidden_layers="64,32", seed="7", learning_rate="0.01",
                   loss="mse")
    assert not at.exception and not at.warning
    state = at.session_state
    assert state["dataset"] == "digits" and state["dr_n_train"] == 300
    assert state["hp_code_size"] == 3 and state["hp_hidden_layers"] == "64, 32"
    assert state["hp_n_layers"] == 2 and state["hp_first_layer"] == 64
    assert state["hp_seed"] == 7 and state["hp_learning_rate"] == 0.01
    assert state["hp_loss"] == "mse"
    assert at.query_params["code_size"] == "3" and at.query_params["hidden_layers"] == "64,32"
    assert at.query_params["data"] == "digits"


def test_bad_link_values_are_ignored_with_a_warning_never_a_crash():
    at = open_link("pages/1_Dimensionality_Reduction.py", code_size="99999", seed="abc",
                   loss="hinge", data="cifar", n_train="5", colour="red", hidden_layers="a,b")
    assert not at.exception
    warning = at.warning[0].value
    for name in ("code_size=99999", "seed=abc", "loss=hinge", "data=cifar", "n_train=5",
                 "colour", "hidden_layers=a,b"):
        assert name in warning
    assert "Code size must be between 1 and 256" in warning
    assert "Training samples must be between 100 and" in warning  # the slider's name, not n_train
    assert at.session_state["hp_code_size"] == 2 and at.session_state["dataset"] == "mnist_sample"
    assert at.query_params["code_size"] == "2"  # the URL now holds what the page shows


def test_a_changed_widget_is_written_into_the_url():
    at = open_link("pages/3_Variational_Autoencoder.py", data="digits")
    at.number_input(key="vae_code_size").set_value(4).run()
    assert at.query_params["code_size"] == "4"


def test_page_settings_are_linked_on_denoising_and_anomaly_pages():
    at = open_link("pages/2_Denoising.py", data="digits", noise="salt_and_pepper", level="0.3",
                   noise_seed="5", architecture="Dense", epochs="3")
    assert not at.exception and not at.warning
    state = at.session_state
    assert (state["dn_noise"], state["dn_level"], state["dn_noise_seed"], state["dn_arch"]) == (
        "salt_and_pepper", 0.3, 5, "Dense")
    assert state["dn_dense_epochs"] == 3
    at = open_link("pages/4_Anomaly_Detection.py", data="digits", source="hold-out", digit="7",
                   training_contamination="0.05", smoothing="0.5", digit_extra="1")
    state = at.session_state
    assert (state["an_source"], state["an_digit"], state["an_contamination"],
            state["an_smoothing"]) == ("hold-out", 7, 0.05, 0.5)
    assert "digit_extra" in at.warning[0].value


def test_a_linked_value_finer_than_its_widget_shows_is_shown_in_full():
    """A link (or a reopened run from the CLI) may hold 0.033 where the widget shows two
    decimals; every such widget widens its format rather than showing 0.03."""
    at = open_link("pages/1_Dimensionality_Reduction.py", data="digits", neighbor_weight="0.033",
                   input_noise="0.125", learning_rate="0.0012345")
    assert not at.exception and not at.warning
    assert at.slider(key="hp_neighbor_weight").proto.format == "%.3f"
    assert at.number_input(key="hp_input_noise").proto.format == "%.3f"
    assert at.number_input(key="hp_learning_rate").proto.format == "%.7f"
    at = open_link("pages/2_Denoising.py", data="digits", level="0.033")
    assert at.slider(key="dn_level").proto.format == "%.3f"
    at = open_link("pages/4_Anomaly_Detection.py", data="digits", training_contamination="0.015",
                   smoothing="0.75")
    assert at.slider(key="an_contamination").proto.format == "%.3f"
    assert at.slider(key="an_smoothing").proto.format == "%.2f"
    at = open_link("pages/2_Denoising.py", data="digits", level="0.3")
    assert at.slider(key="dn_level").proto.format == "%.2f"  # the usual format otherwise


@pytest.mark.parametrize(("script", "query", "kept"), [
    ("pages/1_Dimensionality_Reduction.py", {"network": "conv"}, "network at dense."),
    ("pages/2_Denoising.py", {"architecture": "Dense", "network": "conv"}, "network at dense."),
    ("pages/2_Denoising.py", {"neighbor_weight": "0.5"}, "neighbor_weight at 0.0."),
    ("pages/4_Anomaly_Detection.py", {"contamination": "0.2"},
     "contamination at 0.1; did you mean `training_contamination`?")])
def test_a_link_value_for_a_setting_the_page_fixes_is_ignored_with_a_warning(script, query,
                                                                             kept):
    at = open_link(script, data="digits", **query)
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "Some values in this page's link were ignored:\n\n" + "\n".join(
            f"- `{name}={value}`: this page keeps {kept}" for name, value in query.items()
            if name != "architecture")]


def test_a_misspelt_link_name_is_answered_with_the_closest_setting():
    at = open_link("pages/1_Dimensionality_Reduction.py", data="digits", learning_rat="0.01",
                   colour="red")
    assert [w.value for w in at.warning] == [
        "Some values in this page's link were ignored:\n\n"
        "- `learning_rat`: this page has no setting of that name; did you mean "
        "`learning_rate`?\n- `colour`: this page has no setting of that name."]


def test_a_link_value_that_agrees_with_a_fixed_setting_is_silent():
    at = open_link("pages/2_Denoising.py", data="digits", architecture="Convolutional",
                   network="conv", neighbor_weight="0")  # 0 is the page's 0.0
    assert not at.exception and not at.warning


def test_link_values_are_read_whatever_their_case():
    at = open_link("pages/1_Dimensionality_Reduction.py", data="Digits", network="Dense",
                   loss=" MSE", activation="Tanh")
    assert not at.exception and not at.warning  # Dense is the page's dense: nothing differs
    assert at.session_state["dataset"] == "digits" and at.session_state["hp_loss"] == "mse"
    assert at.session_state["hp_activation"] == "tanh"
    at = open_link("pages/2_Denoising.py", data="digits", noise="Salt_And_Pepper")
    assert not at.warning and at.session_state["dn_noise"] == "salt_and_pepper"


def test_a_link_value_with_backticks_is_shown_as_typed():
    at = open_link("pages/1_Dimensionality_Reduction.py", data="digits", seed="1`2", loss="``x")
    assert "- `` seed=1`2 ``: Seed must be" in at.warning[0].value
    assert "- ``` loss=``x ```: Loss must be one of" in at.warning[0].value


@pytest.mark.parametrize("value", ["**x**", "[y](https://example.com)", "$x^2$ :red[x]", "_1_",
                                   "www.example.com", "<https://example.com>"])
def test_markdown_in_a_link_value_is_shown_as_typed_not_rendered(value):
    at = open_link("pages/1_Dimensionality_Reduction.py", data="digits", loss=value)
    message = at.warning[0].value.split(": ", 1)[1]  # after the code span of the value
    unescaped = re.sub(r"\\(.)", r"\1", message)  # what the reader sees
    assert unescaped == f"Loss must be one of mse, bce; got {value!r}."
    assert not re.search(r"(?<!\\)[*_\[\]$:<`]", message.split("got ", 1)[1])


@pytest.mark.parametrize(("layers", "message"), [
    ("1000,500,250,125,64,32,16,8,4", "At most 8 hidden layers are supported; got 9."),
    ("99999,5", "Nodes per layer must be between 1 and 4096; got 99999.")])
def test_hidden_layers_out_of_range_in_a_link_are_ignored_with_a_warning(layers, message):
    at = open_link("pages/1_Dimensionality_Reduction.py", data="digits", hidden_layers=layers)
    assert not at.exception and not at.error
    assert message in at.warning[0].value and f"hidden_layers={layers}" in at.warning[0].value
    assert at.session_state["hp_hidden_layers"] == "1000, 500, 250"  # the page's own


def test_a_very_long_link_value_is_shortened_in_its_warning():
    at = open_link("pages/1_Dimensionality_Reduction.py", data="digits", seed="9" * 500)
    assert f"`seed={'9' * 74}…`" in at.warning[0].value
    assert len(at.warning[0].value) < 300


def test_a_link_warning_goes_once_the_user_changes_that_widget():
    at = open_link("pages/1_Dimensionality_Reduction.py", data="digits", code_size="99999",
                   colour="red")
    assert "code_size=99999" in at.warning[0].value
    at.number_input(key="hp_seed").set_value(3).run()  # another widget: the warning stays
    assert "code_size=99999" in at.warning[0].value
    at.number_input(key="hp_code_size").set_value(3).run()
    assert "code_size" not in at.warning[0].value and "colour" in at.warning[0].value


ROUND_TRIPS = {
    "pages/1_Dimensionality_Reduction.py": ("reduction", "hp_", {}),
    "pages/2_Denoising.py": ("denoising", "dn_dense_", {"architecture": "Dense", "noise": "masking",
                                                        "level": 0.25, "noise_seed": 3}),
    "pages/3_Variational_Autoencoder.py": ("vae", "vae_", {}),
    "pages/4_Anomaly_Detection.py": ("anomaly", "an_img_", {"source": "hold-out", "digit": 4,
                                                            "training_contamination": 0.05}),
}


@pytest.mark.parametrize("script", ROUND_TRIPS)
def test_the_link_of_a_run_config_sets_every_hyperparameter_it_holds(script):
    page, prefix, settings = ROUND_TRIPS[script]
    config = config_of(result_for(RunConfig(page, "digits", n_train=None if page == "anomaly"
                                            else 500, settings=settings, params=dict(
        code_size=3, hidden_layers=(48, 24), epochs=7, seed=11, learning_rate=0.002))))
    at = open_link(script, **link_query(config))
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    state = at.session_state
    for name, value in config.params.items():
        if f"{prefix}{name}" in state and name != "hidden_layers":
            assert state[f"{prefix}{name}"] == value, name
    assert state[f"{prefix}hidden_layers"] == "48, 24"
    written, linked = dict(at.query_params), link_query(config)
    assert written == {k: v for k, v in linked.items() if k in written}
    # fixed by the page (not widgets there), and ignored without a warning
    assert set(linked) - set(written) <= {"network", "contamination", "neighbor_weight",
                                          "neighbor_loss"}


LINK_NAMES = ["data", "n_train", "code_size", "hidden_layers", "epochs", "seed", "loss",
              "learning_rate", "lr_decay", "network", "noise", "level", "noise_seed",
              "architecture", "source", "digit", "training_contamination", "smoothing", "score",
              "beta", "conditional", "filters", "depth", "colour"]
PAGE_SCRIPTS = ["pages/1_Dimensionality_Reduction.py", "pages/2_Denoising.py",
                "pages/3_Variational_Autoencoder.py", "pages/4_Anomaly_Detection.py", "app.py"]


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(script=hypothesis_st.sampled_from(PAGE_SCRIPTS), query=hypothesis_st.dictionaries(
    hypothesis_st.sampled_from(LINK_NAMES),
    hypothesis_st.one_of(hypothesis_st.text(max_size=12), hypothesis_st.integers().map(str),
                         hypothesis_st.floats().map(str),
                         hypothesis_st.sampled_from(["digits", "true", "conv", "-1", "1e309",
                                                     "upload-0123456789ab", ""])),
    max_size=6))
def test_any_link_opens_the_page_without_a_traceback(script, query):
    at = open_link(script, **query)
    assert not at.exception, (query, at.exception)


@pytest.mark.parametrize("page", ["reduction", "denoising", "vae"])
def test_a_page_opened_without_a_link_trains_on_every_training_sample(page):
    at = open_link(PAGE_FILES[page])
    assert not at.exception
    slider = at.sidebar.slider(key=f"{SLIDER_PREFIX[page]}_n_train")
    assert slider.value == 4000 == slider.max  # the MNIST sample's 4,000 training digits
    assert at.query_params["n_train"] == "4000"


@pytest.mark.parametrize("page", ["reduction", "denoising", "vae"])
def test_another_dataset_trains_on_all_of_its_training_samples(page):
    at = open_link(PAGE_FILES[page], data="digits")
    slider = at.sidebar.slider(key=f"{SLIDER_PREFIX[page]}_n_train")
    assert slider.value == 1437 == slider.max  # the 8×8 digits' training split
    at.sidebar.selectbox(key="dataset").set_value("mnist_sample").run()
    assert not at.exception
    slider = at.sidebar.slider(key=f"{SLIDER_PREFIX[page]}_n_train")
    assert slider.value == 4000 == slider.max  # not the 1,437 chosen for the other dataset


def test_a_name_given_twice_in_a_link_takes_the_last_value_and_says_so():
    """`code_size=3&code_size=5` set 5 in silence."""
    at = AppTest.from_file(str(ROOT / "pages/1_Dimensionality_Reduction.py"), default_timeout=180)
    at.query_params["code_size"] = ["3", "5"]
    at.query_params["data"] = "digits"
    at = at.run()
    assert not at.exception and at.session_state["hp_code_size"] == 5
    assert [w.value for w in at.warning] == [
        "Some values in this page's link were ignored:\n\n"
        "- `code_size` is given 2 times; the last, `5`, is used."]


TINY_TRAININGS = {
    "reduction": dict(hp_epochs=1, hp_hidden_layers="16", hp_n_layers=1),
    "denoising": dict(dn_convolutional_epochs=1),
    "vae": dict(vae_epochs=1, vae_hidden_layers="16", vae_n_layers=1),
    "anomaly": dict(an_img_epochs=1)}
CHANGES = {"reduction": ("hp_code_size", 5, "Code size 2 → 5"),
           "denoising": ("dn_noise_seed", 7, "Noise seed 0 → 7"),
           "vae": ("vae_beta", 2.0, "β (KL weight) 1.0 → 2.0"),
           "anomaly": ("an_img_seed", 3, "Seed 0 → 3")}


@pytest.mark.parametrize("page", TINY_TRAININGS)
def test_a_setting_changed_after_training_is_said_above_the_runs_results(page):
    """The results, their downloads and the link disagreed in silence once a widget changed."""
    at = AppTest.from_file(str(ROOT / PAGE_FILES[page]), default_timeout=240)
    for key, value in {"dataset": "digits", **TINY_TRAININGS[page]}.items():
        at.session_state[key] = value
    at = next(b for b in at.run().button if b.label == "Train").click().run()
    assert not at.exception and not [i for i in at.info if "Changed since" in i.value]
    key, value, said = CHANGES[page]
    at.session_state[key] = value
    at = at.run()
    assert [i.value for i in at.info if "Changed since" in i.value] == [
        f"Changed since this run: {said}. What is shown below, and its downloads, are this "
        "run's; press **Train** to train with the new settings."]


def test_a_table_set_up_leaves_the_image_scores_settings_out_of_its_link():
    """The breast-cancer set-up's link kept score=error+code and smoothing=1.0 (the image
    settings) while it trained on the plain error, so its own run read as changed."""
    at = open_link(PAGE_FILES["anomaly"], data="digits", source="breast-cancer",
                   score="error+code", epochs="1")
    assert [w.value for w in at.warning] == [
        "Some values in this page's link were ignored:\n\n- `score=error+code`: this page keeps "
        "score at error: a table's rows are scored by their plain reconstruction error."]
    at = next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception and "score" not in at.query_params
    assert ("This page's breast-cancer set-up uses its own table, not the dataset above."
            in [c.value for c in at.sidebar.caption])
    assert "smoothing" not in at.query_params
    assert not [i for i in at.info if "Changed since" in i.value]
