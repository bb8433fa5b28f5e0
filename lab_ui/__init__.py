"""Streamlit-side pieces shared by the pages: dataset picker, hyperparameter controls and the
live-training panel. Modelling stays in aecore; this module only draws and wires widgets.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from sklearn.base import clone

from aecore import plots
from aecore.data import Dataset
from aecore.embed import code_map
from aecore.events import StageEvent
from aecore.presets import adapted_to
from aecore.results import TrainedResult
from aecore.runconfig import RunConfig, Setting, parse_param
from aecore.runs import RunStore, record, reopen
from aecore.spec import (
    PARAMS,
    check_network_fits,
    choice_label,
    loss_name,
    param_label,
    parse_layers,
    sandwich,
)
from aecore.worker import fit_in_worker, warm_up
from lab_ui.data_picker import dataset_picker, open_page
from lab_ui.exports import export_section
from lab_ui.layout import wrapping_area
from lab_ui.link import RESULT_KEYS, PageLink, link_query, open_with_link
from lab_ui.text import plain_text

__all__ = ["RESULT_KEYS", "SMALL_IMAGES_CONFIG", "PageLink", "TrainingSection", "column_grid",
           "dataset_picker", "export_section", "format_showing", "latent_frame",
           "log_scale_toggle", "loss_chart", "map_view_picker", "model_controls", "open_page",
           "open_run", "selected_points", "thumbnails", "training_subset_slider"]

if TYPE_CHECKING:  # importing aecore.training imports TensorFlow; pages do it when they train
    from aecore.training import EpochEvent

# Plotly's config for every gallery of small images: only the PNG download in its toolbar (the
# full toolbar wrapped onto two rows over a 200-px chart's row names; zooming images is moot),
# so the band the gallery keeps free at its top (aecore.plots.TOOLBAR_BAND) holds it
SMALL_IMAGES_CONFIG = {"modeBarButtons": [["toImage"]], "displaylogo": False}
FRAME_INTERVAL_S = 1.0  # at most one chart redraw a second, however short the epochs
LOG_SCALE_KEY = "loss_log_scale"  # one choice for every loss chart, live ones included
# a page's per-epoch figure, from the epoch's event and the result's live view
LiveFigure = Callable[["EpochEvent", Any], go.Figure]


def _set_state(prefix: str, values: dict[str, Any]) -> None:
    for name, value in values.items():
        st.session_state[f"{prefix}{name}"] = value


def _widget_values(estimator: Any, names: Iterable[str]) -> dict[str, Any]:
    """Widget values that show ``estimator``'s hyperparameters ``names``."""
    values = {name: value for name, value in estimator.get_params().items() if name in names}
    if "hidden_layers" not in values:
        return values
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


def _count_layers(prefix: str) -> None:
    """Widths typed by hand: make "Number of hidden layers" and "First hidden layer" show them."""
    state = st.session_state
    try:
        layers = parse_layers(state[f"{prefix}hidden_layers"])
    except ValueError:
        return  # the page shows the parse error
    count, first = PARAMS["n_layers"], PARAMS["first_layer"]
    if layers and len(layers) <= count.max and first.min <= layers[0] <= first.max:
        state[f"{prefix}n_layers"], state[f"{prefix}first_layer"] = len(layers), layers[0]


def _check_layer_count(layers: list[int], n_layers: int) -> None:
    """The page never shows one network and trains another: the typed widths and the number
    of hidden layers must agree (a blank field means none, so the number must then be 0)."""
    if len(layers) != n_layers:
        typed = f"lists {len(layers)} widths" if layers else "is empty"
        raise ValueError(f"{PARAMS['hidden_layers'].label} {typed} but "
                         f"{PARAMS['n_layers'].label} is {n_layers}: type {n_layers} widths "
                         f"separated by commas, or set {PARAMS['n_layers'].label} to "
                         f"{len(layers)}.")


PRESET_TITLES_IN_A_ROW = 30  # characters of preset titles that fit one row of buttons

