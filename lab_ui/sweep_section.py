"""The Dimensionality Reduction page's sweep: train one model per value of one hyperparameter
(in parallel, :mod:`aecore.sweep`) and draw held-out reconstruction error against the value,
with PCA of as many components beside it."""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd
import streamlit as st

from aecore import plots
from aecore.results import ReductionResult
from aecore.runconfig import config_of
from aecore.runs import store_dir
from aecore.spec import PARAMS
from lab_ui.link import MAX_COMPARED

# What the values box proposes for each hyperparameter (the user edits it freely).
SUGGESTED_VALUES = {"code_size": "1, 2, 4, 8, 16, 32", "epochs": "5, 10, 20, 40",
                    "learning_rate": "0.0001, 0.001, 0.01", "batch_size": "16, 64, 256",
                    "input_noise": "0, 0.1, 0.3, 0.5", "seed": "0, 1, 2, 3"}
N_JOBS = 2  # trainings at a time: one per core of a small machine, one TF thread each
_KEY = "dr_sweep"  # session state: the last sweep (updated in place while it runs)
_REQUEST = "dr_sweep_requested"
_STOP_CLICKED = "dr_sweep_stop_clicked"


def _lock() -> threading.Lock:
    """Held while this session's sweep runs: a rerun that starts before an interrupted sweep
    has cleaned up waits for it, so it never shows a sweep as still running."""
    return st.session_state.setdefault("_sweep_lock", threading.Lock())


def sweep_requested() -> bool:
    """Whether this script run follows a "Run the sweep" click (the page then clears the last
    run's results from the screen, as for a training, so no click on them ends the sweep)."""
    return bool(st.session_state.get(_REQUEST))


def sweep_section(autoencoder: Any, data: Any, n_train: int) -> None:
    """Widgets to sweep one hyperparameter of ``autoencoder`` (the network set above, or None
    when its settings are invalid), the live per-job progress and the last sweep's curve."""
    from aecore.sweep import SWEEPABLE, Sweep, parse_values

    st.subheader("Sweep one hyperparameter")
    st.markdown("Train the network above once per value of one hyperparameter and see how the "
                "held-out reconstruction error follows it, against PCA with as many components "
                "as the code. Every training is saved as a run, so the Runs page can compare "
                "them.")
    names = [name for name in SWEEPABLE if name in autoencoder.get_params()] \
        if autoencoder is not None else list(SWEEPABLE)
    left, right = st.columns([1, 2])
    param = left.selectbox("Hyperparameter", names, key="sweep_param",
                           format_func=lambda name: PARAMS[name].label)
    text = right.text_input("Values (comma-separated)", SUGGESTED_VALUES.get(param, ""),
                            key=f"sweep_values_{param}")
    try:
        values = parse_values(param, text)
    except ValueError as err:
        values = []
        st.error(str(err))
    running = st.session_state.pop(_REQUEST, False)
    can_run = autoencoder is not None and bool(values) and not running
    buttons = st.columns(2)
    buttons[0].button("Run the sweep", disabled=not can_run, width="stretch",
                      on_click=st.session_state.update, args=({_REQUEST: True},))
    buttons[1].button("Stop the sweep", disabled=not running, width="stretch",
                      on_click=st.session_state.update, args=({_STOP_CLICKED: True},),
                      help="Cancels the trainings not yet started and stops the running ones; "
                           "finished ones are kept.")
    if values and autoencoder is not None:
        st.caption(f"{len(values)} trainings of {autoencoder.epochs} epochs on {n_train:,} "
                   f"images, {N_JOBS} at a time, saved in the run store ({store_dir()}).")
    if running:
        config = config_of(ReductionResult(autoencoder, data, n_train))
        try:
            sweep = Sweep(config, param, values, n_jobs=N_JOBS)
        except ValueError as err:  # e.g. a Ray address set on a machine without Ray
            st.error(str(err))
            return
        st.session_state[_KEY], st.session_state[_STOP_CLICKED] = sweep, False
        progress = st.empty()
        with _lock():
            try:
                sweep.run(on_update=lambda jobs: _draw_progress(progress, sweep.param, jobs))
            except ValueError as err:  # the dataset could not be loaded
                st.session_state.pop(_KEY)
                st.error(str(err))
                return
        st.rerun()
    with _lock():
        sweep = st.session_state.get(_KEY)
    if sweep is not None:
        _draw_result(sweep)


def _draw_progress(place: Any, param: str, jobs: list[Any]) -> None:
    finished = sum(job.state in ("done", "stopped", "failed", "cancelled") for job in jobs)
    with place.container():
        st.progress(finished / len(jobs), text=f"{finished} of {len(jobs)} trainings finished")
        st.dataframe(_jobs_table(param, jobs), hide_index=True, column_config={
            "progress": st.column_config.ProgressColumn("epochs done", min_value=0.0,
                                                        max_value=1.0)})


def _jobs_table(param: str, jobs: list[Any]) -> pd.DataFrame:
    return pd.DataFrame({
        PARAMS[param].label: [str(job.value) for job in jobs],
        "state": [job.state for job in jobs],
        "progress": [job.epoch / job.epochs if job.epochs else 0.0 for job in jobs],
        "epoch": [f"{job.epoch}/{job.epochs}" if job.epochs else "" for job in jobs],
        "run id": [job.run_id for job in jobs],
        "note": [job.error for job in jobs]})


def _draw_result(sweep: Any) -> None:
    jobs = sweep.jobs
    counts = pd.Series([job.state for job in jobs]).value_counts()
    summary = (f"sweep of {PARAMS[sweep.param].label.lower()}: "
               + ", ".join(f"{n} {state}" for state, n in counts.items()) + ".")
    if not {"stopped", "cancelled"} & set(counts.index):
        st.success(summary.capitalize())
    elif st.session_state.get(_STOP_CLICKED):
        st.warning(f"Stopped {summary}")
    else:
        st.warning(f"Ended early {summary} Something else changed on the page while it ran "
                   "(Streamlit reruns the page for any change, which ends a sweep); press "
                   "**Run the sweep** to run it again.")
    failures = [f"{job.value}: {job.error}" for job in jobs if job.state == "failed"]
    if failures:
        st.error("Failed: " + "; ".join(failures))
    table = sweep.table()
    if table["reconstruction MSE"].notna().any():
        st.plotly_chart(plots.sweep_curve(table, sweep.param), key="sweep_curve")
    st.dataframe(table, hide_index=True)
    run_ids = [str(job.run_id) for job in jobs if job.run_id is not None]
    if 2 <= len(run_ids) <= MAX_COMPARED:
        st.page_link("pages/5_Runs.py", label="Compare these runs on the Runs page",
                     icon=":material/compare_arrows:", query_params={"compare": ",".join(run_ids)})
