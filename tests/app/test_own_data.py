"""Every page works on the user's own data: a CSV table with a label column, and a zip of
images in label folders, uploaded in the sidebar and trained for a couple of epochs."""

import io
import json
import re
import zipfile

import numpy as np
import pandas as pd
import pytest
from PIL import Image
from sklearn.datasets import load_digits, load_wine
from streamlit.testing.v1 import AppTest

from tests.app.apptest import ROOT, button, click, non_finite_shown

PAGES = {"pages/1_Dimensionality_Reduction.py": dict(hp_epochs=2, hp_hidden_layers="16",
                                                     hp_n_layers=1),
         "pages/2_Denoising.py": dict(dn_dense_epochs=2, dn_convolutional_epochs=2),
         "pages/3_Variational_Autoencoder.py": dict(vae_epochs=2, vae_hidden_layers="16",
                                                    vae_n_layers=1),
         "pages/4_Anomaly_Detection.py": dict(an_img_epochs=2, an_tab_epochs=2)}


def wine_csv() -> bytes:
    """178 wines, 13 measurements and the cultivar as text."""
    wine = load_wine(as_frame=True)
    table = wine.data.assign(cultivar=[f"cultivar {c}" for c in wine.target])
    return table.to_csv(index=False).encode()


def digits_zip(per_class: int = 40) -> bytes:
    """8×8 digit images as PNG files in one folder per label (three labels)."""
    digits = load_digits()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for label in (0, 1, 7):
            for i, image in enumerate(digits.images[digits.target == label][:per_class]):
                png = io.BytesIO()
                Image.fromarray((image * 255 / 16).astype("uint8")).save(png, format="PNG")
                archive.writestr(f"digits/{label}/{i}.png", png.getvalue())
    return buffer.getvalue()


def upload(script: str, name: str, content: bytes, label: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=240)
    for key, value in PAGES[script].items():
        at.session_state[key] = value
    at.run()
    at.selectbox(key="dataset").set_value("own").run()
    at.file_uploader(key="own_file").set_value((name, content, "application/octet-stream"))
    at.run()
    if label is not None:
        at.selectbox(key="own_label").set_value(label).run()
    return at


@pytest.mark.parametrize("script", PAGES)
@pytest.mark.parametrize("kind", ["csv", "zip"])
def test_every_page_trains_on_an_uploaded_table_and_image_zip(script, kind):
    at = (upload(script, "wine.csv", wine_csv(), "cultivar") if kind == "csv"
          else upload(script, "digits.zip", digits_zip()))
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    caption = " ".join(c.value for c in at.sidebar.caption)
    assert ("13 numeric columns" in caption and "features" in caption) if kind == "csv" \
        else "8×8 pixels" in caption
    introduction = at.markdown[0].value  # names a table's samples rows, not images
    if "Anomaly" not in script:
        assert ("rows" in introduction and "image" not in introduction) if kind == "csv" \
            else "images" in introduction
    at = click(at, "Train")
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any("Trained 2 epochs" in s.value for s in at.success)
    assert not non_finite_shown(at)
    assert any(b.label == "Hyperparameters (JSON)" for b in at.get("download_button"))
    stem = "-wine-upload-" if kind == "csv" else "-digits-upload-"  # the file's name, then key
    assert all(stem in b.proto.id for b in at.get("download_button")), at.get("download_button")
    galleries = [trace for chart in at.get("plotly_chart")
                 for trace in json.loads(chart.proto.spec)["data"]
                 if trace["type"] == "heatmap" and (trace.get("zmin"), trace.get("zmax")) == (0, 1)]
    # images as their files show them (1 white); a table's rows as ink strips
    assert galleries or ("Anomaly" in script and kind == "csv")  # no gallery of table rows
    assert all(trace["colorscale"][0][1] == ("black" if kind == "zip" else "white")
               for trace in galleries)
    if "Dimensionality" in script and kind == "csv":  # a table's words, and its class names
        charts = {c.key: c.proto.spec for c in at.get("plotly_chart")}
        few_labels = json.loads(charts["few_labels"])
        assert few_labels["layout"]["xaxis"]["title"]["text"] == "labelled training rows"
        assert few_labels["data"][0]["name"] == "raw features"
        assert "cultivar 0" in charts["gallery"] and "using the raw features" in " ".join(
            m.value for m in at.markdown)


