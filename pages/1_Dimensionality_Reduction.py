"""Dimensionality reduction: train an autoencoder live and compare its code with PCA, t-SNE and
UMAP."""

from contextlib import nullcontext

import streamlit as st

from aecore import plots
from aecore.baseline_maps import maps_in_background
from aecore.data import evaluation_points
from aecore.presets import REDUCTION_PRESETS
from aecore.results import ReductionResult
from aecore.runconfig import PAGE_FIXED
from aecore.spec import counted
from lab_ui import (
    RESULT_KEYS,
    SMALL_IMAGES_CONFIG,
    TrainingSection,
    column_grid,
    export_section,
    hover_drawings,
    latent_frame,
    loss_chart,
    map_view_picker,
    model_controls,
    open_page,
    selected_points,
    thumbnails,
    training_subset_slider,
)
from lab_ui.layout import wrapping_area
from lab_ui.sweep_section import sweep_requested, sweep_section
from lab_ui.text import numbers_as_text, plain_text

st.set_page_config(page_title="Dimensionality reduction · Autoencoder Lab", layout="wide")
SHOWN_SELECTED = 12  # images of selected points drawn at most
MAPS_PER_ROW = 2  # four maps in one row are clipped at ~900 px; two keep them readable




def introduction(noun: str) -> str:
    return (f"Squeeze every {noun} into a **code** of a few numbers, watch the classes sort "
            "themselves while it trains, then compare the map with PCA, t-SNE and UMAP of the "
            f"same held-out {noun}s. A neighbour loss (the weight slider) makes the code keep "
            "UMAP's neighbours together too.")


link, data = open_page("reduction", "Dimensionality reduction", introduction)
x_eval, y_eval = evaluation_points(data)
held_out = counted(len(x_eval), f"held-out {data.sample_noun}")
samples = f"{data.sample_noun}s"  # images, or a table's rows
baseline_futures = maps_in_background(x_eval)  # t-SNE and UMAP: ready when a model is trained
section = TrainingSection(RESULT_KEYS["reduction"])
training = section.take_request()

n_train = training_subset_slider(data, "dr_n_train", link)
x_train = data.x_train[:n_train]

controls, live = wrapping_area("panels", "page").columns([2, 3], gap="large")
with controls:
    st.subheader("1 · Build the network")
    autoencoder = model_controls(REDUCTION_PRESETS, x_train, prefix="hp_", link=link,
                                 image_shape=data.image_shape, fixed=PAGE_FIXED["reduction"])
    link.write()
below = section.below(trains=training and autoencoder is not None or sweep_requested())
sweep_area = st.container()  # drawn before the last run's results, which may end the script

with live:
    st.subheader("2 · Train it live")
    section.buttons(training, can_train=autoencoder is not None and not sweep_requested())
    sources = (thumbnails(x_eval, y_eval, data.display_shape)
               if map_view_picker(data, "dr_map_view", disabled=training) else None)
    if training and autoencoder is not None:
        section.train(ReductionResult(autoencoder, data, n_train),
                      latent_frame(y_eval, data.class_names, sources))
    if sweep_requested():
        st.empty()  # clears the last run's charts while the sweep runs: a click would end it

with sweep_area:
    sweep_section(autoencoder, data, n_train)

with live:
    with section.last_run(
            data, "Pick the hyperparameters and press **Train**. The loss curves and the map "
                  f"of the codes of {held_out} (a 2-D code as it is, a 1-D one on a line, a "
                  "wider one on its top two principal axes) will update every epoch.") as result:
        autoencoder = result.estimator
        epochs_done = autoencoder.log_.epochs_done
        left, right = wrapping_area("charts", "last_run").columns(2)
        loss_chart(autoencoder.history_, left)
        if sources:
            right.plotly_chart(plots.latent_thumbnails(
                result.frame(epochs_done).points, y_eval, sources,
                f"Latent space, epoch {epochs_done}", class_names=data.class_names),
                key="final_latent")
        else:
            right.plotly_chart(result.memo("replay", lambda: plots.latent_replay(
                {e: result.frame(e).points for e in plots.replay_epochs(epochs_done)}, y_eval,
                "Latent space", class_names=data.class_names)), key="final_latent")
            if epochs_done > 1:
                right.caption("Replay the training: **▶ Play**, or drag the epoch slider.")

