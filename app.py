"""Autoencoder Lab — home page. Imports no TensorFlow, so it opens fast."""

import streamlit as st

st.set_page_config(page_title="Autoencoder Lab", page_icon="🧪", layout="wide")

st.title("Autoencoder Lab")
st.markdown(
    """
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
)

st.subheader("The four hyperparameters that shape it")
st.markdown(
    """
| hyperparameter | what it sets | try |
|---|---|---|
| **Code size** | numbers in the bottleneck; 2 lets you plot every image as a point | 2, then 32: sharper reconstructions, a map that needs PCA to draw |
| **Number of hidden layers** | hidden layers in the encoder (the decoder mirrors them); more layers can learn more curved maps | 0 layers is close to PCA |
| **Nodes per layer** | width of each layer; by default each halves the one before, a "sandwich" | 400-200-100-50, the net of the *Autoencoders* tutorial this lab grew from (its TensorFlow dimensionality-reduction example; the "Seed tutorial" preset) |
| **Loss** | *Squared error* (MSE) treats pixels as numbers; *Cross-entropy* (binary cross-entropy) treats each pixel as a probability of ink | cross-entropy often gives crisper digits |

Activation, epochs, batch size, learning rate (with optional cosine decay), input noise, RBM
pretraining and a neighbour loss's weight are there too, and a seed makes a run repeatable.
"""
)

# Imported after the text above is on screen: lab_ui brings scikit-learn, SciPy and pandas
# (about 1.5 s), which the home page's heading need not wait for (bench.browser, cold start).
from lab_ui import PageLink, dataset_picker  # noqa: E402
from lab_ui.layout import PAGES, sidebar_navigation  # noqa: E402

sidebar_navigation()
pages = list(PAGES)
for heading, files in (("Four things autoencoders do", pages[:4]),
                       ("And every run you train", pages[4:])):
    st.subheader(heading)
    for file in files:  # a link's label is one line, cut at the window's edge
        title, text = PAGES[file]
        st.page_link(file, label=f"**{title}**", icon="➡️")
        st.caption(text)

st.divider()

link = PageLink("home")
data = dataset_picker(link)
link.write()
st.caption(f"Dataset for every page: **{data.name}** — pick another in the sidebar.")