def test_a_conditional_vae_offers_the_tables_own_classes_by_name():
    at = upload("pages/3_Variational_Autoencoder.py", "wine.csv", wine_csv(), "cultivar")
    at.checkbox(key="vae_conditional").check().run()
    at = click(at, "Train")
    assert not at.exception and not at.error, [e.value for e in at.error]
    label = at.selectbox(key="vae_grid_label")
    assert label.options == ["cultivar 0", "cultivar 1", "cultivar 2"]  # not the digits 0–9
    label.set_value(2).run()
    captions = " ".join(c.value for c in at.caption)
    assert "as the class cultivar 2" in captions
    assert re.search(r"from row #0 \(label cultivar \d\) to #1 \(label cultivar \d\)", captions)


def test_a_bad_upload_is_one_sentence_not_a_traceback():
    ragged = b"a,b,c\n1,2,3\n4,5\n"
    at = upload("pages/1_Dimensionality_Reduction.py", "ragged.csv", ragged)
    assert not at.exception
    assert len(at.error) == 1  # on the page, not again in the sidebar
    assert "Line 3" in at.error[0].value and "same number of values" in at.error[0].value


def test_anomaly_detection_needs_two_classes_and_says_so():
    table = pd.DataFrame(np.random.default_rng(0).random((60, 4)), columns=list("abcd"))
    at = upload("pages/4_Anomaly_Detection.py", "one.csv", table.to_csv(index=False).encode())
    assert not at.exception
    assert any("has no labels, but this set-up needs two classes" in e.value for e in at.error)


@pytest.mark.parametrize("rows", [5, 8, 12])
def test_anomaly_detection_on_too_few_rows_of_a_class_says_so_in_one_sentence(rows):
    # 5 rows leave 1 held-out row, 8 and 12 leave one of a class: too few to split in half
    table = pd.DataFrame(np.random.default_rng(0).random((rows, 4)), columns=list("abcd")).assign(
        label=np.arange(rows) % 2)
    at = upload("pages/4_Anomaly_Detection.py", "few.csv", table.to_csv(index=False).encode(),
                "label")
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any(re.fullmatch(r"The held-out data have \d+ normal and \d+ anomalous rows?; "
                            r"splitting them .* needs at least two of each, so use more data\.",
                            e) for e in errors), errors


@pytest.mark.parametrize("script", PAGES)
def test_a_table_without_labels_trains_on_every_page_that_needs_none(script):
    table = pd.DataFrame(np.random.default_rng(0).random((150, 6)), columns=list("abcdef"))
    at = upload(script, "unlabelled.csv", table.to_csv(index=False).encode())
    if script.endswith("Anomaly_Detection.py"):
        assert any("has no labels" in e.value for e in at.error)  # it needs two
        return
    at = click(at, "Train")
    assert not at.exception, at.exception
    assert any("Trained 2 epochs" in s.value for s in at.success)
    if script.endswith("Reduction.py"):
        assert any("at least two classes" in i.value for i in at.info)


def test_a_header_of_numbers_is_pointed_out():
    rows = pd.DataFrame(np.random.default_rng(1).random((40, 3)))
    at = upload("pages/1_Dimensionality_Reduction.py", "numbers.csv",
                rows.to_csv(index=False, header=False).encode())
    assert any("first row holds only numbers" in w.value for w in at.sidebar.warning)
    at.checkbox(key="own_header").uncheck().run()
    assert not at.sidebar.warning and "40 rows" in at.sidebar.caption[0].value