# Widgets drawn two to a row, in this order, for whichever of them a spec class has.
_GRID_ORDER = ("network", "loss", "activation", "rbm_epochs", "filters", "depth", "beta",
               "warmup_epochs", "encoder_dropout", "learning_rate", "lr_decay", "input_noise",
               "neighbor_weight", "neighbor_loss",
               "epochs", "batch_size", "seed", "dynamic_binarization", "conditional")


def format_showing(fmt: str | None, value: Any) -> str | None:
    """The widget format ``fmt`` ("%.2f"), with more decimals where ``value`` has them, so a
    value from a link or a reopened run (0.033) is shown as it is, not rounded (0.03)."""
    if fmt is None or not fmt.endswith("f") or not isinstance(value, float):
        return fmt
    decimals = len(np.format_float_positional(value, precision=8, trim="-").partition(".")[2])
    return f"%.{max(int(fmt[2:-1]), decimals)}f"


def _param_widget(container: Any, name: str, **widget_args: Any) -> Any:
    """The widget for one hyperparameter, with label, help, range and step from PARAMS."""
    param = PARAMS[name]
    common = dict(label=param.label, help=param.help, persist_state="session", **widget_args)
    shown = format_showing(param.format, st.session_state.get(widget_args.get("key")))
    if param.flag:
        return container.checkbox(**common)
    if param.choices:
        return container.selectbox(options=list(param.choices),
                                   format_func=lambda c: choice_label(name, c), **common)
    if param.slider:
        return container.slider(min_value=param.min, max_value=param.max, step=param.step,
                                format=shown, **common)
    if param.format:
        return container.number_input(min_value=param.min, max_value=param.max, step=param.step,
                                      format=shown, **common)
    return container.number_input(min_value=int(param.min), max_value=int(param.max),
                                  step=int(param.step), **common)


def _adapt_to_new_data(first: Any, names: list[str], X: np.ndarray, prefix: str) -> None:
    """When the data's shape has changed since these widgets were last drawn (another dataset
    or fewer training samples), change the values that cannot train on it, as the presets do
    (:func:`aecore.presets.adapted_to`), and say so."""
    state, shape_key = st.session_state, f"{prefix}_data_shape"
    if state.get(shape_key) in (None, X.shape):
        state[shape_key] = X.shape
        return
    state[shape_key] = X.shape
    values = {name: state[f"{prefix}{name}"] for name in names}
    try:
        if "hidden_layers" in values:
            values["hidden_layers"] = parse_layers(values["hidden_layers"])
        current = clone(first).set_params(**values)
    except ValueError:
        return  # the page shows what is wrong with the typed values
    adapted, notes = adapted_to(current, X)
    if notes:
        _set_state(prefix, _widget_values(adapted, names))
        st.info(f"Adapted to this data: {'; '.join(notes)}.")


def _layers_as_typed(text: str) -> str:
    """A link's hidden layers, checked, as the "Nodes per layer" box shows them."""
    return ", ".join(map(str, parse_param("hidden_layers", text)))


def _link_params(link: PageLink, prefix: str, names: Iterable[str]) -> None:
    """The hyperparameters' widgets take the link's values (and write theirs into it)."""
    for name in names:
        if name == "hidden_layers":
            key = f"{prefix}{name}"
            if link.apply(name, key, _layers_as_typed, show=lambda text: text.replace(" ", "")) \
                    and not st.session_state[key]:
                st.session_state[f"{prefix}n_layers"] = 0  # a link with no hidden layers
            if key in st.session_state:
                _count_layers(prefix)
        else:
            link.apply(name, f"{prefix}{name}", lambda text, name=name: parse_param(name, text))


def network_refusal(network: str, image_shape: tuple[int, int] | None) -> str:
    """Why ``network`` cannot train on data of ``image_shape`` (None: a table), or ""."""
    try:
        check_network_fits(network, image_shape)
    except ValueError as err:
        return str(err)
    return ""


