"""Variational autoencoder: train it live, then sample, walk and steer its latent space."""

import numpy as np
import streamlit as st

from aecore import plots
from aecore.data import evaluation_points
from aecore.embed import code_map
from aecore.presets import VAE_PRESETS
from aecore.results import VAEResult
from lab_ui import (
    RESULT_KEYS,
    SMALL_IMAGES_CONFIG,
    TrainingSection,
    export_section,
    hover_drawings,
    keep_in_range,
    latent_frame,
    loss_chart,
    model_controls,
    open_page,
    selected_points,
    training_subset_slider,
)
from lab_ui.layout import wrapping_area
from lab_ui.text import plain_text

st.set_page_config(page_title="Variational autoencoder · Autoencoder Lab", layout="wide")
GRID_HEIGHT = 720  # px at most: a square grid taller than its column is wide had blank bands
KL_AXIS_FLOOR_NATS = 1.0  # a used MNIST dimension carries several nats; 0.005 should look like 0



def introduction(noun: str) -> str:
    return (f"The encoder gives each {noun} a **distribution** over codes (a mean μ and a "
            "variance σ²); a code sampled from it goes to the decoder, and a **KL term** pulls "
            "every distribution toward a standard normal prior. That is what lets you *sample* "
            f"new {noun}s and *walk* smoothly between codes.")


link, data = open_page("vae", "Variational autoencoder", introduction)
noun = data.sample_noun
x_eval, y_eval = evaluation_points(data)
section = TrainingSection(RESULT_KEYS["vae"])
training = section.take_request()
n_train = training_subset_slider(data, "vae_n_train", link)
x_train, y_train = data.x_train[:n_train], data.y_train[:n_train]


controls, live = wrapping_area("panels", "page").columns([2, 3], gap="large")
with controls:
    st.subheader("1 · Build the VAE")
    vae = model_controls(VAE_PRESETS, x_train, y=y_train, prefix="vae_", link=link,
                         image_shape=data.image_shape)
    link.write()
below = section.below(trains=training and vae is not None)

with live:
    st.subheader("2 · Train it live")
    section.buttons(training, can_train=vae is not None)
    if training and vae is not None:
        section.train(VAEResult(vae, data, n_train), latent_frame(y_eval, data.class_names))
    with section.last_run(
            data, "Press **Train**: the reconstruction loss, the KL term and their sum are drawn "
                  "separately, next to the map of held-out codes (μ), every epoch.") as result:
        vae = result.estimator
        loss_chart(vae.history_)
        st.caption(f"Losses per {noun}: reconstruction summed over {data.feature_noun}s, KL "
                   f"summed over code dimensions, loss = reconstruction + β·KL "
                   f"({result.beta_schedule}).")

