"""Dimensionality reduction: train an autoencoder live and compare its code with PCA and t-SNE."""

import numpy as np
import streamlit as st

from aecore import plots
from aecore.data import evaluation_points
from aecore.embed import Map2D, code_map, tsne_map
from aecore.recipe import dimensionality_reduction_code
from aecore.spec import DEFAULT_SPEC, SEED_TUTORIAL_SPEC
from lab_ui import (
    TrainingSection,
    dataset_picker,
    latent_frame,
    model_controls,
    training_subset_slider,
)

st.set_page_config(page_title="Dimensionality reduction · Autoencoder Lab", layout="wide")


@st.cache_data(show_spinner="Computing t-SNE of the held-out points (once per dataset)…")
def cached_tsne(dataset_key: str, _x_eval: np.ndarray) -> Map2D:
    """t-SNE depends only on the data: one per dataset, shared by every session."""
    return tsne_map(_x_eval)


st.title("Dimensionality reduction")
st.markdown("Squeeze every image into a **code** of a few numbers, watch the digits sort "
            "themselves while it trains, then compare the map with PCA and t-SNE of the same "
            "held-out images.")

data = dataset_picker()
dataset_key = st.session_state["dataset"]
x_eval, y_eval = evaluation_points(data)
section = TrainingSection("dr_result")
training = section.take_request()

n_train = training_subset_slider(data, "dr_n_train", disabled=training)
x_train = data.x_train[:n_train]

controls, live = st.columns([2, 3], gap="large")
with controls:
    st.subheader("1 · Build the network")
    spec = model_controls({"App defaults": DEFAULT_SPEC,
                           "Seed tutorial (784-400-200-100-50-2)": SEED_TUTORIAL_SPEC},
                          x_train, prefix="hp_", disabled=training)
    if spec is not None:
        st.caption(f"Network: {spec.architecture(data.input_dim)} · {spec.activation} · "
                   f"{spec.loss.upper()} · Adam, learning rate {spec.learning_rate:g}")

with live:
    st.subheader("2 · Train it live")
    section.buttons(training, can_train=spec is not None)
    if training and spec is not None:
        section.train(spec, x_train, latent_frame(y_eval),
                      {"dataset": dataset_key, "n_train": n_train},
                      validation_data=(x_eval, x_eval), probe=x_eval)
    result = section.finished(
        lambda r: r["dataset"] == dataset_key,
        "Pick the hyperparameters and press **Train**. The loss curves and the 2-D code of "
        f"{len(x_eval):,} held-out images will update every epoch.")
    run = result["run"]
    left, right = st.columns(2)
    left.plotly_chart(plots.loss_curves(run.history), key="final_loss")
    epoch = right.slider("Replay the latent space: epoch", 1, run.epochs_done,
                         run.epochs_done, key="dr_replay") if run.epochs_done > 1 else 1
    right.plotly_chart(plots.latent_scatter(code_map(run.events[epoch - 1].frame, 0).points,
                                            y_eval, f"Latent space, epoch {epoch}"),
                       key="replay_latent")

st.subheader("3 · Side by side: autoencoder, PCA and t-SNE")
if "comparison" not in result:
    from aecore.evaluate import compare_with_baselines

    tsne = cached_tsne(dataset_key, x_eval)
    with st.spinner("Scoring the three maps…"):
        result["comparison"] = compare_with_baselines(run, x_train, x_eval, y_eval, tsne)
maps, scores = result["comparison"]
clicked: list[int] = []
for col, m in zip(st.columns(3), maps, strict=True):
    event = col.plotly_chart(plots.latent_scatter(m.points, y_eval, m.method, height=360),
                             key=f"map_{m.method}", on_select="rerun", selection_mode="points")
    clicked += [p["point_index"] for p in event.selection.points]
    if m.note:
        col.caption(m.note)
if clicked:
    i = clicked[0]
    st.markdown(f"**Point #{i}**, label **{y_eval[i]}**: the image and its reconstruction")
    st.plotly_chart(plots.image_rows([x_eval[[i]], run.reconstruct(x_eval[[i]])],
                                     data.image_shape, ["original", "reconstruction"],
                                     height_per_row=120), key="clicked_point", width=260)
else:
    st.caption("Click a point in any map to see its image and reconstruction.")
number = st.column_config.NumberColumn
st.dataframe(scores, column_config={
    "5-NN accuracy": number(format="%.3f"), "trustworthiness": number(format="%.3f"),
    "reconstruction MSE": number(format="%.4f", help="Blank: t-SNE has no decoder"),
    "seconds": number(format="%.1f")})
st.caption(f"Scores on {len(x_eval):,} held-out images. **5-NN accuracy**: how often a point's "
           "5 nearest neighbours in the map share its label (5-fold cross-validated). "
           "**Trustworthiness**: how far the map's neighbourhoods are true neighbourhoods of the "
           f"images (1 is best). **Reconstruction MSE** per pixel: PCA uses {run.spec.code_size} "
           "components, as many as the code. **Seconds**: training time for the autoencoder, "
           "fitting time for PCA and t-SNE.")

st.subheader("4 · Reconstructions")
picks = [int(np.flatnonzero(y_eval == label)[0]) for label in np.unique(y_eval)]
originals = x_eval[picks]
st.plotly_chart(plots.image_rows([originals, run.reconstruct(originals)], data.image_shape,
                                 ["original", "reconstruction"],
                                 captions=[str(y_eval[i]) for i in picks]), key="gallery")

with st.expander("Reproduce this run in Python"):
    st.code(dimensionality_reduction_code(dataset_key, run.spec,
                                          result["n_train"]), language="python")