def model_controls(presets: dict[str, Any], X: np.ndarray, prefix: str, link: PageLink,
                   image_shape: tuple[int, int] | None, y: np.ndarray | None = None,
                   fixed: Iterable[str] = ()) -> Any | None:
    """Preset buttons and a widget per hyperparameter of the presets' estimator class (those in
    ``aecore.spec.PARAMS``, except ``fixed`` ones, which keep the first preset's value, and those
    the current settings do not use); returns an unfitted estimator valid for ``X`` (and labels
    ``y``), summarised in a caption, or None after showing why with ``st.error``. The
    hyperparameters are linked to the page's URL through ``link``. ``image_shape`` is that of
    the data's images, or None for a table: presets whose network cannot train on such data
    are left out, saying so.

    The widgets stay enabled while a model trains: disabling them in the script run that
    starts training drops a value typed but not yet confirmed with Enter, so the run would
    train another value than the one on screen.
    """
    refusals = {title: network_refusal(preset.network, image_shape)
                for title, preset in presets.items()}
    adapted = {title: adapted_to(preset, X) for title, preset in presets.items()
               if not refusals[title]}
    first = next(iter(adapted.values()))[0]
    names = [name for name in first.get_params() if name in PARAMS and name not in fixed]
    _link_params(link, prefix, names)
    link.fix({name: first.get_params()[name] for name in fixed}, parse_param)
    for name, value in _widget_values(first, names).items():
        st.session_state.setdefault(f"{prefix}{name}", value)
    _adapt_to_new_data(first, names, X, prefix)
    grid_area = wrapping_area("widgets", prefix)
    # side by side while the titles fit the controls' column at 1280 px, else one a row
    side_by_side = sum(map(len, adapted)) <= PRESET_TITLES_IN_A_ROW
    columns = (grid_area.columns(len(adapted)) if side_by_side
               else [grid_area.container()] * len(adapted))
    for col, (title, (preset, notes)) in zip(columns, adapted.items(), strict=True):
        col.button(title, key=f"{prefix}preset_{title}", on_click=_set_state,
                   args=(prefix, _widget_values(preset, names)), width="stretch",
                   help=f"Load the preset “{title}”"
                        + (f", adapted to this data: {'; '.join(notes)}." if notes else "."))
    left_out = [title for title, refusal in refusals.items() if refusal]
    if left_out:
        grid_area.caption(f"Not offered here: {', '.join(left_out)}. "
                          f"{next(r for r in refusals.values() if r)}")
    preset_notes = dict.fromkeys(note for _, notes in adapted.values() for note in notes)
    if preset_notes:  # the values a preset starts from differ from those it was chosen with
        grid_area.caption(f"{'Presets' if len(adapted) > 1 else 'The preset'} adapted to this "
                          f"data: {'; '.join(preset_notes)}.")

    def widget(container: Any, name: str, **extra: Any) -> Any:
        return _param_widget(container, name, key=f"{prefix}{name}", **extra)

    state = st.session_state
    switches = {n: state[f"{prefix}{n}"] for n in ("network", "rbm_epochs", "neighbor_weight")
                if n in names}
    unused = clone(first).set_params(**switches).unused_params()
    dense = "hidden_layers" in names and "hidden_layers" not in unused
    if dense:
        c1, c2 = grid_area.columns(2, vertical_alignment="bottom")
        widget(c1, "code_size")
        widget(c2, "n_layers", on_change=_refresh_layers, args=(prefix,))
        # widths typed for six or more layers ("1000, 500, 250, 125, 64, 32") need the room
        c1, c2 = grid_area.columns([1, 2], vertical_alignment="bottom")
        widget(c1, "first_layer", on_change=_refresh_layers, args=(prefix,))
        c2.text_input(key=f"{prefix}hidden_layers", persist_state="session",
                      on_change=_count_layers, args=(prefix,),
                      label=PARAMS["hidden_layers"].label, help=PARAMS["hidden_layers"].help)
    grid = [name for name in _GRID_ORDER if name in names and name not in unused]
    for start in range(0, len(grid), 2):  # a row of columns per pair: wrapped, they keep
        pair = grid[start:start + 2]  # the order
        row = grid_area.columns(2, vertical_alignment="bottom")  # boxes level, labels of
        for column, name in zip(row, pair, strict=False):  # two lines or one; a last alone
            widget(column, name)

    values = {name: state[f"{prefix}{name}"] for name in names}
    try:
        if "hidden_layers" in names:
            values["hidden_layers"] = parse_layers(values["hidden_layers"])
        estimator = clone(first).set_params(**values)
        check_network_fits(estimator.network, image_shape)
        estimator.validate_for(X, y)
        if dense:
            _check_layer_count(values["hidden_layers"], state[f"{prefix}n_layers"])
    except ValueError as err:
        st.error(plain_text(str(err)))
        return None
    st.caption(f"Network: {estimator.summary(X.shape[1])}")
    return estimator