with below:
    st.subheader("3 · The latent map: click a point" + (", or anywhere," if vae.code_size == 2
                                                         else "") + " to decode it")
    left, right = wrapping_area("widgets", "latent_map").columns([3, 1])
    codes = code_map(result.held_out_codes, 0).points
    figure = plots.latent_scatter(codes, y_eval, "Held-out codes (μ)",
                                  class_names=data.class_names,
                                  drawings=hover_drawings(x_eval, data.image_shape),
                                  ticks=vae.code_size == 2)
    if vae.code_size == 2:  # the map's coordinates are codes: any place can be decoded
        figure = plots.with_clickable_space(figure, codes)
    event = left.plotly_chart(figure, key="vae_map", on_select="rerun", selection_mode="points")
    if vae.code_size > 2:
        left.caption(f"{vae.code_size}-D codes shown through their first two principal components: "
                     "click a point to decode it.")
    picked = event.selection.points[0] if event.selection.points else None
    points = selected_points(event)  # a held-out point, or none: a place of the grid
    if points:
        i = points[0]
        decoded = vae.inverse_transform(result.held_out_codes[[i]], int(y_eval[i]))
        right.plotly_chart(plots.image_rows([x_eval[[i]], decoded], data.display_shape,
                                            [noun, "decoded μ"], height_per_row=130,
                                            ink=data.drawn_as_ink),
                           key="vae_clicked", config=SMALL_IMAGES_CONFIG)
        right.caption(f"Point #{i}, label {plain_text(data.label_name(int(y_eval[i])))}")
    elif picked is not None:
        z = np.array([[picked["x"], picked["y"]]], dtype="float32")
        label = (right.selectbox("Decode as class", data.labels, 0, format_func=data.label_name,
                                 key="vae_place_label") if vae.conditional else None)
        right.plotly_chart(plots.image_rows([vae.inverse_transform(z, label)], data.display_shape,
                                            ["decoded place"], height_per_row=130,
                                            ink=data.drawn_as_ink),
                           key="vae_clicked", config=SMALL_IMAGES_CONFIG)
        right.caption(f"Code ({z[0, 0]:.2f}, {z[0, 1]:.2f})")
    else:
        right.caption(f"Click a point in the map to see its {noun} and the decoding of its code"
                      + (", or an empty place to decode the code there." if vae.code_size == 2
                         else "."))

    st.subheader("4 · The latent grid")
    label, grid_view = None, None
    if vae.conditional:  # a row of its own: it decodes the samples of section 5 too
        label = wrapping_area("widgets", "grid_class").columns(4)[0].selectbox(
            "Generate the class", data.labels, 0, format_func=data.label_name,
            key="vae_grid_label", help="The class the grid and the samples below are decoded as.")
    if vae.code_size == 1:
        st.info("A 1-D code has no grid; see the samples below.")
    else:
        c1, c2, c3, c4 = wrapping_area("widgets", "grid").columns(4)
        # persisted, like every widget drawn only with a result (see the anomaly page's k)
        n = c1.slider("Grid size n", 3, 20, 10, key="vae_grid_n", persist_state="session")
        tail = c2.slider("Quantile range", 0.01, 0.45, 0.05, 0.01, key="vae_grid_q",
                         persist_state="session",
                         help="The grid spans the prior's quantiles from this to 1 − this.")
        dims = (0, 1)
        if vae.code_size > 2:
            pick = (c3.selectbox("Horizontal dimension", range(vae.code_size), 0,
                                 format_func=lambda d: f"code {d + 1}", key="vae_dim_x"),
                    c4.selectbox("Vertical dimension", range(vae.code_size), 1,
                                 format_func=lambda d: f"code {d + 1}", key="vae_dim_y"))
            dims = pick if pick[0] != pick[1] else None
        if dims is None:
            st.error("Pick two different dimensions for the grid.")
        else:
            grid_view = (n, tail, dims)
            from aecore.vae import prior_quantile_grid  # here, with a trained model: Keras

            grid = vae.latent_grid(n, dims, tail, 1 - tail, label)
            axis = prior_quantile_grid(n, tail, 1 - tail)
            st.plotly_chart(plots.image_rows([grid[r * n:(r + 1) * n] for r in range(n)],
                                             data.display_shape,  # each row's code dims[1]
                                             [f"{z:+.2f}" for z in axis[::-1]],
                                             height_per_row=min(60, GRID_HEIGHT // n),
                                             ink=data.drawn_as_ink),
                            key="vae_grid", config=SMALL_IMAGES_CONFIG)
            st.caption(f"Code {dims[0] + 1} from {axis[0]:+.2f} (left) to {axis[-1]:+.2f} "
                       f"(right), code {dims[1] + 1} as each row is labelled: the prior's "
                       f"{tail:.0%}–{1 - tail:.0%} quantiles; the other codes held at 0.")

    st.subheader("5 · Sample and interpolate")
    c1, c2 = wrapping_area("charts", "samples").columns(2)
    if c1.button("Resample"):
        st.session_state["vae_sample_seed"] = st.session_state.get("vae_sample_seed", 0) + 1
    samples = vae.sample(16, seed=st.session_state.get("vae_sample_seed", 0), label=label)
    c1.plotly_chart(plots.image_rows([samples[:8], samples[8:]], data.display_shape, ["", ""],
                                     ink=data.drawn_as_ink),
                    key="vae_samples", config=SMALL_IMAGES_CONFIG)
    c1.caption("16 codes drawn from the prior N(0, I), decoded" +
               (f" as the class {plain_text(data.label_name(label))}." if label is not None
                else "."))
    last = len(x_eval) - 1
    keep_in_range("vae_from", 0, last, 0)  # numbers chosen on larger data
    keep_in_range("vae_to", 0, last, 1)
    a = c2.number_input(f"From held-out {noun} #", 0, last, key="vae_from",
                        persist_state="session")
    b = c2.number_input(f"To held-out {noun} #", 0, last, key="vae_to", persist_state="session")
    steps = 11  # t = 0, 0.1, …, 1: captions in tenths that are the t drawn
    path = vae.interpolate(x_eval[a], x_eval[b], steps=steps,
                           label=int(y_eval[a]) if vae.conditional else None)
    c2.plotly_chart(plots.image_rows([path], data.display_shape, [""],
                                     captions=[f"{t:.1f}" for t in np.linspace(0, 1, steps)],
                                     ink=data.drawn_as_ink),
                    key="vae_path", config=SMALL_IMAGES_CONFIG)
    start_class = plain_text(data.label_name(int(y_eval[a])))
    c2.caption(f"Decoded codes on the line from {noun} #{a} (label {start_class}) to #{b} "
               f"(label {plain_text(data.label_name(int(y_eval[b])))})"
               + (f", every one decoded as the class {start_class}, the first {noun}'s: the "
                  "line moves through the style, not the class." if vae.conditional else "."))

    st.subheader("6 · Diagnostics")
    c1, c2 = wrapping_area("charts", "diagnostics").columns(2)
    c1.plotly_chart(plots.bar(result.kl_per_dimension, "KL per code dimension (nats)", "dimension",
                              y_floor=KL_AXIS_FLOOR_NATS), key="vae_kl")
    c1.caption("A dimension with KL near 0 is unused: its posterior has collapsed to the prior.")
    if result.elbo is not None:
        c2.metric(f"Held-out −ELBO (nats per {noun})", f"{result.elbo:.1f}",
                  help=f"Reconstruction (BCE summed over {data.feature_noun}s) + KL, β = 1; "
                       "lower is better. "
                       "The Keras example reports 146.95 on full MNIST.")

    export_section(result, {"codes": result.codes_table})

    with st.expander("Reproduce this run in Python"):
        st.code(result.recipe(grid_view, label), language="python")
