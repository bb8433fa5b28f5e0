"""The sidebar's dataset picker, shared by every page: the built-in datasets and the user's own
upload (a CSV table, an .npz of arrays or a .zip of images), linked to the page's URL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import streamlit as st

from aecore.data import DATASETS, DEFAULT_DATASET, UPLOAD_KEY, Dataset, builtin_key, load_dataset
from aecore.spec import counted, quoted
from aecore.uploads import (
    ACCEPTED_EXTENSIONS,
    csv_columns,
    likely_label_column,
    read_upload,
    save_upload,
    text_columns,
    upload_key,
)
from lab_ui.layout import sidebar_navigation
from lab_ui.link import PageLink
from lab_ui.text import plain_text

OWN = "own"  # the picker's entry for the user's own upload
OWN_KEY = "own_dataset_key"  # session state: the dataset key of the user's last upload
NO_LABEL = "(no labels)"


def _picked(text: str) -> str:
    """The picker's value for a URL's ``data``: a built-in key, or an upload kept here."""
    if builtin_key(text):
        return builtin_key(text)
    if UPLOAD_KEY.fullmatch(text):
        load_dataset(text)  # DatasetUnavailableError (a ValueError) if not on this machine
        st.session_state[OWN_KEY] = text
        return OWN
    raise ValueError(f"there is no dataset {quoted(text)} here; the datasets are "
                     f"{', '.join(DATASETS)} or your own upload.")


def _shown(key: str) -> str:
    return st.session_state.get(OWN_KEY, "") if key == OWN else key


def open_page(page: str, title: str,
              introduction: Callable[[str], str]) -> tuple[PageLink, Dataset]:
    """Draw the page's title and introduction, and make its link and dataset picker.

    ``introduction(noun)`` is the introduction for samples called ``noun`` ("image", or "row"
    for a table): drawn for images at first, so it stands while the dataset loads or waits for
    an upload, then for the dataset chosen. The link's warnings stand under it.
    """
    sidebar_navigation()
    st.title(title)
    intro = st.empty()
    intro.markdown(introduction("image"))
    link = PageLink(page)
    data = dataset_picker(link)
    intro.markdown(introduction(data.sample_noun))
    return link, data


def dataset_picker(link: PageLink) -> Dataset:
    """Sidebar dataset choice; stops the page with a message on failure or while an own
    dataset is still to be uploaded."""
    link.apply("data", "dataset", _picked, show=_shown)
    options = [*DATASETS, OWN]
    key = st.sidebar.selectbox(
        "Dataset", options, key="dataset", index=options.index(DEFAULT_DATASET),
        format_func=lambda k: "Your own data…" if k == OWN else DATASETS[k].title,
        persist_state="session", help="The same dataset is used on every page.")
    try:
        if key == OWN:
            data = _own_dataset()
        else:
            with st.spinner(f"Loading {DATASETS[key].title}…"):
                data = load_dataset(key)
    except ValueError as err:
        st.error(plain_text(str(err)))  # once, on the page: the sidebar is folded on a phone
        st.stop()
    shape = (f"of {data.image_shape[1]}×{data.image_shape[0]} pixels" if data.is_image  # w×h
             else f"of {data.input_dim} features")
    noun = data.sample_noun
    st.sidebar.caption(f"{plain_text(data.source)}. "
                       f"{counted(len(data.x_train), 'training ' + noun)} and "
                       f"{counted(len(data.x_test), 'held-out ' + noun)} {shape}.")
    return data


def _own_dataset() -> Dataset:
    """The uploaded file as a dataset (remembered for the session, and on disk for runs)."""
    state = st.session_state
    upload = st.sidebar.file_uploader(
        "Your file", type=[e.lstrip(".") for e in ACCEPTED_EXTENSIONS], key="own_file",
        help="A CSV table of numbers (one row per sample; a label column is optional), an .npz "
             "with arrays x (samples × features, or samples × height × width) and optionally "
             "y (labels), or a .zip of PNG/JPEG images, one folder per label. Tables are "
             "scaled min–max per feature to [0, 1], 8-bit images divided by 255.")
    if upload is None:
        if state.get(OWN_KEY):  # uploaded on another page: the uploader starts empty here
            data = load_dataset(state[OWN_KEY])
            st.sidebar.caption(f"Using {plain_text(data.name)}, uploaded earlier; upload "
                               "another file above to replace it.")
            return data
        st.info("Upload a CSV, NPZ or ZIP file in the sidebar to use your own data.")
        st.stop()
    content, label, header = upload.getvalue(), None, True
    if Path(upload.name).suffix.lower() == ".csv":
        if state.get("_own_choices_for", (None,))[0] != upload.file_id:  # another file: its
            state["own_header"] = True  # own choices, not the last file's
        header = st.sidebar.checkbox("The first row names the columns", key="own_header")
        columns = _columns(upload.file_id, content, header)
        if header and all(_is_number(name) for name in columns):
            st.sidebar.warning("The first row holds only numbers: if it is data, not column "
                               "names, untick the box above.")
        if state.get("_own_choices_for") != (upload.file_id, header):
            state["_own_choices_for"] = (upload.file_id, header)
            state["own_label"] = likely_label_column(
                columns, text_columns(content, header)) or NO_LABEL
        label = st.sidebar.selectbox("Label column", [NO_LABEL, *columns], key="own_label",
                                     help="Colours the maps and defines the classes; the "
                                          "other columns are the features.")
        label = None if label == NO_LABEL else label
    key = upload_key(content, label, header)
    try:
        data = load_dataset(key)  # read before, in this session or another
    except ValueError:
        with st.spinner(f"Reading {upload.name}…"):
            data = read_upload(upload.name, content, label, header)
        save_upload(data)
    state[OWN_KEY] = data.key
    return data


def _columns(file_id: str, content: bytes, header: bool) -> list[str]:
    """:func:`aecore.uploads.csv_columns`, read once per uploaded file and header choice (it
    checks every line, and the page reruns on every widget change)."""
    state, key = st.session_state, (file_id, header)
    if state.get("_own_columns", (None, None))[0] != key:
        state["_own_columns"] = (key, csv_columns(content, header))
    return state["_own_columns"][1]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