@pytest.mark.parametrize("rows", [5, 12, 40])
def test_too_few_held_out_rows_to_compare_maps_is_a_sentence_not_a_traceback(rows):
    # 5 rows leave 1 held-out row (t-SNE needs 2), 12 leave 3 with a label seen once (k-NN
    # accuracy needs 2 per label), 40 leave 8 (trustworthiness at k = 5 needs 11): the page
    # still shows the trained model, without the maps, and exports the codes.
    rng = np.random.default_rng(0)
    table = pd.DataFrame(rng.random((rows, 6)), columns=list("abcdef")).assign(
        label=np.arange(rows) % 2)
    at = upload("pages/1_Dimensionality_Reduction.py", "tiny.csv",
                table.to_csv(index=False).encode(), "label")
    at = click(at, "Train")
    assert not at.exception, at.exception
    assert any(re.search(r"Trained 2 epochs.* Saved as run \d+", s.value) for s in at.success)
    assert any("not compared" in i.value for i in at.info), [i.value for i in at.info]
    assert any(h.value == "4 · Reconstructions" for h in at.subheader)
    held_out = {5: "1 held-out row", 12: "3 held-out rows", 40: "8 held-out rows"}[rows]
    assert f"{held_out} of 6 features" in at.sidebar.caption[0].value  # as the count needs
    if rows == 40:
        assert any("Trustworthiness with 5 neighbours needs more than 10 points; there are 8."
                   in i.value for i in at.info)
    else:
        assert any("fewest labels compared is 10" in i.value for i in at.info)  # no empty chart
    assert any(b.label == "Codes (CSV)" for b in at.get("download_button"))


def test_an_upload_from_another_page_is_named_where_the_uploader_starts_empty():
    at = upload("pages/1_Dimensionality_Reduction.py", "wine.csv", wine_csv(), "cultivar")
    at.file_uploader(key="own_file").clear().run()  # as on the next page: no file in the box
    assert not at.exception and not at.error
    assert any("Using wine.csv, uploaded earlier" in c.value for c in at.sidebar.caption)


def test_a_tables_only_text_column_is_offered_as_its_label_column():
    at = upload("pages/1_Dimensionality_Reduction.py", "wine.csv", wine_csv())
    assert at.selectbox(key="own_label").value == "cultivar"
    assert not at.error, [e.value for e in at.error]


def test_a_column_named_label_is_the_label_column_unless_the_user_picks_none():
    table = pd.DataFrame(np.random.default_rng(2).random((40, 3)), columns=list("abc")).assign(
        Label=np.arange(40) % 2)
    at = upload("pages/1_Dimensionality_Reduction.py", "labelled.csv",
                table.to_csv(index=False).encode())
    assert at.selectbox(key="own_label").value == "Label"
    assert "3 numeric columns" in at.sidebar.caption[0].value
    assert "labels from column 'Label' (2 classes)" in at.sidebar.caption[0].value
    at.selectbox(key="own_label").set_value("(no labels)").run()
    assert "no labels" in at.sidebar.caption[0].value


def test_a_second_file_gets_its_own_label_column_and_header_not_the_first_files():
    plain = pd.DataFrame(np.random.default_rng(3).random((40, 3)), columns=list("abc"))
    at = upload("pages/1_Dimensionality_Reduction.py", "plain.csv",
                plain.to_csv(index=False).encode())
    assert at.selectbox(key="own_label").value == "(no labels)"
    at.checkbox(key="own_header").uncheck().run()  # a choice for this file only
    labelled = plain.assign(TARGET=np.arange(40) % 2)
    at.file_uploader(key="own_file").set_value(("labelled.csv", labelled.to_csv(
        index=False).encode(), "text/csv")).run()
    assert at.checkbox(key="own_header").value
    assert at.selectbox(key="own_label").value == "TARGET"
    assert "labels from column 'TARGET' (2 classes)" in at.sidebar.caption[0].value


def test_the_training_samples_slider_can_reach_all_rows_of_a_small_upload():
    at = upload("pages/1_Dimensionality_Reduction.py", "wine.csv", wine_csv(), "cultivar")
    slider = at.slider(key="dr_n_train")
    assert (slider.min, slider.max, slider.value) == (100, 142, 142)
    assert (slider.max - slider.min) % slider.step == 0  # 50 would stop at 100 or 150


def test_a_link_asking_a_table_for_a_convolutional_denoiser_says_why_it_is_dense():
    """`architecture=Convolutional` on a table switched to Dense in silence."""
    from aecore.uploads import read_upload, save_upload

    data = read_upload("wine.csv", wine_csv(), "cultivar")
    save_upload(data)
    at = AppTest.from_file(str(ROOT / "pages/2_Denoising.py"), default_timeout=240)
    at.query_params.update(data=data.key, architecture="Convolutional")
    at = at.run()
    assert not at.exception and at.session_state["dn_arch"] == "Dense"
    assert [w.value for w in at.warning] == [
        "Some values in this page's link were ignored:\n\n- `architecture=Convolutional`: this "
        "page keeps architecture at Dense: a convolutional network needs images; these data "
        "are a table."]