with below:
    st.subheader("3 · Side by side: autoencoder, PCA, t-SNE and UMAP")
    waiting = " and ".join(name for name, f in baseline_futures.items() if not f.done())
    maps: list = []
    try:
        with (st.spinner(f"Computing {waiting} of the held-out points (once per dataset)…")
              if waiting else nullcontext()):
            baselines = [f.result() for f in baseline_futures.values()]
        with st.spinner("Scoring the four maps…"):
            maps, scores = result.comparison(baselines)
    except ValueError as err:  # too few held-out rows to map or score (a small upload)
        st.info(f"The maps are not compared: {plain_text(str(err))}")
    else:
        selected: list[int] = []
        drawings = hover_drawings(x_eval, data.image_shape)
        for col, m in zip(column_grid(len(maps), MAPS_PER_ROW, "maps"), maps, strict=True):
            figure = (plots.latent_thumbnails(m.points, y_eval, sources, m.method, height=360,
                                              class_names=data.class_names) if sources else
                      plots.latent_scatter(m.points, y_eval, m.method, height=360,
                                           class_names=data.class_names, drawings=drawings))
            event = col.plotly_chart(figure, key=f"map_{m.method}", on_select="rerun",
                                     selection_mode=("points", "box", "lasso"))
            selected += selected_points(event)
            if m.note:
                col.caption(m.note)
        # Plotly's hover label cannot show an image, so the images of the points a person
        # clicks or selects (box or lasso, from the chart's toolbar) are drawn here.
        selected = list(dict.fromkeys(selected))
        if selected:
            shown = selected[:SHOWN_SELECTED]
            more = (f" (the first {len(shown)} of {len(selected)})"
                    if len(selected) > len(shown) else "")
            st.markdown(f"**Selected points{more}**: the {samples} and their reconstructions")
            st.plotly_chart(plots.image_rows(
                [x_eval[shown], autoencoder.reconstruct(x_eval[shown])], data.display_shape,
                ["original", "reconstruction"], height_per_row=90,
                captions=[f"#{i} · {data.label_name(y_eval[i])}" for i in shown],
                ink=data.drawn_as_ink), key="selected_images",
                width=max(200, 70 * len(shown) + 120), config=SMALL_IMAGES_CONFIG)
        else:
            st.caption("Click a point in any map, or select several with the box or lasso tool "
                       f"of its toolbar, to see their {samples} and reconstructions." +
                       ("" if sources else " Click a label in a legend to hide that class, "
                        "double-click it to show it alone."))
        number = st.column_config.NumberColumn
        st.dataframe(numbers_as_text(scores, {"reconstruction MSE": ".4f"}), column_config={
            "5-NN accuracy": number(format="%.3f"), "trustworthiness": number(format="%.3f"),
            "reconstruction MSE": st.column_config.TextColumn(
                help="— for t-SNE and UMAP: they have no decoder"),
            "seconds": number(format="%.1f")})
        st.caption(f"Scores on {held_out}. **5-NN accuracy**: how often a point's 5 nearest "
                   "neighbours in the map share its label (5-fold cross-validated). "
                   "**Trustworthiness**: how far the map's neighbourhoods are true neighbourhoods "
                   f"of the {samples} (1 is best). **Reconstruction MSE** per feature: PCA "
                   f"keeps {counted(autoencoder.code_size, 'component')}, as many as the code "
                   "has numbers (its map, like the code's, shows at most two). **Seconds**: "
                   "training time for the autoencoder, fitting time for PCA, t-SNE and UMAP.")

    st.subheader("4 · Reconstructions")
    originals = x_eval[result.examples]
    st.plotly_chart(plots.image_rows([originals, autoencoder.reconstruct(originals)],
                                     data.display_shape, ["original", "reconstruction"],
                                     captions=[data.label_name(y_eval[i]) for i in result.examples],
                                     ink=data.drawn_as_ink),
                    key="gallery", config=SMALL_IMAGES_CONFIG)

    st.subheader("5 · The code as features")
    st.markdown("Autoencoder codes can feed a supervised model, like PCA components. Here a "
                "logistic regression learns the labels from only a few labelled training "
                f"{samples}, using the {result.raw_inputs}, PCA with as many components as the "
                f"code, or the code itself (the autoencoder and PCA learnt from all training "
                f"{samples}, without labels).")
    # without the maps (too few held-out points to compare them) the codes alone
    tables = ({"embeddings": lambda: result.maps_table(maps)} if maps
              else {"codes": result.codes_table})
    try:
        with st.spinner("Training the classifiers…"):
            accuracy = result.few_label_accuracy
    except ValueError as err:  # one class (an upload without labels), or too few rows
        st.info(plain_text(str(err)))
    else:
        st.plotly_chart(plots.accuracy_by_labels(accuracy, samples), key="few_labels")
        st.caption(f"Accuracy on the {held_out}; each labelled subset is "
                   f"drawn stratified from the training {samples}.")
        tables["few-label accuracy"] = lambda: accuracy

    export_section(result, tables)

    with st.expander("Reproduce this run in Python"):
        st.code(result.recipe(), language="python")
