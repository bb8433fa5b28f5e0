"""Autoencoder Lab — the entry point: the sidebar's page names, and the home page.
Imports no TensorFlow, so it opens fast."""

import streamlit as st

INTRODUCTION = """
Build autoencoders, watch them train live (the app's server trains them; your browser shows
every epoch), and see what they learn.

An **autoencoder** is a neural network trained to copy its input to its output through a
narrow middle:

**image → encoder → code → decoder → reconstruction**

The *encoder* squeezes each image (784 pixels for MNIST) into a short **code**, a handful of
numbers; the *decoder* rebuilds the image from the code alone. Training lowers the
**reconstruction loss**, the difference between input and output. Because the code is too small to
hold every pixel, the network must learn what images have in common: strokes, shapes, styles.
"""

HYPERPARAMETERS = """
| hyperparameter | what it sets | try |
|---|---|---|
| **Code size** | numbers in the bottleneck; 2 lets you plot every image as a point | 2, then 32: sharper reconstructions, a map that needs PCA to draw |
| **Number of hidden layers** | hidden layers in the encoder (the decoder mirrors them); more layers can learn more curved maps | 0 layers is close to PCA |
| **Nodes per layer** | width of each layer; by default each halves the one before, a "sandwich" | 400-200-100-50, the net of the *Autoencoders* tutorial this lab grew from (its TensorFlow dimensionality-reduction example; the "Seed tutorial" preset) |
| **Loss** | *Squared error* (MSE) treats pixels as numbers; *Cross-entropy* (binary cross-entropy) treats each pixel as a probability of ink | cross-entropy often gives crisper digits |

Activation, epochs, batch size, learning rate (with optional cosine decay), input noise, RBM
pretraining and a neighbour loss's weight are there too, and a seed makes a run repeatable.
"""

# file → (name in the sidebar and on the home page, what it does)
PAGES = {
    "pages/1_Dimensionality_Reduction.py": (
        "Dimensionality reduction",
        "Train live and watch digits sort themselves in a 2-D code; compare it with PCA, t-SNE "
        "and UMAP of the same points, with scores for each map; add a neighbour loss that draws "
        "a map like t-SNE's, or pretrain the net layer by layer as stacked RBMs."),
    "pages/2_Denoising.py": (
        "Denoising",
        "Corrupt images with four kinds of noise, train a dense or convolutional denoiser and "
        "measure it against classical filters (PSNR / SSIM)."),
    "pages/3_Variational_Autoencoder.py": (
        "Variational autoencoder",
        "A code you can sample from: latent grids, random samples, interpolations, β and KL, "
        "and a conditional VAE that draws the digit you ask for."),
    "pages/4_Anomaly_Detection.py": (
        "Anomaly detection",
        "Trained on normal data only, it reconstructs anomalies badly: compare threshold rules, "
        "ROC and PR curves, and browse what gets flagged."),
    "pages/5_Runs.py": (
        "Runs",
        "Every training is kept: reopen one, compare several side by side (losses, scores, maps, "
        "hyperparameters against a score), delete. Each page's link reproduces its settings."),
}


def home() -> None:
    """The home page: what an autoencoder is, the pages, and the dataset for every page."""
    st.set_page_config(page_title="Autoencoder Lab", page_icon="🧪", layout="wide")
    st.title("Autoencoder Lab")
    st.markdown(INTRODUCTION)
    st.subheader("The four hyperparameters that shape it")
    st.markdown(HYPERPARAMETERS)
    files = list(PAGES)
    for heading, group in (("Four things autoencoders do", files[:4]),
                           ("And every run you train", files[4:])):
        st.subheader(heading)
        for file in group:  # a link's label is one line, cut at the window's edge
            title, text = PAGES[file]
            st.page_link(file, label=f"**{title}**", icon="➡️")
            st.caption(text)

    st.divider()
    # Imported after the text above is on screen: lab_ui brings scikit-learn, SciPy and pandas
    # (about 1.5 s), which the home page's heading need not wait for (bench.browser, cold start).
    from lab_ui import PageLink, dataset_picker

    link = PageLink("home")
    data = dataset_picker(link)
    link.write()
    st.caption(f"Dataset for every page: **{data.name}** — pick another in the sidebar.")


# st.navigation, not the pages/ folder alone, which names the home page after this file ("app")
# in the sidebar. The addresses keep the files' names, so links shared earlier still open.
st.navigation([st.Page(home, title="Home", default=True),
               *(st.Page(file, title=title, url_path=file.split("_", 1)[1].removesuffix(".py"))
                 for file, (title, _) in PAGES.items())]).run()
