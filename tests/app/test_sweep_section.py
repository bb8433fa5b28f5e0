"""The Dimensionality Reduction page's sweep: one training per value, a curve, runs stored."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hypothesis_st
from streamlit.testing.v1 import AppTest

from aecore.runs import RunStore, store_dir
from aecore.sweep import SWEEPABLE
from tests.app.apptest import ROOT, chart, click

PAGE = "pages/1_Dimensionality_Reduction.py"


def open_link(script: str, **query: str) -> AppTest:
    """``script`` opened through app.py, as the app serves it (its page links need the app's
    pages), with ``query`` as its link."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180).run().switch_page(script)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def test_a_two_value_sweep_draws_the_curve_and_stores_one_run_per_value():
    before = len(RunStore(store_dir()).runs())
    at = open_link(PAGE, data="digits", n_train="300", hidden_layers="16", epochs="2")
    at.selectbox(key="sweep_param").set_value("code_size").run()
    at.text_input(key="sweep_values_code_size").set_value("1, 2").run()
    at = click(at, "Run the sweep")
    assert not at.exception and not at.error
    assert any(s.value == "The sweep of code size: 2 trainings done." for s in at.success)
    figure = chart(at, "sweep_curve")
    names = {trace["name"] for trace in figure["data"]}
    assert {"Autoencoder", "PCA"} <= names
    table = at.dataframe[-1].value
    assert list(table["Code size"]) == [1, 2]
    assert list(table.columns) == [  # all done: no state, epochs or empty notes (1280 px)
        "Code size", "reconstruction MSE", "PCA reconstruction MSE", "5-NN accuracy",
        "PCA 5-NN accuracy", "seconds", "run id"]
    assert table["run id"].notna().all()
    assert len(RunStore(store_dir()).runs()) == before + 2
    link = next(e.proto for e in at.get("page_link") if "Compare" in e.proto.label)
    ids = ",".join(str(int(i)) for i in table["run id"])
    assert link.query_string == f"compare={ids.replace(',', '%2C')}"


def test_bad_sweep_values_say_why_and_disable_the_button():
    at = open_link(PAGE, data="digits", n_train="300", hidden_layers="16", epochs="2")
    at.selectbox(key="sweep_param").set_value("code_size").run()
    at.text_input(key="sweep_values_code_size").set_value("2, two").run()
    assert not at.exception
    assert "two" in at.error[0].value
    assert next(b for b in at.button if b.label == "Run the sweep").disabled


@given(param=hypothesis_st.sampled_from(SWEEPABLE),
       text=hypothesis_st.one_of(
           hypothesis_st.text(max_size=30),
           hypothesis_st.lists(hypothesis_st.floats(-1e4, 1e4, allow_nan=False), max_size=14)
           .map(lambda values: ", ".join(f"{v:g}" for v in values))))
@settings(max_examples=6, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_any_values_text_either_enables_the_sweep_or_says_why(param, text):
    at = open_link(PAGE, data="digits")
    at.selectbox(key="sweep_param").set_value(param).run()
    at.text_input(key=f"sweep_values_{param}").set_value(text).run()
    assert not at.exception, (param, text, at.exception)
    disabled = next(b for b in at.button if b.label == "Run the sweep").disabled
    assert disabled == bool(at.error), (param, text)


def test_values_are_suggested_for_the_network_and_an_unfit_one_is_pointed_out():
    at = open_link(PAGE, data="digits", n_train="300", hidden_layers="16", epochs="2")
    at.selectbox(key="sweep_param").set_value("code_size").run()
    assert at.text_input(key="sweep_values_code_size").value == "1, 2, 4, 8, 16"
    assert not at.error and not [i for i in at.info if "will not train" in i.value]
    at.text_input(key="sweep_values_code_size").set_value("2, 32").run()
    assert not at.exception and not at.error
    assert any("Code size 32 will not train with this network" in i.value for i in at.info)
    assert not next(b for b in at.button if b.label == "Run the sweep").disabled
    at.text_input(key="sweep_values_code_size").set_value("32, 64").run()  # none can train
    assert "None of these values can train" in at.error[0].value
    assert next(b for b in at.button if b.label == "Run the sweep").disabled


def test_the_suggested_values_follow_the_network_until_the_user_edits_them():
    at = open_link(PAGE, data="digits", n_train="300", hidden_layers="16", epochs="2")
    at.selectbox(key="sweep_param").set_value("code_size").run()
    at.text_input(key="hp_hidden_layers").set_value("8").run()
    assert at.text_input(key="sweep_values_code_size").value == "1, 2, 4, 8"
    assert any(c.value.startswith("4 trainings of 2 epochs") for c in at.caption)
    assert not [i for i in at.info if "will not train" in i.value]
    at.text_input(key="sweep_values_code_size").set_value("2, 3").run()
    at.text_input(key="hp_hidden_layers").set_value("16").run()  # the user's values stay
    assert at.text_input(key="sweep_values_code_size").value == "2, 3"


def test_suggested_fractions_read_as_numbers_not_floats():
    at = open_link(PAGE, data="digits")
    at.selectbox(key="sweep_param").set_value("input_noise").run()
    assert at.text_input(key="sweep_values_input_noise").value == "0, 0.1, 0.3, 0.5"
