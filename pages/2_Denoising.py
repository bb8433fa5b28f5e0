"""Denoising: corrupt images, train an autoencoder to restore them, and measure what it adds
over classical filters."""

import numpy as np
import streamlit as st

from aecore import plots
from aecore.data import evaluation_points
from aecore.denoise import image_from_bytes
from aecore.image_quality import psnr, ssim_note
from aecore.noise import NOISES, corrupt, level_caveat
from aecore.presets import DENOISERS
from aecore.results import GALLERY_SIZE, DenoisingResult
from aecore.runconfig import PAGE_FIXED, page_settings
from aecore.spec import counted, signed
from lab_ui import (
    RESULT_KEYS,
    SMALL_IMAGES_CONFIG,
    TrainingSection,
    export_section,
    format_showing,
    keep_choice,
    keep_with_run,
    loss_chart,
    model_controls,
    network_refusal,
    open_page,
    training_subset_slider,
)
from lab_ui.layout import wrapping_area
from lab_ui.text import plain_text

st.set_page_config(page_title="Denoising · Autoencoder Lab", layout="wide")


def before_after(noisy, denoised, clean, data):
    """Noisy | denoised | clean rows of ``data``'s samples, each column captioned with its PSNR
    before → after."""
    captions = [f"{a:.1f}→{b:.1f} dB" for a, b in zip(psnr(clean, noisy), psnr(clean, denoised),
                                                       strict=True)]
    return plots.image_rows([noisy, denoised, clean], data.display_shape,
                            ["noisy", "denoised", "clean"], captions=captions,
                            ink=data.drawn_as_ink)




def introduction(noun: str) -> str:
    measured = ("in PSNR and SSIM how much better it does than a classical filter"
                if noun == "image" else "in PSNR how much closer it comes than the noisy input")
    return (f"Corrupt {noun}s with noise, train an autoencoder to turn the **noisy** {noun}s "
            f"back into the **clean** ones, and see {measured}.")


link, data = open_page("denoising", "Denoising", introduction)
x_eval, y_eval = evaluation_points(data)
section = TrainingSection(RESULT_KEYS["denoising"])
training = section.take_request()
n_train = training_subset_slider(data, "dn_n_train", link)
x_train = data.x_train[:n_train]

controls, live = wrapping_area("panels", "page").columns([2, 3], gap="large")
with controls:
    st.subheader("1 · Corrupt")
    refusal = network_refusal("conv", data.image_shape)  # a table, or images not square
    why_dense = refusal[:1].lower() + refusal[1:]  # "a convolutional network needs images; …"
    if refusal:  # a link's "Convolutional" is refused aloud, not swapped in silence
        settings = page_settings("denoising")
        link.fix({"architecture": "Dense"}, lambda name, text: settings[name].parse(text),
                 because=why_dense.rstrip("."))  # the warning ends the sentence
    link.apply_settings({"noise": "dn_noise", "level": "dn_level", "noise_seed": "dn_noise_seed",
                         "architecture": "dn_arch"})
    noise = st.selectbox("Noise", list(NOISES), format_func=lambda k: NOISES[k][0],
                         key="dn_noise", persist_state="session")
    st.session_state.setdefault("dn_level", 0.5)
    st.session_state.setdefault("dn_noise_seed", 0)
    level = st.slider("Noise level", 0.0, 1.0, step=0.05, key="dn_level",
                      format=format_showing("%.2f", st.session_state["dn_level"]),
                      persist_state="session", help="σ for Gaussian and speckle noise, the "
                      "fraction of pixels hit for salt-and-pepper and masking.")
    noise_seed = st.number_input("Noise seed", 0, 2**31 - 1, key="dn_noise_seed",
                                 persist_state="session")
    caveat = level_caveat(noise, level)
    if caveat:
        st.warning(caveat)
    st.subheader("2 · Build the denoiser")
    architectures = ["Dense"] if refusal else list(DENOISERS)
    keep_choice("dn_arch", architectures)
    architecture = st.radio("Architecture", architectures, horizontal=True, key="dn_arch",
                            persist_state="session")
    if refusal:
        st.caption(f"Dense only: {why_dense}")
    denoiser = model_controls({f"{architecture} preset": DENOISERS[architecture]}, x_train,
                              prefix=f"dn_{architecture.lower()}_", link=link,
                              image_shape=data.image_shape, fixed=PAGE_FIXED["denoising"])
    link.write()
below = section.below(trains=training and denoiser is not None)