@dataclass
class LivePanel:
    """Placeholders redrawn after each epoch: progress, loss curves and a page's own figure
    (the latent map, a before/after gallery…) built from the epoch's event.

    Charts are redrawn at most every ``FRAME_INTERVAL_S`` (and always on the last epoch); the
    progress bar moves every epoch, which also lets Streamlit see a Stop click within one epoch.
    Each redraw mounts new charts (Streamlit derives a chart element's id from its figure, so a
    changed figure is a new Plotly chart, not an update): about 0.35 CPU s for the two in
    headless Chromium without a GPU. Redrawn every 0.3 s, the browser took 0.7 CPU s per second
    of training, from the cores the training uses when both run on one machine (bench.browser).
    """

    estimator: Any
    figure: LiveFigure
    _last_draw: float = field(default=0.0, init=False)
    _draws: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self.progress = st.progress(0.0, text="Starting…")
        left, right = wrapping_area("charts", "live_panel").columns(2)
        self.loss_chart, self.page_chart = left.empty(), right.empty()

    def on_epoch(self, event: EpochEvent | StageEvent, view: Any) -> None:
        """Show one epoch: move the progress bar, and redraw the charts if it is time to; or
        show a stage's progress (RBM pretraining) on the progress bar.

        Parameters
        ----------
        event : aecore.events.EpochEvent or aecore.events.StageEvent
            The epoch just finished, or where the stage before the epochs is.
        view : object
            The result's live view after that epoch, passed to the page's figure (None for a
            stage).
        """
        if isinstance(event, StageEvent):  # a stage without steps reports once: no clock
            clock = f" · {event.elapsed:.1f} s" if event.steps else "…"
            self.progress.progress(event.fraction, text=event.text + clock)
            return
        losses = ", ".join(f"{loss_name(k)} {v:.4f}" if math.isfinite(v)
                           else f"{loss_name(k)} diverged" for k, v in event.logs.items())
        self.progress.progress(event.epoch / event.epochs,
                               text=f"Epoch {event.epoch}/{event.epochs} · {losses} · "
                                    f"{event.elapsed:.1f} s")
        if not all(math.isfinite(v) for v in event.logs.values()):
            return  # the page explains the divergence once the fit has ended
        now = time.perf_counter()
        if now - self._last_draw < FRAME_INTERVAL_S and event.epoch < event.epochs:
            return
        self._last_draw = now
        self._draws += 1  # distinct keys: the same chart is redrawn within one script run
        self.loss_chart.plotly_chart(
            plots.loss_curves(self.estimator.log_.history, event.epochs,
                              log_y=st.session_state.get(LOG_SCALE_KEY, False)),
            key=f"live_loss_{self._draws}")
        self.page_chart.plotly_chart(self.figure(event, view), key=f"live_figure_{self._draws}")


def latent_frame(labels: np.ndarray, class_names: tuple[str, ...] = (),
                 sources: list[str] | None = None) -> LiveFigure:
    """The live figure of the probe's codes: points coloured by label, or, given ``sources``
    (:func:`thumbnails`), the first points' images drawn at their codes."""
    def figure(event: EpochEvent, _: Any) -> go.Figure:
        points, title = code_map(event.frame, 0).points, f"Latent space, epoch {event.epoch}"
        if sources:
            return plots.latent_thumbnails(points, labels, sources, title,
                                           class_names=class_names)
        return plots.latent_scatter(points, labels, title, class_names=class_names)
    return figure


