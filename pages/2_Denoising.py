"""Denoising: corrupt images, train an autoencoder to restore them, and measure what it adds
over classical filters."""

import numpy as np
import streamlit as st

from aecore import plots
from aecore.data import evaluation_points
from aecore.denoise import image_from_bytes
from aecore.image_quality import psnr
from aecore.noise import NOISES, corrupt
from aecore.presets import DENOISERS
from aecore.results import GALLERY_SIZE, DenoisingResult
from lab_ui import (
    TrainingSection,
    dataset_picker,
    model_controls,
    training_subset_slider,
)

st.set_page_config(page_title="Denoising · Autoencoder Lab", layout="wide")


def before_after(noisy, denoised, clean, shape):
    """Noisy | denoised | clean rows, each column captioned with its PSNR before → after."""
    captions = [f"{a:.1f}→{b:.1f} dB" for a, b in zip(psnr(clean, noisy), psnr(clean, denoised),
                                                       strict=True)]
    return plots.image_rows([noisy, denoised, clean], shape, ["noisy", "denoised", "clean"],
                            captions=captions)


st.title("Denoising")
st.markdown("Corrupt images with noise, train an autoencoder to turn the **noisy** images back "
            "into the **clean** ones, and see in PSNR and SSIM how much better it does than a "
            "classical filter.")

data = dataset_picker()
x_eval, _ = evaluation_points(data)
section = TrainingSection("dn_result")
training = section.take_request()
n_train = training_subset_slider(data, "dn_n_train")
x_train = data.x_train[:n_train]

controls, live = st.columns([2, 3], gap="large")
with controls:
    st.subheader("1 · Corrupt")
    noise = st.selectbox("Noise", list(NOISES), format_func=lambda k: NOISES[k][0],
                         key="dn_noise", persist_state="session")
    level = st.slider("Noise level", 0.0, 1.0, 0.5, 0.05, key="dn_level",
                      persist_state="session", help="σ for Gaussian and speckle noise, the "
                      "fraction of pixels hit for salt-and-pepper and masking.")
    noise_seed = st.number_input("Noise seed", 0, 2**31 - 1, 0, key="dn_noise_seed",
                                 persist_state="session")
    st.subheader("2 · Build the denoiser")
    architecture = st.radio("Architecture", list(DENOISERS), horizontal=True, key="dn_arch",
                            persist_state="session")
    denoiser = model_controls({f"{architecture} preset": DENOISERS[architecture]}, x_train,
                              prefix=f"dn_{architecture.lower()}_", fixed=("network",))
below = section.below(trains=training and denoiser is not None)

noisy_eval = corrupt(x_eval, noise, level, noise_seed + 1)
clean_g, noisy_g = x_eval[:GALLERY_SIZE], noisy_eval[:GALLERY_SIZE]
with live:
    st.subheader("3 · Train it live")
    st.plotly_chart(plots.image_rows([clean_g, noisy_g], data.image_shape, ["clean", "noisy"],
                                     captions=[f"{p:.1f} dB" for p in psnr(clean_g, noisy_g)]),
                    key="preview")
    st.caption(f"Preview of the corruption on held-out images: mean PSNR of the noisy input "
               f"{np.mean(psnr(x_eval, noisy_eval)):.1f} dB.")
    section.buttons(training, can_train=denoiser is not None)
    if training and denoiser is not None:
        section.train(DenoisingResult(denoiser, data, n_train, noise, level, noise_seed),
                      lambda event, denoised_g: before_after(noisy_g, denoised_g, clean_g,
                                                             data.image_shape))
    with section.last_run(
            data, "Choose a noise and a model, then press **Train**. The before/after gallery "
                  "beside the loss curve refreshes every epoch.") as result:
        denoiser = result.estimator
        st.plotly_chart(plots.loss_curves(denoiser.history_), key="final_loss")

with below:
    trained_on = f"{NOISES[result.noise][0]} at {result.level:g}"
    st.subheader(f"4 · Before and after — trained and tested on {trained_on}")
    with st.spinner("Scoring the held-out images…"):
        scores = result.scores
    st.plotly_chart(before_after(result.noisy_eval[:GALLERY_SIZE], result.denoised[:GALLERY_SIZE],
                                 x_eval[:GALLERY_SIZE], data.image_shape), key="gallery")
    number = st.column_config.NumberColumn
    st.dataframe(scores, column_config={"PSNR (dB)": number(format="%.2f"),
                                        "SSIM": number(format="%.3f")})
    gain = result.improvement
    st.caption(f"Mean over {len(x_eval):,} held-out images. The autoencoder is "
               f"{gain['over the best filter']:+.1f} dB against the best classical filter "
               f"and {gain['over the noisy input']:+.1f} dB against the noisy input. PSNR stops at "
               "100 dB: an image identical to the clean one has infinite PSNR.")

    st.subheader("5 · Robustness: other noise levels")
    st.markdown("Denoisers trained at one level and tested at others. Each row trains a model like "
                f"yours for {min(denoiser.epochs, 5)} epochs, so this takes a while.")
    if st.button("Compute the robustness matrix"):
        progress = st.progress(0.0)
        try:
            result.robustness(on_progress=lambda f, text: progress.progress(f, text=text))
        except ValueError as err:  # a denoiser at another noise level diverged
            st.error(str(err))
    if result.computed("robustness"):
        st.plotly_chart(plots.matrix_heatmap(result.robustness(), "Held-out PSNR"),
                        key="robustness")

    st.subheader("6 · Try your own image")
    upload = st.file_uploader("A PNG or JPEG (a digit on plain paper works best)",
                              type=["png", "jpg", "jpeg"], key="dn_upload")
    if upload is not None:
        try:
            own = image_from_bytes(upload.getvalue(), data.image_shape)
        except ValueError as err:
            st.error(str(err))
        else:
            own_noisy = corrupt(own, result.noise, result.level, result.noise_seed)
            st.plotly_chart(before_after(own_noisy, denoiser.reconstruct(own_noisy), own,
                                         data.image_shape), key="own", width=300)

    with st.expander("Reproduce this run in Python"):
        st.code(result.recipe(), language="python")