@pytest.mark.parametrize("script, key, choice, forced", [
    ("pages/2_Denoising.py", "dn_arch", "Convolutional", "Dense"),  # a table has no convolutions
    ("pages/4_Anomaly_Detection.py", "an_digit", 8, 0)])  # nor the digit 8 (classes 0, 1, 7)
def test_a_choice_another_dataset_lacks_comes_back_with_the_first_dataset(script, key, choice,
                                                                           forced):
    """The denoiser stayed Dense after a detour through a table, and the digit 0 after one
    through an upload without the digit 8, though the user had chosen neither."""
    at = AppTest.from_file(str(ROOT / script), default_timeout=240)
    at.session_state[key] = choice
    at.run()
    at.selectbox(key="dataset").set_value("own").run()
    upload_file = ("wine.csv", wine_csv()) if key == "dn_arch" else ("digits.zip", digits_zip())
    at.file_uploader(key="own_file").set_value((*upload_file, "application/octet-stream")).run()
    assert not at.exception and at.session_state[key] == forced
    at.selectbox(key="dataset").set_value("mnist_sample").run()
    assert not at.exception and at.session_state[key] == choice


def random_images_zip(shape: tuple[int, int]) -> bytes:
    """60 random images of ``shape`` in two label folders."""
    rng, buffer = np.random.default_rng(0), io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(60):
            png = io.BytesIO()
            Image.fromarray((rng.random(shape) * 255).astype("uint8")).save(png, format="PNG")
            archive.writestr(f"images/{i % 2}/{i}.png", png.getvalue())
    return buffer.getvalue()


def test_a_table_of_a_square_number_of_columns_is_not_offered_a_convolutional_vae():
    """16 columns passed the model's own check as 4×4 images, and the convolutional VAE
    trained on a table."""
    table = pd.DataFrame(np.random.default_rng(0).random((80, 16))).assign(label=np.arange(80) % 2)
    at = upload("pages/3_Variational_Autoencoder.py", "square.csv",
                table.to_csv(index=False).encode(), "label")
    assert not at.exception and not at.error
    assert [b.label for b in at.button if "VAE" in b.label] == ["Dense VAE"]
    assert ("Not offered here: Convolutional VAE. A convolutional network needs images; these "
            "data are a table.") in [c.value for c in at.caption]
    at = at.selectbox(key="vae_network").set_value("conv").run()
    assert [e.value for e in at.error] == [
        "A convolutional network needs images; these data are a table."]
    assert button(at, "Train").disabled


@pytest.mark.parametrize(("shape", "why", "ssim_said"), [
    ((10, 6), "a convolutional network needs square images; these are 6×10 pixels (width × "
              "height).",  # as the upload's own line names them: 10 rows of 6 pixels
     "SSIM over 5×5 windows, not the usual 7×7: these images are 6 pixels across on their "
     "shorter side."),
    ((5, 5), "a convolutional network halves the images' side at least once; 5×5 images "
             "cannot be halved.",
     "SSIM over 5×5 windows, not the usual 7×7: these images are 5 pixels across on their "
     "shorter side.")])
def test_images_a_convolution_cannot_take_are_denoised_by_a_dense_network_saying_why(
        shape, why, ssim_said):
    at = upload("pages/2_Denoising.py", "images.zip", random_images_zip(shape))
    assert not at.exception and not at.error
    size = f"{shape[1]}×{shape[0]} pixels"  # width × height, in the sidebar as in the reader's line
    assert all(size in c.value for c in at.sidebar.caption if "pixels" in c.value)
    assert at.radio(key="dn_arch").options == ["Dense"]
    assert f"Dense only: {why}" in [c.value for c in at.caption]
    at = button(at, "Train").click().run()
    assert not at.exception and any("Trained 2 epochs" in s.value for s in at.success)
    scores = at.dataframe[0].value  # SSIM's 7×7 windows did not fit: a traceback
    assert scores["SSIM"].between(-1, 1).all()
    assert any(c.value.endswith(ssim_said) for c in at.caption)