@st.cache_data(max_entries=4, show_spinner=False)
def hover_drawings(images: np.ndarray, image_shape: tuple[int, int] | None) -> list[str] | None:
    """:func:`aecore.plots.hover_drawings` of the held-out images for the maps' hover labels,
    made once per dataset; None for table rows, which have no picture."""
    return None if image_shape is None else plots.hover_drawings(images, image_shape)


@st.cache_data(max_entries=4, show_spinner=False)
def thumbnails(images: np.ndarray, labels: np.ndarray,
               image_shape: tuple[int, int]) -> list[str]:
    """:func:`aecore.plots.thumbnail_sources` of the first :data:`aecore.plots.THUMBNAILS`
    images, made once per dataset (they are the same held-out images every epoch and run)."""
    return plots.thumbnail_sources(images[:plots.THUMBNAILS], labels[:plots.THUMBNAILS],
                                   image_shape)


def map_view_picker(data: Dataset, key: str, disabled: bool = False) -> bool:
    """A "Points / Thumbnails" switch for a page's latent maps, for image data only; returns
    whether thumbnails are chosen. The choice is kept for the session, so it also applies to
    the live map of the next training."""
    if not data.is_image:
        return False
    view = st.segmented_control(
        "Draw the maps with", ["points", "thumbnails"], default="points", required=True,
        key=key, persist_state="session", disabled=disabled,
        help=f"Thumbnails: the first {plots.THUMBNAILS} held-out images drawn at their place "
             "on the map, live while training too.")
    return view == "thumbnails"


def log_scale_toggle(container: Any = st) -> bool:
    """The "Log scale" switch of the loss charts (one for every page and the live charts);
    returns whether it is on."""
    return container.toggle("Log scale", key=LOG_SCALE_KEY, persist_state="session",
                            help="Draw the losses on a logarithmic axis: late epochs' small "
                                 "changes show, and so do terms of very different sizes.")


def loss_chart(history: dict[str, list[float]], container: Any = st,
               key: str = "final_loss") -> None:
    """The "Log scale" switch and the loss curves of a finished training, in ``container``."""
    log_y = log_scale_toggle(container)
    container.plotly_chart(plots.loss_curves(history, log_y=log_y), key=key)


def column_grid(n: int, per_row: int, key: str) -> list[Any]:
    """``n`` Streamlit columns in rows of at most ``per_row``, all of one width (a short last
    row keeps it too), so charts side by side stay wide enough to read: Plotly does not draw
    a map narrower than its minimum width, it clips it. In a narrow window they wrap
    (:func:`wrapping_area`); ``key`` is unique on the page."""
    area = wrapping_area("charts", key)
    return [column for start in range(0, n, per_row)
            for column in area.columns(per_row)[:min(per_row, n - start)]]


def selected_points(event: Any) -> list[int]:
    """The held-out indices of the points a map's selection holds (clicked, box or lasso), in
    the order Plotly lists them, each once.

    The maps' traces carry each point's index as ``customdata``; points without it (the VAE
    map's grid of empty places) are left out.
    """
    picked = (p.get("customdata") for p in event["selection"]["points"])
    return list(dict.fromkeys(int(np.ravel(c)[0]) for c in picked if c is not None))


def keep_in_range(key: str, low: float, high: float, default: float) -> None:
    """Write widget ``key``'s value, put back into [``low``, ``high``], into session state before
    the widget is drawn: its range follows the data, and a value kept from other data would make
    Streamlit raise. Written on every run, since a write also overrides the value the widget
    itself remembers from an earlier mount. A widget not drawn yet starts at ``default``."""
    value = st.session_state.get(key, default)
    st.session_state[key] = type(default)(min(max(value, low), high))


