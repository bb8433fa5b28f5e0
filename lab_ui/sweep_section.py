"""The Dimensionality Reduction page's sweep: train one model per value of one hyperparameter
(in parallel, :mod:`aecore.sweep`) and draw held-out reconstruction error against the value,
with PCA of as many components beside it."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from aecore import plots
from aecore.data import Dataset
from aecore.results import ReductionResult
from aecore.runconfig import RunConfig, config_of
from aecore.runs import store_dir
from aecore.spec import PARAMS, counted, number_text
from lab_ui import session_job, wait_for_interrupted_training
from lab_ui.link import MAX_COMPARED
from lab_ui.text import numbers_as_text, plain_text

# What the values box proposes for each hyperparameter (the user edits it freely).
SUGGESTED_VALUES = {"code_size": "1, 2, 4, 8, 16, 32", "epochs": "5, 10, 20, 40",
                    "learning_rate": "0.0001, 0.001, 0.01", "batch_size": "16, 64, 256",
                    "input_noise": "0, 0.1, 0.3, 0.5", "seed": "0, 1, 2, 3"}
N_JOBS = 2  # trainings at a time: one per core of a small machine, one TF thread each
ENDED = ("done", "stopped", "failed", "cancelled")
_KEY = "dr_sweep"  # session state: the last sweep (updated in place while it runs)
_REQUEST = "dr_sweep_requested"
_STOP_CLICKED = "dr_sweep_stop_clicked"


def sweep_requested() -> bool:
    """Whether this script run follows a "Run the sweep" click (the page then disables Train and
    clears the last run's results from the screen, so that no click on them ends the sweep)."""
    return bool(st.session_state.get(_REQUEST))


def sweep_section(autoencoder: Any, data: Dataset, n_train: int) -> None:
    """Widgets to sweep one hyperparameter of ``autoencoder`` (the network set above, or None
    when its settings are invalid), the live per-job progress and the last sweep's curve."""
    from aecore.sweep import SWEEPABLE, parse_values, unfit_values

    st.subheader("Sweep one hyperparameter")
    st.markdown("Train the network above once per value of one hyperparameter and see how the "
                "held-out reconstruction error follows it, against PCA with as many components "
                "as the code. Every training is saved as a run, so the Runs page can compare "
                "them.")
    names = list(SWEEPABLE) if autoencoder is None else [
        name for name in SWEEPABLE if name in autoencoder.get_params()]
    left, right = st.columns([1, 2])
    param = left.selectbox("Hyperparameter", names, key="sweep_param",
                           format_func=lambda name: PARAMS[name].label)
    x_train = data.x_train[:n_train]
    suggested = parse_values(param, SUGGESTED_VALUES[param])
    if autoencoder is not None:  # only values this network can take
        unfit = unfit_values(autoencoder, param, suggested, x_train)
        suggested = [value for value in suggested if value not in unfit]
    key, suggestion = f"sweep_values_{param}", ", ".join(map(number_text, suggested))
    state = st.session_state
    if state.get(key) in (None, state.get(f"{key}_suggested")):  # not edited: the suggestion
        state[key] = suggestion  # for this data and network (a default would not follow them)
    state[f"{key}_suggested"] = suggestion
    text = right.text_input("Values (comma-separated)", key=key)
    values: list = []
    try:
        values = parse_values(param, text)
    except ValueError as err:
        st.error(plain_text(str(err)))
    unfit = {} if autoencoder is None else unfit_values(autoencoder, param, values, x_train)
    for value, why in unfit.items():
        st.info(f"{PARAMS[param].label} {value} will not train with this network: {why}")
    if values and len(unfit) == len(values):
        st.error("None of these values can train with this network: change the values or the "
                 "network above.")
    running = st.session_state.pop(_REQUEST, False)
    can_run = (autoencoder is not None and bool(values) and len(unfit) < len(values)
               and not running)
    buttons = st.columns(2)
    buttons[0].button("Run the sweep", disabled=not can_run, width="stretch",
                      on_click=st.session_state.update, args=({_REQUEST: True},))
    buttons[1].button("Stop the sweep", disabled=not running, width="stretch",
                      on_click=st.session_state.update, args=({_STOP_CLICKED: True},),
                      help="Cancels the trainings not yet started and stops the running ones; "
                           "finished ones are kept.")
    if values and autoencoder is not None:
        epochs = (f"{', '.join(map(number_text, values))} epochs" if param == "epochs"
                  else counted(autoencoder.epochs, "epoch"))
        st.caption(f"{len(values)} trainings of {epochs} on {counted(n_train, data.sample_noun)}, "
                   f"{N_JOBS} at a time, saved in the run store ({store_dir()}).")
    slot = st.empty()  # the running sweep's progress, then its result, in one place
    if running:
        _run(config_of(ReductionResult(autoencoder, data, n_train)), param, values, slot)
    wait_for_interrupted_training()
    sweep = st.session_state.get(_KEY)
    if sweep is None:
        return
    with slot.container():
        if sweep.config.dataset != data.key:
            st.info("The last sweep ran on another dataset; run one on this one to see its "
                    "curve here.")
        else:
            _draw_result(sweep)


def _run(config: RunConfig, param: str, values: list, slot: Any) -> None:
    """Run the sweep, drawing its progress in ``slot``, then rerun the page to show it."""
    from aecore.sweep import Sweep

    try:
        sweep = Sweep(config, param, values, n_jobs=N_JOBS)
    except ValueError as err:  # e.g. a Ray address set on a machine without Ray
        slot.error(plain_text(str(err)))
        return
    st.session_state[_KEY], st.session_state[_STOP_CLICKED] = sweep, False
    with session_job() as should_stop:
        try:
            sweep.run(on_update=lambda jobs: _draw_progress(slot, param, jobs),
                      should_stop=should_stop)
        except ValueError as err:  # the dataset could not be loaded
            st.session_state.pop(_KEY)
            slot.error(plain_text(str(err)))
            return
    st.rerun()


def _draw_progress(slot: Any, param: str, jobs: list[Any]) -> None:
    ended = sum(job.state in ENDED for job in jobs)
    with slot.container():
        st.progress(ended / len(jobs), text=f"{ended} of {len(jobs)} trainings ended")
        st.dataframe(_jobs_table(param, jobs), hide_index=True, column_config={
            "progress": st.column_config.ProgressColumn("epochs done", min_value=0.0,
                                                        max_value=1.0),
            "note": st.column_config.TextColumn(width="large")})


def _jobs_table(param: str, jobs: list[Any]) -> pd.DataFrame:
    return pd.DataFrame({
        PARAMS[param].label: [number_text(job.value) for job in jobs],
        "state": [job.state for job in jobs],
        "progress": [job.epoch / job.epochs if job.epochs else 0.0 for job in jobs],
        "epoch": [f"{job.epoch}/{job.epochs}" if job.epochs else "" for job in jobs],
        "note": [job.error for job in jobs]})


def _draw_result(sweep: Any) -> None:
    jobs = sweep.jobs
    counts = pd.Series([job.state for job in jobs]).value_counts()
    what = f"the sweep of {PARAMS[sweep.param].label.lower()}"
    states = ", ".join(f"{counted(n, 'training')} {state}"  # "2 done" read as code size 2
                       for state, n in counts.items())
    if {"stopped", "cancelled"} & set(counts.index):
        if st.session_state.get(_STOP_CLICKED):
            st.warning(f"Stopped {what}: {states}.")
        else:
            st.warning(f"{what.capitalize()} ended early: {states}. Something else changed on "
                       "the page while it ran (Streamlit reruns the page for any change, which "
                       "ends a sweep); press **Run the sweep** to run it again.")
    elif "failed" in counts.index:
        st.warning(f"Finished {what}: {states}. See the table's notes for why.")
    else:
        st.success(f"{what.capitalize()}: {states}.")
    table = sweep.table()
    if table["reconstruction MSE"].notna().any():
        st.plotly_chart(plots.sweep_curve(table, sweep.param), key="sweep_curve")
        if sweep.param == "code_size" and sweep.error_hardly_changes():
            st.caption("The autoencoder's error hardly changes with the code size: its "
                       "trainings were probably too short to use a wider code (the loss was "
                       "still falling). Try more epochs or a larger learning rate.")
        if (table["state"].eq("stopped") & table["reconstruction MSE"].notna()).any():
            st.caption("Open circles: trainings stopped before all their epochs (see the "
                       "table's epochs trained), so their error is higher than a full training's.")
    st.dataframe(_shown(table, sweep.param), hide_index=True,
                 column_config={"note": st.column_config.TextColumn(width="large")})
    run_ids = list(map(str, sweep.run_ids_by_value()))
    if 2 <= len(run_ids) <= MAX_COMPARED:
        st.page_link("pages/5_Runs.py", label="Compare these runs on the Runs page",
                     icon=":material/compare_arrows:", query_params={"compare": ",".join(run_ids)})


def _shown(table: pd.DataFrame, param: str) -> pd.DataFrame:
    """The sweep's table as text: scores to 4 decimals, seconds to 1, "—" where there is none."""
    from aecore.sweep import SCORE_COLUMNS

    formats = {**dict.fromkeys(SCORE_COLUMNS, ".4f"), "seconds": ".1f", "run id": "d"}
    # columns that tell nothing pushed "run id" out of view at 1280 px: no notes, or every job
    # done (all its epochs trained, as the message above the table says)
    if not table["note"].any():
        table = table.drop(columns="note")
    if table["state"].eq("done").all():
        table = table.drop(columns=["state", "epochs trained"])
    return numbers_as_text(table, formats).rename(columns={param: PARAMS[param].label})
