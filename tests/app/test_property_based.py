"""Property-based AppTests: any widget values a page allows either train and show results, or
explain what to change; no traceback, no NaN or ±inf on the page.

Values are drawn from the ranges in ``aecore.spec.PARAMS`` (the widgets' own ranges), with one
epoch on the smallest training subset so that each example stays fast. Hypothesis is
derandomised, so CI runs the same examples every time.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aecore.noise import NOISES
from aecore.spec import PARAMS
from tests.app.apptest import button, non_finite_shown, open_page

EXAMPLES = settings(max_examples=4, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
DATASETS = st.sampled_from(["digits", "mnist_sample"])


def param(name: str) -> st.SearchStrategy:
    """Values for one hyperparameter across its whole widget range."""
    spec = PARAMS[name]
    if spec.flag:
        return st.booleans()
    if spec.choices:
        return st.sampled_from(spec.choices)
    if spec.format:
        return st.floats(spec.min, spec.max, allow_nan=False).map(lambda v: round(v, 5))
    return st.integers(int(spec.min), int(spec.max))


def widths() -> st.SearchStrategy:
    """The text of the "Nodes per layer" field: up to three widths in range, or blank."""
    width = st.integers(int(PARAMS["hidden_layers"].min), 1024)
    return st.lists(width, max_size=3).map(lambda ws: ", ".join(map(str, ws)))


def dense_controls(prefix: str, batch: st.SearchStrategy | None = None) -> st.SearchStrategy:
    """A dense model's widgets; ``batch`` narrows the batch sizes for pages without a small
    training subset (batch size 1 on 3,600 images is slow, not wrong)."""
    return st.fixed_dictionaries({
        f"{prefix}code_size": st.integers(1, 64), f"{prefix}hidden_layers": widths(),
        f"{prefix}loss": param("loss"), f"{prefix}activation": param("activation"),
        f"{prefix}batch_size": st.integers(1, 256) if batch is None else batch,
        f"{prefix}learning_rate": param(
            "learning_rate"), f"{prefix}lr_decay": param("lr_decay"), f"{prefix}epochs": st.just(1),
        f"{prefix}seed": param("seed")})


def train_and_check(script: str, state: dict) -> None:
    at = open_page(script, **state)
    assert not at.exception, (state, at.exception)
    if not button(at, "Train").disabled:
        at = button(at, "Train").click().run()
        assert not at.exception, (state, at.exception)
    assert not non_finite_shown(at), (state, non_finite_shown(at))
    explained = at.error or at.warning
    trained = any("Trained 1 epoch" in s.value for s in at.success)
    assert explained or trained, state


@EXAMPLES
@given(dataset=DATASETS, controls=dense_controls("hp_"), noise=param("input_noise"))
def test_dimensionality_reduction_page_trains_or_explains(dataset, controls, noise):
    train_and_check("pages/1_Dimensionality_Reduction.py",
                    {"dataset": dataset, "dr_n_train": 100, "hp_input_noise": noise, **controls})


@EXAMPLES
@given(dataset=DATASETS, architecture=st.sampled_from(["Convolutional", "Dense"]),
       noise=st.sampled_from(list(NOISES)), level=st.floats(0, 1).map(lambda v: round(v, 2)),
       filters=st.integers(4, 32), depth=param("depth"), dense=dense_controls("dn_dense_"))
def test_denoising_page_trains_or_explains(dataset, architecture, noise, level, filters, depth,
                                           dense):
    state = {"dataset": dataset, "dn_n_train": 100, "dn_arch": architecture, "dn_noise": noise,
             "dn_level": level, "dn_convolutional_filters": filters,
             "dn_convolutional_depth": depth, "dn_convolutional_epochs": 1, **dense}
    train_and_check("pages/2_Denoising.py", state)


@EXAMPLES
@given(dataset=DATASETS, controls=dense_controls("vae_"), network=param("network"),
       beta=param("beta"), warmup=st.integers(0, 2), conditional=param("conditional"),
       depth=param("depth"))
def test_vae_page_trains_or_explains(dataset, controls, network, beta, warmup, conditional,
                                     depth):
    state = {"dataset": dataset, "vae_n_train": 100, "vae_network": network, "vae_beta": beta,
             "vae_warmup_epochs": warmup, "vae_conditional": conditional, "vae_depth": depth,
             "vae_filters": 8, **controls}
    train_and_check("pages/3_Variational_Autoencoder.py", state)


@EXAMPLES
@given(dataset=DATASETS, source=st.sampled_from(["one-class", "hold-out", "breast-cancer"]),
       digit=st.integers(0, 9), contamination=st.floats(0, 0.2).map(lambda v: round(v, 2)),
       smoothing=param("smoothing"),
       controls=dense_controls("an_img_", batch=st.integers(16, 256)))
def test_anomaly_page_trains_or_explains(dataset, source, digit, contamination, smoothing,
                                         controls):
    state = {"dataset": dataset, "an_source": source, "an_digit": digit,
             "an_contamination": contamination, "an_smoothing": smoothing, "an_tab_epochs": 1,
             **controls}
    train_and_check("pages/4_Anomaly_Detection.py", state)