def keep_choice(key: str, options: list[Any]) -> None:
    """Write select box ``key``'s value into session state before the box is drawn: the same
    value where it is one of ``options``, else the first. Written on every run, as
    :func:`keep_in_range` does: after the options change (another dataset's classes) the browser
    otherwise kept showing the old option's name and later sent another value.

    A choice replaced so is remembered and comes back with options that hold it again (digit 7
    after a detour through a table of three classes, the convolutional denoiser after one
    through a table), unless the user has chosen something else meanwhile."""
    state, memory = st.session_state, f"_{key}_replaced"
    value = state.get(key)
    chosen, replacement = state.get(memory, (None, None))
    if memory in state and (value != replacement or chosen in options):
        del state[memory]
        value = chosen if value == replacement else value
    if value not in options:
        if value is not None:
            state[memory] = (value, options[0])
        value = options[0]
    state[key] = value


def training_subset_slider(data: Dataset, key: str, link: PageLink) -> int:
    """Sidebar slider for how many training images to use (fewer train faster), linked to the
    page's URL as ``n_train``."""
    n = len(data.x_train)
    low = 100
    if n <= low:  # too few to choose from: a slider needs two different ends
        link.ignore(["n_train"])
        st.sidebar.caption(f"All {n} training samples are used.")
        return n
    dataset_key = f"{key} dataset"  # the dataset the slider's value was chosen for
    if st.session_state.get(dataset_key, data.key) != data.key:  # another dataset: all of it
        st.session_state[key] = n
    st.session_state[dataset_key] = data.key
    link.apply("n_train", key, lambda text: int(Setting(  # named as the slider is
        "Training samples", min=low, max=n, integer=True).parse(text)))
    if not low <= st.session_state.get(key, -1) <= n:  # first visit (or lost with a stopped run)
        st.session_state[key] = n
    # the coarsest step from which both ends can be reached (50 would miss 142 from 100)
    step = next(s for s in (50, 25, 10, 5, 2, 1) if (n - low) % s == 0)
    return st.sidebar.slider("Training samples", min_value=low, max_value=n,
                             step=step, key=key, persist_state="session",
                             help="Fewer samples train faster; the held-out ones stay the same.")


# The run store's id of a result (or why it is not stored), kept with the result itself: after
# a Stop the script run that trained it can no longer write to session state.
RUN_ID = "run id"
REOPENED = "reopened from the run store"  # a result memo: adopted, not trained here
INTERRUPTED = ("It was not the Stop button: something else changed while the model trained "
               "(a setting, the dataset or the page), and Streamlit reruns the page for any "
               "change, which ends a training. Press Train to train again.")


def _session_lock() -> threading.Lock:
    return st.session_state.setdefault("_training_lock", threading.Lock())


def _stop_request() -> threading.Event:
    """Set when a new script run of this session finds an older one still training."""
    return st.session_state.setdefault("_stop_training", threading.Event())


def _session_alive() -> Callable[[], bool]:
    """Whether this browser session is still connected: a closed or reloaded tab ends its
    session's training at once, even in the middle of a long epoch (when the script run, which
    Streamlit stops at its next Streamlit call, makes none)."""
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if not runtime.exists() or ctx is None:  # AppTest, or a bare script run
        return lambda: True
    instance, session_id = runtime.get_instance(), ctx.session_id
    return lambda: instance.is_active_session(session_id)


@contextmanager
def session_job() -> Iterator[Callable[[], bool]]:
    """Run one long job of this session (a training or a sweep) inside the ``with`` block,
    never two at once; yields the job's ``should_stop``: true once a newer script run of this
    session has started (a Stop click, or any other widget: see
    :meth:`TrainingSection.take_request`) or the browser tab has gone."""
    with _session_lock():
        stop = _stop_request()
        stop.clear()
        alive = _session_alive()
        yield lambda: stop.is_set() or not alive()


def wait_for_interrupted_training() -> None:
    """Block until this session's previous fit, if any, has unwound.

    With fast reruns Streamlit starts the new script run in a new thread while the interrupted
    one is still inside its epoch; reading the run before it unwinds would show it as running.
    """
    with _session_lock():
        pass


