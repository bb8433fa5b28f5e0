"""Runs: every training kept in the run store; open one again, compare several, delete."""

import zlib

import pandas as pd
import streamlit as st

from aecore import plots
from aecore.runconfig import PAGES, setting_labels
from aecore.runs import RunStore, reopen, unlike_conditions
from aecore.spec import counted, param_label
from lab_ui import (
    SMALL_IMAGES_CONFIG,
    column_grid,
    hover_drawings,
    log_scale_toggle,
    open_run,
    selected_points,
)
from lab_ui.layout import sidebar_navigation
from lab_ui.link import MAX_COMPARED, linked_runs
from lab_ui.text import numbers_as_text, plain_text

st.set_page_config(page_title="Runs · Autoencoder Lab", layout="wide")
SHOWN_SELECTED = 8  # samples of selected points drawn under a map at most
MAPS_PER_ROW = 3  # six maps in one row are clipped at 1280 px


@st.cache_resource(max_entries=32, show_spinner=False)
def held_out_map(folder: str, run_id: int):
    """A stored run's map of held-out codes, their labels, the held-out samples themselves (a
    view of the cached dataset's arrays) and how to draw one sample (height, width), the
    dataset's class names, the samples' hover drawings (None for table rows), captions and
    whether they are drawn as ink; runs never change once stored."""
    result = reopen(RunStore(folder), run_id)
    samples = result.held_out_samples
    return (result.held_out_map().points, result.held_out_labels, samples,
            result.held_out_display_shape, result.held_out_class_names,
            hover_drawings(samples, result.held_out_image_shape), result.held_out_captions,
            result.drawn_as_ink)


sidebar_navigation()
st.title("Runs")
st.markdown("Every training that finished or was stopped, on any page or with "
            "`python -m aecore train`, is kept here, with its hyperparameters, per-epoch losses, "
            "scores and model. Select rows to **open** a run on its page (nothing retrains), "
            f"**compare** 2–{MAX_COMPARED} runs, or **delete** runs. Click a column's header to "
            "sort by it; its ⋮ menu sorts too.")

store = RunStore()
table = store.table()
st.caption(f"Run store: `{store.folder}` (set the environment variable `AECORE_RUNS_DIR` to "
           "keep runs elsewhere).")
deleted = st.session_state.pop("_runs_deleted", None)  # said once, after the delete's rerun
if deleted:
    st.success(deleted)
if table.empty:
    st.info("No runs yet: train a model on any page and it appears here.")
    st.stop()

# Ticked rows are positions in the table as drawn; a run added or deleted since (here, in another
# tab, or by the CLI) would shift them onto other runs. So the table's key names its runs: when
# they change, the selection starts afresh rather than pointing at other runs.
table_key = f"runs_table_{zlib.crc32(' '.join(map(str, table.index)).encode())}"
previous_key = st.session_state.get("_runs_table_key")
st.session_state["_runs_table_key"] = table_key
if previous_key not in (None, table_key) and st.session_state.get(previous_key, {}).get(
        "selection", {}).get("rows"):
    st.info("The runs changed since you selected rows (a run was added or deleted elsewhere); "
            "select again.")
shown = table.reset_index().assign(page=table["page"].map(PAGES).fillna(table["page"]).values,
                                   created=pd.to_datetime(table["created"]).values)
