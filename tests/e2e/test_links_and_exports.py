"""In a real browser: the sidebar names the pages (the home page "Home", not "app") and opens
them at their addresses, a shared link sets the page's widgets, changes are written back into the
URL, bad link values are ignored with a warning, an uploaded CSV becomes the dataset, and the
embeddings download is a CSV of the held-out points' codes and map coordinates."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect
from sklearn.datasets import load_wine

from tests.e2e.harness import set_field

pytestmark = pytest.mark.e2e
LINK = "Dimensionality_Reduction?data=digits&code_size=3&hidden_layers=32,16&epochs=2&seed=9"


def test_the_sidebar_names_every_page_and_opens_it_at_its_address(page, app_url):
    page.goto(f"{app_url}/Denoising")  # a shared link to a page, not home, opened first
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_role("link", name="Runs").wait_for()
    names = [name.strip() for name in sidebar.get_by_role("link").all_inner_texts()]
    assert names == ["Home", "Dimensionality reduction", "Denoising", "Variational autoencoder",
                     "Anomaly detection", "Runs"]
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # Streamlit's list: "app"
    sidebar.get_by_role("link", name="Variational autoencoder").click()
    page.wait_for_url(re.compile(r"/Variational_Autoencoder(\?|$)"))
    page.get_by_role("button", name="Train", exact=True).wait_for()
    sidebar.get_by_role("link", name="Home").click()
    page.get_by_role("heading", name="Autoencoder Lab").wait_for()
    sidebar.get_by_role("link", name="Runs").wait_for()  # the home page has the links too


def test_a_shared_link_sets_the_widgets_and_changes_go_back_into_the_url(page, app_url):
    page.goto(f"{app_url}/{LINK}")
    page.get_by_text(re.compile(r"Network: 64-32-16-3-16-32-64 .* · 2 epochs of")).wait_for()
    expect(page.get_by_label("Code size", exact=True)).to_have_value("3")
    expect(page.get_by_label("Nodes per layer", exact=True)).to_have_value("32, 16")
    expect(page.get_by_label("Seed", exact=True)).to_have_value("9")
    set_field(page, "Code size", "4", r"Network: 64-32-16-4-16-32-64 ")
    page.wait_for_function("() => location.search.includes('code_size=4')")
    assert "seed=9" in page.url and "data=digits" in page.url


def test_bad_link_values_are_ignored_with_a_warning(page, app_url):
    page.goto(f"{app_url}/Dimensionality_Reduction?code_size=999&colour=red")
    page.get_by_text("Some values in this page's link were ignored").wait_for()
    page.get_by_text(re.compile("Code size must be between 1 and 256; got 999")).wait_for()
    expect(page.get_by_label("Code size", exact=True)).to_have_value("2")


def test_the_embeddings_download_is_the_held_out_codes_and_maps(page, app_url):
    page.goto(f"{app_url}/{LINK}")
    page.get_by_role("button", name="Train", exact=True).click()
    page.get_by_text(re.compile("Trained 2 epochs")).wait_for(timeout=180_000)
    button = page.get_by_role("button", name="Embeddings (CSV)")
    button.wait_for(timeout=120_000)
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "reduction-digits-embeddings.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.value.path()).read())))
    assert len(rows) == 360  # the 8×8 digits' held-out points
    assert {"label", "code 3", "Autoencoder x", "PCA y", "t-SNE x"} <= set(rows[0])


def test_an_uploaded_csv_becomes_the_dataset(page, app_url, tmp_path):
    wine = load_wine(as_frame=True)
    path = tmp_path / "wine.csv"
    wine.frame.rename(columns={"target": "cultivar"}).to_csv(path, index=False)
    page.goto(f"{app_url}/Dimensionality_Reduction")
    page.get_by_role("button", name="Train", exact=True).wait_for()
    page.get_by_role("combobox", name="Dataset").click()
    page.get_by_role("option", name="Your own data…").click()
    page.locator("section[data-testid='stSidebar'] input[type='file']").set_input_files(path)
    page.get_by_text(re.compile(r"your file wine\.csv")).wait_for()
    page.get_by_text(
        re.compile(r"142 training rows and 36 held-out rows of 14 features")).wait_for()