@dataclass(frozen=True)
class TrainingSection:
    """A page's Train and Stop buttons, its live training and its last run, kept in session
    state under ``name`` (with the page's own notes about the run)."""

    name: str

    @property
    def _flag(self) -> str:
        return f"{self.name}_train_requested"

    @property
    def _stop_clicked(self) -> str:  # set by this page's Stop button, cleared by its Train
        return f"{self.name}_stop_clicked"

    @property
    def _failure(self) -> str:  # why this page's last training failed, if it did
        return f"{self.name}_failure"

    def take_request(self) -> bool:
        """True in the one script run that follows a Train click.

        Any script run that starts while this session's earlier run is still fitting (a Stop
        click, or any other widget) asks that fit to stop: the fit checks between batches, so
        it ends within about a second whatever the batch size, rather than at the epoch's end.
        Also starts an idle worker process (:mod:`aecore.worker`) if there is none, so that the
        first Train does not wait for one to import TensorFlow.
        """
        warm_up()
        if _session_lock().locked():
            _stop_request().set()
        return st.session_state.pop(self._flag, False)

    def buttons(self, training: bool, can_train: bool) -> None:
        left, right = st.columns(2)
        left.button("Train", type="primary", disabled=training or not can_train, width="stretch",
                    on_click=st.session_state.__setitem__, args=(self._flag, True))
        right.button("Stop training", disabled=not training, width="stretch",
                     on_click=st.session_state.__setitem__, args=(self._stop_clicked, True),
                     help="Stops within a second and keeps the model trained so far.")

    def below(self, trains: bool) -> Any:
        """The container for what a page draws from its last run below its columns; call it
        right after creating the columns. In a script run that ``trains``, an empty element
        stands there instead, which removes the older run's maps, buttons and uploaders from
        the screen: clicking them would rerun the script and so end the training."""
        return st.empty() if trains else st.container()

    def train(self, result: TrainedResult, figure: LiveFigure) -> None:
        """Keep ``result`` in the session, fit its estimator live in a worker process
        (:func:`aecore.worker.fit_in_worker`; a :class:`LivePanel` drawn here every epoch), then
        rerun the page.

        A Stop click (or any rerun) stops the fit within a batch or so; the estimator keeps the
        model and history so far and says it stopped. The per-session lock makes a new fit wait
        until an interrupted one has unwound, so one session never trains twice at once.
        """
        state = st.session_state
        state[self.name], state[self._stop_clicked] = result, False
        state.pop(self._failure, None)
        panel = LivePanel(result.estimator, figure)
        with session_job() as should_stop:
            try:
                fit_in_worker(result, on_epoch=panel.on_epoch, should_stop=should_stop)
            except (RuntimeError, ValueError) as err:  # the worker crashed, or refused the data
                state[self._failure] = plain_text(str(err))
            finally:  # a Stop ends the script run with an exception: the run is kept all the same
                self._record(result)
        st.rerun()

    def adopt(self, result: TrainedResult, run_id: int) -> None:
        """Make a stored run this page's last run, as if it had just been trained here."""
        state = st.session_state
        result.memo(RUN_ID, lambda: run_id)
        result.memo(REOPENED, lambda: True)
        state[self.name], state[self._stop_clicked] = result, True
        state.pop(self._failure, None)

    def _record(self, result: TrainedResult) -> None:
        """Add a training that finished or was stopped to the run store (a diverged one, or one
        stopped before its first epoch, has no model worth keeping)."""
        log = getattr(result.estimator, "log_", None)
        if log is None or not log.epochs_done or log.status == "diverged":
            return
        try:
            result.memo(RUN_ID, lambda: record(result))
        except (OSError, ValueError) as err:  # a full disk, a store from a newer version…
            reason = f"not saved in the run store ({str(err).rstrip('.')})"  # ends a sentence
            result.memo(RUN_ID, lambda: reason)

    @contextmanager
    def last_run(self, data: Dataset, hint: str) -> Iterator[Any]:
        """Draw into one container (which the live panel of the next training replaces
        whole): a line saying how the last run's training ended, then whatever the page draws
        inside the ``with`` block; yields the last result. Stops the page (showing ``hint``)
        when there is no result for ``data``, it has no finished epoch, or it diverged."""
        with st.container():
            yield self._finished(data, hint)

    def _finished(self, data: Dataset, hint: str) -> Any:
        wait_for_interrupted_training()
        result = st.session_state.get(self.name)
        if self._failure in st.session_state:
            st.error(st.session_state[self._failure])
            st.stop()
        if result is None:
            st.info(hint)
            st.stop()
        if not result.is_for(data):
            st.info("The last model was trained on another dataset; press **Train** to train "
                    "one on this one.")
            st.stop()
        log = getattr(result.estimator, "log_", None)
        cause = "" if st.session_state.get(self._stop_clicked) else f" {INTERRUPTED}"
        if log is None or log.epochs_done == 0:
            stage = (" (during RBM pretraining, or before the first fine-tuning epoch ended)"
                     if getattr(result.estimator, "rbm_epochs", 0) else "")
            st.warning(f"Training stopped before the first epoch ended{stage}; there is "
                       f"nothing to show.{cause}")
            st.stop()
        if log.status == "diverged":
            st.error(log.outcome())
            st.stop()
        run = result.memo(RUN_ID, lambda: None)
        saved = f" Saved as run {run} (see the Runs page)." if isinstance(run, int) else (
            f" It was {run}." if run else "")
        changed = _changed_since(result)
        if changed:  # the link (and Train) would give another run than the one shown
            st.info(f"Changed since this run: {'; '.join(changed)}. What is shown below, and its "
                    "downloads, are this run's; press **Train** to train with the new "
                    "settings.")
        if result.memo(REOPENED, lambda: False):  # its outcome is not news: say whence it came
            st.info(f"Run {run} from the Runs page, as it was saved; nothing was retrained. "
                    + log.outcome())
        elif log.status == "stopped":
            st.warning(log.outcome() + saved + cause)
        else:
            st.success(log.outcome() + saved)
        return result


