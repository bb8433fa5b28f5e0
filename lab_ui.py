"""Streamlit-side pieces shared by the pages: dataset picker, hyperparameter controls and the
live-training panel. Modelling stays in aecore; this module only draws and wires widgets.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

import numpy as np
import streamlit as st

from aecore import plots
from aecore.data import DATASETS, DEFAULT_DATASET, Dataset, load_dataset
from aecore.embed import code_map
from aecore.spec import ACTIVATIONS, LOSSES, PARAMS, AESpec, parse_layers, sandwich

if TYPE_CHECKING:  # importing aecore.training imports TensorFlow; pages do it when they train
    from aecore.training import EpochEvent, TrainingRun

FRAME_INTERVAL_S = 0.3  # at most ~3 chart redraws a second, however short the epochs


def dataset_picker() -> Dataset:
    """Sidebar dataset choice, shared by every page; stops the page with a message on failure."""
    key = st.sidebar.selectbox(
        "Dataset", list(DATASETS), format_func=lambda k: DATASETS[k].title, key="dataset",
        index=list(DATASETS).index(DEFAULT_DATASET), persist_state="session",
        help="The same dataset is used on every page.",
    )
    try:
        with st.spinner(f"Loading {DATASETS[key].title}…"):
            data = load_dataset(key)
    except ValueError as err:
        st.error(str(err))
        st.stop()
    st.sidebar.caption(f"{data.source}. {len(data.x_train):,} training and {len(data.x_test):,} "
                       f"held-out images of {data.image_shape[0]}×{data.image_shape[1]} pixels.")
    return data


def _widget_args(name: str) -> dict[str, Any]:
    param = PARAMS[name]
    return {"label": param.label, "help": param.help}


def _set_state(prefix: str, values: dict[str, Any]) -> None:
    for name, value in values.items():
        st.session_state[f"{prefix}{name}"] = value


def _spec_values(spec: AESpec) -> dict[str, Any]:
    """Widget values that show ``spec``."""
    values = spec.as_kwargs()
    layers = values.pop("hidden_layers")
    return {**values, "n_layers": len(layers), "first_layer": layers[0] if layers else 256,
            "hidden_layers": ", ".join(map(str, layers))}


def _refresh_layers(prefix: str) -> None:
    """Number of layers or first width changed: rebuild the halving sandwich.

    Only this direction is automatic: widths typed by hand never rewrite the two numbers, since a
    widget changed from Python can race with the browser's copy of it and undo the user's edit.
    """
    state = st.session_state
    layers = sandwich(state[f"{prefix}first_layer"], state[f"{prefix}n_layers"],
                      state[f"{prefix}code_size"])
    state[f"{prefix}hidden_layers"] = ", ".join(map(str, layers))


def hyperparameter_controls(presets: dict[str, AESpec], x_train: np.ndarray,
                            prefix: str = "hp_", disabled: bool = False) -> AESpec | None:
    """Widgets for every hyperparameter, with preset buttons; returns a spec valid for
    ``x_train``, or None after showing why with ``st.error``.

    Ranges and help come from ``aecore.spec.PARAMS``.
    """
    default = next(iter(presets.values()))
    for name, value in _spec_values(default).items():
        st.session_state.setdefault(f"{prefix}{name}", value)
    cols = st.columns(len(presets))
    for col, (title, spec) in zip(cols, presets.items(), strict=False):
        col.button(title, key=f"{prefix}preset_{title}", on_click=_set_state,
                   args=(prefix, _spec_values(spec)), disabled=disabled, width="stretch")

    def k(name: str) -> dict[str, Any]:  # a widget's key, label and help; kept across pages
        return dict(key=f"{prefix}{name}", disabled=disabled, persist_state="session",
                    **_widget_args(name))

    c1, c2 = st.columns(2)
    c1.number_input(min_value=1, max_value=int(PARAMS["code_size"].max), step=1, **k("code_size"))
    c2.number_input(min_value=0, max_value=int(PARAMS["n_layers"].max), step=1,
                    on_change=_refresh_layers, args=(prefix,), **k("n_layers"))
    c1.number_input(min_value=2, max_value=int(PARAMS["first_layer"].max), step=16,
                    on_change=_refresh_layers, args=(prefix,), **k("first_layer"))
    layers_text = c2.text_input(**k("hidden_layers"))
    c1, c2 = st.columns(2)
    c1.selectbox(options=list(LOSSES), format_func=LOSSES.get, **k("loss"))
    c2.selectbox(options=list(ACTIVATIONS), **k("activation"))
    c1.number_input(min_value=PARAMS["learning_rate"].min, max_value=PARAMS["learning_rate"].max,
                    step=1e-4, format="%.5f", **k("learning_rate"))
    c2.number_input(min_value=PARAMS["input_noise"].min, max_value=PARAMS["input_noise"].max,
                    step=0.05, format="%.2f", **k("input_noise"))
    c1.number_input(min_value=1, max_value=int(PARAMS["epochs"].max), step=1, **k("epochs"))
    c2.number_input(min_value=1, max_value=int(PARAMS["batch_size"].max), step=16,
                    **k("batch_size"))
    c1.number_input(min_value=0, max_value=int(PARAMS["seed"].max), step=1, **k("seed"))

    values = {f.name: st.session_state[f"{prefix}{f.name}"] for f in fields(AESpec)}
    try:
        values["hidden_layers"] = parse_layers(layers_text)
        return AESpec(**values).checked_for(x_train)
    except ValueError as err:
        st.error(str(err))
        return None


@dataclass
class LivePanel:
    """Placeholders redrawn after each epoch: progress, loss curves and the probe's latent map.

    Charts are redrawn at most every ``FRAME_INTERVAL_S`` (and always on the last epoch); the
    progress bar moves every epoch, which also lets Streamlit see a Stop click within one epoch.
    """

    run: TrainingRun
    labels: np.ndarray
    _last_draw: float = field(default=0.0, init=False)
    _draws: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.progress = st.progress(0.0, text="Starting…")
        left, right = st.columns(2)
        self.loss_chart, self.latent_chart = left.empty(), right.empty()

    def on_epoch(self, event: EpochEvent) -> None:
        losses = ", ".join(f"{k} {v:.4f}" for k, v in event.logs.items())
        self.progress.progress(event.epoch / event.epochs,
                               text=f"Epoch {event.epoch}/{event.epochs} · {losses} · "
                                    f"{event.elapsed:.1f} s")
        now = time.perf_counter()
        if now - self._last_draw < FRAME_INTERVAL_S and event.epoch < event.epochs:
            return
        self._last_draw = now
        self._draws += 1  # distinct keys: the same chart is redrawn within one script run
        self.loss_chart.plotly_chart(plots.loss_curves(self.run.history, event.epochs),
                                     key=f"live_loss_{self._draws}")
        if event.frame is not None:
            fig = plots.latent_scatter(code_map(event.frame, 0).points, self.labels,
                                       f"Latent space, epoch {event.epoch}")
            self.latent_chart.plotly_chart(fig, key=f"live_latent_{self._draws}")


def _session_lock() -> threading.Lock:
    return st.session_state.setdefault("_training_lock", threading.Lock())


def request_training(flag: str) -> None:
    st.session_state[flag] = True


def wait_for_interrupted_training() -> None:
    """Block until this session's previous fit, if any, has unwound.

    With fast reruns Streamlit starts the new script run in a new thread while the interrupted
    one is still inside its epoch; reading the run before it unwinds would show it as running.
    """
    with _session_lock():
        pass


def train_live(run: TrainingRun, probe_labels: np.ndarray, **fit_args: Any) -> None:
    """Fit ``run`` in this script run, drawing a :class:`LivePanel` here every epoch.

    A Stop click (or any rerun) interrupts the fit at the next epoch's drawing; the run keeps the
    model and history so far and marks itself stopped. The per-session lock makes a new fit wait
    until an interrupted one has unwound, so one session never trains twice at once.
    """
    panel = LivePanel(run, probe_labels)
    with _session_lock():
        run.fit(on_epoch=panel.on_epoch, **fit_args)