event = st.dataframe(shown, key=table_key, on_select="rerun",
                     selection_mode="multi-row", hide_index=True, column_config={
                         **{name: param_label(name) for name in table},
                         "id": st.column_config.NumberColumn("run", format="%d"),
                         "dataset_name": "dataset", "epochs_done": "epochs done",
                         "seconds": st.column_config.NumberColumn(format="%.1f"),
                         "created": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
ticked = [int(table.index[i]) for i in event.selection.rows]
if ticked:  # the user's own selection replaces a link's (``?compare=3,4``)
    st.query_params.pop("compare", None)
selected = ticked or linked_runs(table.index)
if not selected:
    st.caption("Select one run to open it, or several to compare them.")
    st.stop()
if not ticked:
    st.caption(f"Showing run{'s' if len(selected) > 1 else ''} {', '.join(map(str, selected))} "
               "from the link. Select rows to "
               "choose others, or to delete runs.")

c1, c2, c3 = st.columns(3)
if c1.button("Open on its page", disabled=len(selected) != 1, type="primary",
             help="Opens the run's page with its settings and trained model."):
    open_run(store, selected[0])
if ticked:  # only rows the user ticked can be deleted, never a link's runs
    # a confirmation holds for these runs only: another selection asks again
    confirm = c2.checkbox(f"Yes, delete {counted(len(ticked), 'run')}",
                          key=f"runs_confirm_delete_{table_key}_{'_'.join(map(str, ticked))}")
    if c3.button(f"Delete {len(ticked)} selected", disabled=not confirm):
        store.delete(ticked)
        st.session_state["_runs_deleted"] = (f"Deleted run{'s' if len(ticked) > 1 else ''} "
                                             + ", ".join(map(str, ticked)) + ".")
        st.session_state["_runs_table_key"] = None  # the new table's empty selection is ours
        st.rerun()

if len(selected) < 2:
    st.stop()
if len(selected) > MAX_COMPARED:
    st.warning(f"At most {MAX_COMPARED} runs can be compared; "
               + (f"you selected {len(selected)}." if ticked else
                  f"the link names {len(selected)}: select up to {MAX_COMPARED} rows."))
    st.stop()

st.subheader("Losses")
runs = {run_id: store.get(run_id) for run_id in selected}
st.plotly_chart(plots.runs_loss_curves({f"run {i}": run.history for i, run in runs.items()},
                                       log_y=log_scale_toggle()), key="runs_losses")

st.subheader("Scores")
compared = table.loc[selected]
scores = [c for c in compared.columns if any(c in run.scores for run in runs.values())]
unlike = unlike_conditions(runs)
if unlike:
    st.warning("These runs differ in " + ", ".join(
        f"{condition.lower()} ("
        + ", ".join(f"run {i}: {plain_text(str(value))}" for i, value in values.items()) + ")"
        for condition, values in unlike.items())
        + ", so their losses and scores are not like for like.")
st.dataframe(numbers_as_text(compared[scores].T.rename(columns=lambda i: f"run {i}"), ".4f"),
             key="runs_scores",  # "—" where a score does not apply to a run
             height=35 * (len(scores) + 1) + 3)  # every score (by default 10 rows, then scroll)

st.subheader("Latent maps of the held-out points")
st.caption("Click a point, or select several with the box or lasso tool of a map's toolbar, to "
           "see their samples below it (a hover label cannot show an image); click a label in a "
           "legend to hide that class, double-click it to show it alone.")
columns = column_grid(len(selected), MAPS_PER_ROW, "maps")
for column, (run_id, run) in zip(columns, runs.items(), strict=True):
    try:
        with st.spinner(f"Loading run {run_id}…"):
            points, labels, samples, shape, names, drawings, captions, ink = held_out_map(
                str(store.folder), run_id)
    except ValueError as err:
        column.error(f"Run {run_id}: {plain_text(str(err))}")
        continue
    # named above the chart, not in its title: the chart's toolbar covered the title there
    column.markdown(f"**run {run_id}** · {PAGES.get(run.page, run.page)}")
    event = column.plotly_chart(plots.latent_scatter(points, labels, height=300,
                                                     class_names=names, drawings=drawings),
                                key=f"runs_map_{run_id}", on_select="rerun",
                                selection_mode=("points", "box", "lasso"))
    shown = selected_points(event)[:SHOWN_SELECTED]
    if shown:
        column.plotly_chart(plots.image_rows([samples[shown]], shape, [""], height_per_row=70,
                                             captions=[captions[i] for i in shown], ink=ink),
                            key=f"runs_selected_{run_id}", config=SMALL_IMAGES_CONFIG)

st.subheader("Hyperparameters against a score")
score = st.selectbox("Score", scores, key="runs_score")
scored = compared[compared[score].notna()]  # the axes are those of the runs drawn
params = sorted({name for i in scored.index for name in runs[i].config["params"]}
                & set(scored.columns)) + [c for c in setting_labels() if c in scored]
try:
    figure = plots.parallel_coordinates(scored[[*params, score]], score)
except ValueError as err:  # one run with this score, or nothing that differs between them
    st.info(plain_text(str(err)))
else:
    st.plotly_chart(figure, key="runs_parcoords")
    st.caption("One line per run that has this score; axes show the hyperparameters and page "
               "settings that all these runs have (and use) and that differ between them.")
