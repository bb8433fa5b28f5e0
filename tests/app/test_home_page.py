import subprocess
import sys

from aecore.spec import LOSSES, PARAMS
from tests.app.apptest import ROOT, open_page


def test_home_page_explains_the_autoencoder_and_links_the_pages():
    at = open_page("app.py")
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    widgets = [PARAMS[name].label for name in ("code_size", "n_layers", "hidden_layers", "loss")]
    for words in ("encoder", "code", "decoder", *widgets, *LOSSES.values()):  # as widgets say
        assert words in text, words
    links = " ".join(link.proto.label for link in at.get("page_link"))
    for page in ("Dimensionality reduction", "Denoising", "Variational autoencoder",
                 "Anomaly detection"):
        assert page in links
    assert at.sidebar.selectbox(key="dataset").value == "mnist_sample"


# What a page must not import before Train is pressed (each import takes seconds; the home and
# Runs pages never train). UMAP is not a dependency: the check keeps it from becoming one there.
HEAVY_MODULES = ("tensorflow", "keras", "umap", "ray")


def test_pages_that_do_not_train_open_without_importing_tensorflow_keras_umap_or_ray():
    """Every page, the Runs page included, opens (before any Train) without those imports."""
    pages = ["app.py", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("pages/*.py"))]
    assert "pages/5_Runs.py" in pages
    script = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"for page in {pages!r}:\n"
        f"    at = AppTest.from_file({str(ROOT)!r} + '/' + page, default_timeout=60).run()\n"
        "    assert not at.exception, at.exception\n"
        f"    heavy = [m for m in {HEAVY_MODULES!r} if m in sys.modules]\n"
        "    assert not heavy, f'{page} imported {heavy}'\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True, timeout=120)


def test_a_dataset_that_needs_a_download_shows_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    at = open_page("app.py")
    at = at.sidebar.selectbox(key="dataset").set_value("fashion_mnist").run()
    assert not at.exception
    assert any("offline datasets" in e.value for e in at.error)