def _changed_since(result: TrainedResult) -> list[str]:
    """The settings whose value in the page's link (written from its widgets) differs from the
    run's, each as "Code size 2 → 5"; hyperparameters and settings the link does not hold
    (the page fixes or hides them) are not compared."""
    from aecore.runconfig import config_of, page_settings

    config = config_of(result)
    labels = {name: setting.label for name, setting in page_settings(config.page).items()}
    now = st.query_params.to_dict()
    return [f"{labels.get(name) or param_label(name)} {was} → {now[name]}"
            for name, was in link_query(config).items() if name in now and now[name] != was]


def keep_with_run(result: TrainedResult, name: str) -> None:
    """Save the table ``result`` computed on demand under ``name`` (``result.memo``) with its
    stored run, so that reopening the run shows it; says so when it cannot be saved (a result
    the store did not keep holds it for this session only)."""
    run_id = result.memo(RUN_ID, lambda: None)
    if not isinstance(run_id, int) or not result.computed(name):
        return
    try:
        RunStore().save_table(run_id, name, result.memo(name, lambda: None))
    except (OSError, ValueError) as err:
        st.warning(f"The {name} table is not saved with run {run_id}: {plain_text(str(err))}")


def open_run(store: RunStore, run_id: int) -> None:
    """Open a stored run on its page, with the page's widgets set to the run's values and its
    model as trained (nothing retrains); shows an error instead if it cannot be reopened."""
    try:
        config = RunConfig.from_dict(store.get(run_id).config)
        result = reopen(store, run_id)
    except ValueError as err:
        st.error(f"Run {run_id} cannot be opened: {plain_text(str(err))}")
        return
    TrainingSection(RESULT_KEYS[config.page]).adopt(result, run_id)
    open_with_link(config.page, link_query(config))