noisy_eval = corrupt(x_eval, noise, level, noise_seed + 1)
clean_g, noisy_g = x_eval[:GALLERY_SIZE], noisy_eval[:GALLERY_SIZE]
with live:
    st.subheader("3 · Train it live")
    st.plotly_chart(plots.image_rows([clean_g, noisy_g], data.display_shape, ["clean", "noisy"],
                                     captions=[f"{p:.1f} dB" for p in psnr(clean_g, noisy_g)],
                                     ink=data.drawn_as_ink),
                    key="preview", config=SMALL_IMAGES_CONFIG)
    st.caption(f"Preview of the corruption on held-out {data.sample_noun}s: mean PSNR of the "
               f"noisy input {np.mean(psnr(x_eval, noisy_eval)):.1f} dB.")
    section.buttons(training, can_train=denoiser is not None)
    if training and denoiser is not None:
        section.train(DenoisingResult(denoiser, data, n_train, noise, level, noise_seed),
                      lambda event, denoised_g: before_after(noisy_g, denoised_g, clean_g, data))
    with section.last_run(
            data, "Choose a noise and a model, then press **Train**. The before/after gallery "
                  "beside the loss curve refreshes every epoch.") as result:
        denoiser = result.estimator
        loss_chart(denoiser.history_)

with below:
    trained_on = f"{NOISES[result.noise][0]} at {result.level:g}"
    st.subheader(f"4 · Before and after — trained and tested on {trained_on}")
    with st.spinner(f"Scoring the held-out {data.sample_noun}s…"):
        scores = result.scores
    st.plotly_chart(before_after(result.noisy_eval[:GALLERY_SIZE], result.denoised[:GALLERY_SIZE],
                                 x_eval[:GALLERY_SIZE], data),
                    key="gallery", config=SMALL_IMAGES_CONFIG)
    number = st.column_config.NumberColumn
    st.dataframe(scores, column_config={"PSNR (dB)": number(format="%.2f"),
                                        "SSIM": number(format="%.3f")})
    gain = result.improvement
    against_filters = (f"{signed(gain['over the best filter'])} dB against the best classical "
                       "filter and " if data.is_image else "")
    st.caption(f"Mean over {counted(len(x_eval), f'held-out {data.sample_noun}')}. The "
               "autoencoder is "
               f"{against_filters}{signed(gain['over the noisy input'])} dB against the noisy "
               "input. PSNR stops at 100 dB: a sample identical to the clean one has infinite "
               "PSNR." + (f" {ssim_note(data.image_shape)}".rstrip() if data.is_image else
                          " Image filters and SSIM apply to images only."))
    if result.filtered:
        st.markdown("**The same images through each classical filter**, the autoencoder last "
                    "(row labels: mean PSNR over all held-out images).")
        methods = [*result.filtered, "autoencoder"]
        outputs = [*result.filtered.values(), result.denoised]
        st.plotly_chart(plots.image_rows(
            [out[:GALLERY_SIZE] for out in outputs], data.display_shape,
            [f"{m} · {scores.loc[m, 'PSNR (dB)']:.1f} dB" for m in methods],
            captions=[data.label_name(y) for y in y_eval[:GALLERY_SIZE]],
            ink=data.drawn_as_ink), key="filters", config=SMALL_IMAGES_CONFIG)

    st.subheader("5 · Robustness: other noise levels")
    st.markdown("Denoisers trained at one level and tested at others. Each row trains a model like "
                f"yours for {counted(min(denoiser.epochs, 5), 'epoch')}, so this takes a while.")
    if st.button("Compute the robustness matrix"):
        progress = st.progress(0.0)
        try:
            result.robustness(on_progress=lambda f, text: progress.progress(f, text=text))
            keep_with_run(result, "robustness")
        except ValueError as err:  # a denoiser at another noise level diverged
            st.error(plain_text(str(err)))
    if result.computed("robustness"):
        st.plotly_chart(plots.matrix_heatmap(result.robustness(), "Held-out PSNR"),
                        key="robustness")

    computed = {"robustness matrix": result.robustness} if result.computed("robustness") else {}
    export_section(result, {f"scores per {data.sample_noun}": result.per_image_scores, **computed})

    st.subheader("6 · Try your own image")
    if not data.is_image:
        st.info("Your data are a table, not images: this section denoises an image.")
    upload = st.file_uploader("A PNG or JPEG (one like the dataset's images, on plain paper, "
                              "works best)",
                              type=["png", "jpg", "jpeg"], key="dn_upload",
                              disabled=not data.is_image)
    if upload is not None:
        try:
            prepared = image_from_bytes(upload.getvalue(), data.image_shape)
        except ValueError as err:
            st.error(plain_text(str(err)))
        else:
            own = prepared.pixels
            own_noisy = corrupt(own, result.noise, result.level, result.noise_seed)
            st.plotly_chart(before_after(own_noisy, denoiser.reconstruct(own_noisy), own, data),
                            key="own", width=300, config=SMALL_IMAGES_CONFIG)
            st.caption("Your image, " + (", ".join(prepared.changes) if prepared.changes
                                         else "as it is") + f", noised like the data "
                       f"({NOISES[result.noise][0]} at {result.level:g}) and denoised.")

    with st.expander("Reproduce this run in Python"):
        st.code(result.recipe(), language="python")
