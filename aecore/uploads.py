"""The users' own datasets: a CSV table, a ``.npz`` of NumPy arrays or a ``.zip`` of images.

:func:`read_upload` turns a file's bytes into a :class:`aecore.data.Dataset` like the built-in
ones (features in [0, 1], labels 0 … k-1, the same seeded 80/20 split), or raises
:class:`UploadError` with one sentence a person can act on. :func:`save_upload` keeps it on
this machine so that :func:`aecore.data.load_dataset` can reopen it by its key later (saved runs,
the command line).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
from sklearn.preprocessing import LabelEncoder, MinMaxScaler

from aecore.data import UPLOAD_KEY, Dataset, DatasetUnavailableError, _split, data_home
from aecore.denoise import read_grey_image
from aecore.spec import quoted

MAX_FEATURES = 4096  # a 64×64 image
MAX_ROWS = 60_000
MIN_ROWS = 5  # fewer leave no test set worth the name
ACCEPTED_EXTENSIONS = (".csv", ".npz", ".zip")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg")
MAX_IMAGE_FILE_BYTES = 50 * 2**20  # one image inside a zip, unpacked
_SAVE_FORMAT = 1
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
# names a label column usually has (scikit-learn's frames say "target", Kaggle's "label"/"class")
LABEL_COLUMN_NAMES = ("label", "labels", "class", "target", "y", "digit", "category")


_AGAIN = "upload the file again (or give it to the command line with --data FILE)."


class UploadError(ValueError):
    """A file that cannot become a dataset; the message is one sentence saying what to fix."""


def _fail(message: str) -> UploadError:
    """An :class:`UploadError` whose message starts with a capital letter."""
    return UploadError(message[:1].upper() + message[1:])


def _the(name: str) -> str:
    return f"the file {name}" if name else "the file"


def _names(names: list[str], limit: int = 20) -> str:
    quoted = ", ".join(repr(n) for n in names[:limit])
    return quoted + (f" and {len(names) - limit} more" if len(names) > limit else "")


# ---------------------------------------------------------------------------------------------
# public API
# ---------------------------------------------------------------------------------------------

def upload_key(content: bytes, label_column: str | None = None, header: bool = True) -> str:
    """The key an uploaded file is saved and reopened under.

    Parameters
    ----------
    content : bytes
        The file's contents.
    label_column : str or None, default=None
        The CSV label column chosen (None or ``""``: none).
    header : bool, default=True
        Whether the CSV's first line holds the column names.

    Returns
    -------
    str
        ``"upload-"`` followed by the first 12 hex digits of the SHA-256 of ``content``, a NUL
        byte, ``label_column`` in UTF-8, a NUL byte and ``"1"`` or ``"0"`` for ``header``.
    """
    digest = hashlib.sha256(content + b"\0" + (label_column or "").encode("utf-8") + b"\0"
                            + (b"1" if header else b"0"))
    return "upload-" + digest.hexdigest()[:12]


def read_upload(name: str, content: bytes, label_column: str | None = None,
                header: bool = True) -> Dataset:
    """A user's file as a :class:`~aecore.data.Dataset`, split like the built-in datasets.

    The kind of file is told by the extension of ``name``:

    ``.csv``
        A table, one sample per line; the separator is a comma, or a semicolon or tab when the
        first line has no comma. ``label_column`` (optional) holds the labels, every other
        column must be numeric; features are scaled min–max per column to [0, 1] (a constant
        column becomes 0). ``image_shape`` is None.
    ``.npz``
        Arrays saved with :func:`numpy.savez`: ``x`` of shape (n, features), a table scaled as
        above, or (n, height, width), grey images (uint8 arrays are divided by 255, values in
        [0, 1] are kept, and any other range is scaled min–max over all pixels); optionally ``y``
        of shape (n,), the labels.
    ``.zip``
        PNG or JPEG images, all of one size, read as grey and divided by 255; optionally one
        folder per label (the folder name is the label). ``__MACOSX/`` and hidden files are
        skipped, as is any folder that holds everything.

    Labels of any kind (numbers or text) are encoded to 0 … k-1 in sorted order and their
    names kept in ``class_names``; without labels every label is 0, named ``"all"``. The split
    is :func:`aecore.data._split`'s: 80/20, seeded, stratified when every class has 2 rows.

    Parameters
    ----------
    name : str
        The file's name, e.g. ``"iris.csv"``; its extension picks the reader and it becomes the
        dataset's ``name``.
    content : bytes
        The file's contents.
    label_column : str or None, default=None
        CSV only: the name of the label column (``"column 3"`` style when ``header`` is False).
    header : bool, default=True
        CSV only: whether the first line holds the column names; if not, the columns are named
        ``"column 1"``, ``"column 2"``, ….

    Returns
    -------
    Dataset
        Features of shape (n_samples, n_features) as float32 in [0, 1], int64 labels,
        ``image_shape`` (height, width) for images or None for tables, ``key`` from
        :func:`upload_key` (``label_column`` and ``header`` count for CSV files only),
        ``name``, a ``source`` sentence saying how the file was read and scaled, and
        ``class_names``.

    Raises
    ------
    UploadError
        A ``ValueError`` with one sentence when the file cannot be used: an unknown extension,
        an empty or unreadable file, too few (under 5) or too many (over :data:`MAX_ROWS`)
        samples, more than :data:`MAX_FEATURES` features, non-numeric, missing or infinite
        values, ragged CSV lines, an unknown label column, a ``.npz`` without ``x`` or with
        object arrays or a ``y`` of the wrong length, a ``.zip`` without images, with a damaged
        image or with images of different sizes.
    """
    suffix = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    where = _the(name)
    if suffix not in ACCEPTED_EXTENSIONS:
        raise _fail(f"{where} is not a kind the lab reads; use a .csv table, a .npz file of "
                    "NumPy arrays or a .zip of PNG/JPEG images.")
    if not content.strip():
        raise _fail(f"{where} is empty; use a file with data in it.")
    if suffix == ".csv":
        label_column = (label_column or "").strip() or None
        x, labels, image_shape, read_text, label_text = _read_csv(content, label_column, header,
                                                                  where)
        key = upload_key(content, label_column, header)
    else:
        reader = _read_npz if suffix == ".npz" else _read_zip
        x, labels, image_shape, read_text, label_text = reader(content, where)
        key = upload_key(content)
    y, class_names = _encode_labels(labels, len(x), where)
    if image_shape is None:
        x = MinMaxScaler(clip=True).fit_transform(x)
    k = len(class_names)
    labelled = (f"labels from {label_text} ({k} class{'' if k == 1 else 'es'})"
                if labels is not None else "no labels")
    return _split(x, y, image_shape=image_shape, name=name, key=key, class_names=class_names,
                  source=f"your file {name}: {read_text}, {labelled}")


def csv_columns(content: bytes, header: bool = True) -> list[str]:
    """The column names of a CSV file, for choosing its label column.

    Parameters
    ----------
    content : bytes
        The file's contents.
    header : bool, default=True
        Whether the first line holds the column names; if not, or where a name is blank, the
        columns are named ``"column 1"``, ``"column 2"``, ….

    Returns
    -------
    list of str
        The names, in file order, stripped of surrounding spaces.

    Raises
    ------
    UploadError
        If the file is empty, not CSV text, has lines with different numbers of values, two
        columns of one name, or more than :data:`MAX_ROWS` rows.
    """
    if not content.strip():
        raise _fail("the file is empty; use a file with data in it.")
    return _csv_layout(_csv_text(content, "the file"), header, "the file")[0]


def likely_label_column(columns: Sequence[str], text: Sequence[str] = ()) -> str | None:
    """The column a CSV's labels are most likely in, to offer first: the one whose name,
    ignoring case and surrounding spaces, comes first in :data:`LABEL_COLUMN_NAMES` ("label",
    "labels", "class", "target", "y", …); else the only column holding text, since every
    other column must hold numbers (a "cultivar" column of wine names).

    Parameters
    ----------
    columns : list of str
        The column names (:func:`csv_columns`).
    text : list of str, default=()
        The columns holding text (:func:`text_columns`).

    Returns
    -------
    str or None
        That column's name as written, or None if no name is one of them and there is not
        exactly one text column.
    """
    names = {name.strip().casefold(): name for name in reversed(columns)}  # first of a name
    named = next((names[usual] for usual in LABEL_COLUMN_NAMES if usual in names), None)
    return named or (text[0] if len(text) == 1 else None)


def text_columns(content: bytes, header: bool = True) -> list[str]:
    """The columns of a CSV file that hold mostly text, read with pandas: more than half of
    their cells are not numbers (a column of class names, not a column of numbers with a stray
    word, which reading it as a dataset points out).

    Parameters
    ----------
    content : bytes
        The file's contents.
    header : bool, default=True
        Whether the first line holds the column names (else they are ``"column 1"``, …).

    Returns
    -------
    list of str
        Their names (as :func:`csv_columns` gives them), in file order; empty if the file
        cannot be read as a table (reading it as a dataset says why).
    """
    try:
        text = _csv_text(content, "the file")
        names, sep, _ = _csv_layout(text, header, "the file")
        table = pd.read_csv(io.StringIO(text), sep=sep, header=0 if header else None,
                            skip_blank_lines=True)
    except (ValueError, pd.errors.ParserError, csv.Error):  # UploadError is a ValueError
        return []
    if table.shape[1] != len(names):
        return []
    def mostly_text(cells: pd.Series) -> bool:
        filled = cells.dropna()  # empty cells are neither
        return len(filled) > 0 and pd.to_numeric(filled, errors="coerce").isna().mean() > 0.5

    return [name for name, column in zip(names, table.columns, strict=True)
            if mostly_text(table[column])]


def uploads_dir() -> Path:
    """The folder uploaded datasets are saved in.

    Returns
    -------
    pathlib.Path
        ``aecore.data.data_home() / "uploads"`` (not created here).
    """
    return data_home() / "uploads"


def save_upload(dataset: Dataset) -> Path:
    """Keep an uploaded dataset on this machine, to be reopened by ``load_dataset(dataset.key)``.

    Parameters
    ----------
    dataset : Dataset
        A dataset from :func:`read_upload` (its ``key`` is ``"upload-"`` + 12 hex digits).

    Returns
    -------
    pathlib.Path
        ``uploads_dir() / f"{dataset.key}.npz"``: an uncompressed ``.npz`` holding x_train,
        y_train, x_test, y_test, image_shape (empty for a table), name, source and
        class_names (text as NumPy unicode arrays, so it loads without pickle). It is written
        to a temporary file first, so a reader never sees half a file.

    Raises
    ------
    ValueError
        If ``dataset.key`` is not an upload key.
    OSError
        If the folder cannot be created or written.
    """
    if not UPLOAD_KEY.fullmatch(dataset.key):
        raise ValueError(f"Only uploaded datasets (key 'upload-…') are saved; got {dataset.key!r}.")
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{dataset.key}.npz"
    partial = folder / f".{dataset.key}.{os.getpid()}.partial"
    try:
        with open(partial, "wb") as file:
            np.savez(file, format=np.int64(_SAVE_FORMAT),
                     x_train=dataset.x_train, y_train=dataset.y_train,
                     x_test=dataset.x_test, y_test=dataset.y_test,
                     image_shape=np.asarray(dataset.image_shape or (), dtype=np.int64),
                     name=np.str_(dataset.name), source=np.str_(dataset.source),
                     class_names=np.asarray(dataset.class_names, dtype=np.str_))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def load_upload(key: str) -> Dataset:
    """An uploaded dataset saved by :func:`save_upload` (use :func:`aecore.data.load_dataset`,
    which caches it).

    Parameters
    ----------
    key : str
        ``"upload-"`` followed by 12 hex digits.

    Returns
    -------
    Dataset
        The dataset as it was saved, with ``key`` set.

    Raises
    ------
    ValueError
        If ``key`` is not an upload key.
    DatasetUnavailableError
        If the file is not in :func:`uploads_dir` or cannot be read.
    """
    with _saved(key) as saved:
        shape = tuple(int(side) for side in saved["image_shape"])
        return Dataset(saved["x_train"], saved["y_train"], saved["x_test"], saved["y_test"],
                       image_shape=shape if shape else None, name=str(saved["name"]),
                       source=str(saved["source"]), key=key,
                       class_names=tuple(str(c) for c in saved["class_names"]))


def saved_class_names(key: str) -> tuple[str, ...]:
    """The class names of an uploaded dataset saved by :func:`save_upload`, read without its
    data (an ``.npz`` member loads on its own); empty when its labels are their own names.
    Raises as :func:`load_upload` does."""
    with _saved(key) as saved:
        return tuple(str(c) for c in saved["class_names"])


@contextmanager
def _saved(key: str) -> Iterator[np.lib.npyio.NpzFile]:
    """The saved ``.npz`` of upload ``key``, open; errors as :func:`load_upload` raises them,
    also for a member missing or unreadable while it is read."""
    if not UPLOAD_KEY.fullmatch(key):
        raise ValueError(f"{key!r} is not the key of an uploaded dataset.")
    path = uploads_dir() / f"{key}.npz"
    if not path.is_file():
        raise DatasetUnavailableError(f"That uploaded dataset is not on this machine; {_AGAIN}")
    try:
        with np.load(path, allow_pickle=False) as saved:
            yield saved
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as err:
        raise DatasetUnavailableError(f"The saved copy of that uploaded dataset ({path}) cannot "
                                      f"be read; {_AGAIN}") from err


# ---------------------------------------------------------------------------------------------
# shared checks
# ---------------------------------------------------------------------------------------------

def _check_rows(n: int, where: str, what: str = "rows") -> None:
    if n == 0:
        raise _fail(f"{where} has no {what}; use one with at least {MIN_ROWS}.")
    if n == 1:
        raise _fail(f"{where} has only one {what[:-1]}; at least {MIN_ROWS} are needed to set "
                    "some aside for testing.")
    if n < MIN_ROWS:
        raise _fail(f"{where} has only {n} {what}; at least {MIN_ROWS} are needed to set some "
                    "aside for testing.")
    if n > MAX_ROWS:
        raise _fail(f"{where} has {n:,} {what}; this machine takes at most {MAX_ROWS:,}, so "
                    "use a sample of them.")


def _check_features(n_features: int, where: str, what: str) -> None:
    if n_features > MAX_FEATURES:
        raise _fail(f"{where} has {n_features:,} {what}; this machine takes at most "
                    f"{MAX_FEATURES:,} features (a 64×64 image), so use fewer.")


def _first(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


def _encode_labels(labels: np.ndarray | None, n: int,
                   where: str) -> tuple[np.ndarray, tuple[str, ...]]:
    """Labels 0 … k-1 in sorted order of the values, and the values' names."""
    if labels is None:
        return np.zeros(n, dtype=np.int64), ("all",)
    if labels.dtype.kind == "S":
        labels = np.char.decode(labels, "utf-8", errors="replace")
    if labels.dtype.kind in "fc" and not np.all(np.isfinite(labels)):
        raise _fail(f"label {_first(~np.isfinite(labels))[0] + 1} in {where} is missing or "
                    "infinite; give every sample a label.")
    if labels.dtype.kind == "f" and np.all(labels == np.round(labels)):
        labels = labels.astype(np.int64)
    encoder = LabelEncoder()
    y = encoder.fit_transform(labels).astype(np.int64)
    return y, tuple(str(c) for c in encoder.classes_)


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------

def _csv_text(content: bytes, where: str) -> str:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\0" in content:
        raise _fail(f"{where} is not a text CSV file (it may be a spreadsheet or binary file); "
                    "save it as CSV and upload that.")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("latin-1")  # e.g. a spreadsheet's Windows-1252 export


def _csv_layout(text: str, header: bool,
                where: str) -> tuple[list[str], str, list[int]]:
    """Column names, separator, and the file line of each non-blank record (header included).

    Checks what pandas would not name well: ragged lines, duplicate names, too many rows.
    """
    if not text.strip():
        raise _fail(f"{where} is empty; use a file with data in it.")
    lines = re.split(r"\r\n|\r|\n", text)
    first = next(line for line in lines if line.strip())
    sep = next((d for d in ",;\t" if d in first), ",")
    row_limit = MAX_ROWS + int(header)
    numbers: list[int] = []
    width = first_at = 0

    def check(fields: int, line: int) -> None:
        nonlocal width, first_at
        if not numbers:
            width, first_at = fields, line
        elif fields != width:
            raise _fail(f"line {line} of {where} has {fields} {_DELIMITER_NAMES[sep]}-separated "
                        f"value{'' if fields == 1 else 's'} but line {first_at} has {width}; "
                        "every line needs the same number of values.")
        numbers.append(line)
        if len(numbers) > row_limit:
            raise _fail(f"{where} has more than {MAX_ROWS:,} rows; this machine takes at most "
                        f"{MAX_ROWS:,}, so upload a sample of them.")

    head: list[str] = []
    if '"' not in text:  # no quoting: counting separators is exact and fast
        for number, line in enumerate(lines, start=1):
            if line.strip():
                check(line.count(sep) + 1, number)
        head = first.split(sep)
    else:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        try:
            for row in reader:
                if row and not (len(row) == 1 and not row[0].strip()):
                    check(len(row), reader.line_num)
                    head = head or row
        except csv.Error as err:
            raise _fail(f"{where} cannot be read as CSV near line {reader.line_num} (check its "
                        "quotes); save it again as CSV and upload that.") from err
    if header:
        names = [h.strip() or f"column {i}" for i, h in enumerate(head, start=1)]
    else:
        names = [f"column {i}" for i in range(1, len(head) + 1)]
    seen: set[str] = set()
    for column in names:
        if column in seen:
            raise _fail(f"two columns of {where} are both named {column!r}; give every column "
                        "its own name.")
        seen.add(column)
    return names, sep, numbers


def _read_csv(content: bytes, label_column: str | None, header: bool,
              where: str) -> tuple[np.ndarray, np.ndarray | None, None, str, str]:
    text = _csv_text(content, where)
    names, sep, lines = _csv_layout(text, header, where)
    if header:
        lines = lines[1:]
    _check_rows(len(lines), where)
    if label_column:
        if label_column not in names:
            raise _fail(f"there is no column {label_column!r} in {where}; its columns are "
                        f"{_names(names)}.")
    features = [c for c in names if c != label_column]
    if not features:
        raise _fail(f"{where} has no numeric columns, only the label column; add the features.")
    _check_features(len(features), where, "feature columns")
    try:
        table = pd.read_csv(io.StringIO(text), sep=sep, header=0 if header else None,
                            skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError, csv.Error) as err:
        raise _fail(f"{where} cannot be read as a CSV table; save it again as CSV and upload "
                    "that.") from err
    if table.shape != (len(lines), len(names)):  # pandas saw other rows than we counted
        raise _fail(f"{where} cannot be read as a CSV table (its rows are ambiguous); save it "
                    "again as CSV and upload that.")
    table.columns = names
    x = np.empty((len(table), len(features)), dtype=np.float64)
    non_numeric: list[tuple[str, int, str]] = []
    for j, column in enumerate(features):
        values = table[column]
        if pd.api.types.is_numeric_dtype(values):
            x[:, j] = values.to_numpy(dtype=np.float64, na_value=np.nan)
            continue
        numbers = pd.to_numeric(values, errors="coerce")
        bad = (numbers.isna() & values.notna()).to_numpy()
        if bad.any():
            row = int(np.argmax(bad))
            non_numeric.append((column, lines[row], str(values.iloc[row])))
        else:
            x[:, j] = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
    if not header and non_numeric and all(line == lines[0] for _, line, _ in non_numeric):
        raise _fail(f"the first line of {where} holds text such as {non_numeric[0][2]!r} where "
                    "the other lines hold numbers: if it names the columns, read the file with "
                    "its first row as the header.")
    if len(non_numeric) == len(features):
        raise _fail(f"{where} has no numeric columns; every column but the label column must "
                    "hold numbers.")
    if non_numeric:
        column, line, value = non_numeric[0]
        hint = (" (pick it as the label column or remove it)" if not label_column
                else " (remove it)")
        raise _fail(f"column {column!r} of {where} holds text such as {quoted(value)} on line "
                    f"{line}, but every column except the label column must hold numbers{hint}.")
    labels = None
    missing = np.isnan(x)
    if label_column:
        label_values = table[label_column]
        missing = np.column_stack([missing, label_values.isna().to_numpy()])
        features = [*features, label_column]
    if missing.any():
        row, col = _first(missing)
        raise _fail(f"row {row + 1} (line {lines[row]}) of {where} has an empty or missing value "
                    f"in column {features[col]!r}; fill it in or delete that row.")
    if np.isinf(x).any():
        row, col = _first(np.isinf(x))
        raise _fail(f"row {row + 1} (line {lines[row]}) of {where} has an infinite value in "
                    f"column {features[col]!r}; replace it with a finite number.")
    if label_column:
        labels = table[label_column].to_numpy()
        if labels.dtype == object or pd.api.types.is_string_dtype(labels.dtype):
            labels = labels.astype(np.str_)
    read_text = (f"{len(x):,} rows of {x.shape[1]:,} numeric column"
                 f"{'' if x.shape[1] == 1 else 's'} scaled min–max per feature to [0, 1]")
    return x, labels, None, read_text, f"column {label_column!r}"


# ---------------------------------------------------------------------------------------------
# npz
# ---------------------------------------------------------------------------------------------

def _npz_array(archive: np.lib.npyio.NpzFile, key: str, where: str) -> np.ndarray:
    try:
        return archive[key]
    except ValueError as err:  # allow_pickle=False refuses object arrays
        raise _fail(f"array {key} in {where} holds Python objects, which are not loaded for "
                    "safety; save it as an array of numbers (or of text, for labels).") from err
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as err:
        raise _fail(f"array {key} in {where} is damaged; save the arrays again with "
                    "numpy.savez and upload that.") from err


def _read_npz(content: bytes, where: str) -> tuple[np.ndarray, np.ndarray | None,
                                                   tuple[int, int] | None, str, str]:
    try:
        archive = np.load(io.BytesIO(content), allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as err:
        raise _fail(f"{where} is not a readable .npz file; save the arrays with "
                    "numpy.savez(file, x=samples, y=labels) and upload that.") from err
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise _fail(f"{where} holds a single .npy array, not named arrays; save it with "
                    "numpy.savez(file, x=samples, y=labels) and upload that.")
    with archive:
        if "x" not in archive.files:
            found = f"it has {_names(archive.files)}" if archive.files else "it has no arrays"
            raise _fail(f"{where} has no array named 'x' ({found}); save the samples as x, e.g. "
                        "numpy.savez(file, x=samples, y=labels).")
        x = _npz_array(archive, "x", where)
        y = _npz_array(archive, "y", where) if "y" in archive.files else None
    if x.ndim not in (2, 3):
        raise _fail(f"array x in {where} has shape {x.shape}, but it must be (samples, features) "
                    "for a table or (samples, height, width) for grey images.")
    if x.dtype.kind not in "biuf":
        raise _fail(f"array x in {where} holds {x.dtype} values; it must hold numbers.")
    _check_rows(len(x), where, "samples")
    _check_features(int(np.prod(x.shape[1:])), where,
                    "features" if x.ndim == 2 else f"pixels per image ({x.shape[2]}×{x.shape[1]})")
    if y is not None:
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        if y.ndim != 1 or len(y) != len(x):
            raise _fail(f"array y in {where} has shape {y.shape} but x has {len(x):,} samples; "
                        "give exactly one label per sample.")
        if y.dtype.kind not in "biufUS":
            raise _fail(f"array y in {where} holds {y.dtype} values; labels must be numbers or "
                        "text.")
    eight_bit = x.dtype == np.uint8
    x = x.astype(np.float64 if x.ndim == 2 else np.float32)  # tables are scaled in float64
    for bad, word in ((np.isnan(x), "missing (NaN)"), (np.isinf(x), "infinite")):
        if bad.any():
            at = _first(bad)
            place = (f"row {at[0] + 1}, column {at[1] + 1}" if x.ndim == 2
                     else f"image {at[0] + 1}, pixel row {at[1] + 1}, column {at[2] + 1}")
            raise _fail(f"array x in {where} has a {word} value at {place}; replace it with a "
                        "number.")
    flat = x.reshape(len(x), -1)
    labels_from = "array y"
    if x.ndim == 2:
        read_text = (f"array x of {len(x):,} rows × {x.shape[1]:,} columns scaled min–max per "
                     "feature to [0, 1]")
        return flat, y, None, read_text, labels_from
    height, width = x.shape[1:]
    low, high = float(flat.min()), float(flat.max())
    if eight_bit:
        flat, scaling = flat / 255.0, "8-bit values divided by 255"
    elif 0 <= low and high <= 1:
        scaling = "values in [0, 1] kept as they are"
    else:  # e.g. sklearn's digits (0–16): one scale for every pixel keeps images comparable
        flat = (flat - low) / (high - low) if high > low else np.zeros_like(flat)
        scaling = f"values from {low:g} to {high:g} scaled min–max over all pixels to [0, 1]"
    read_text = (f"array x of {len(x):,} grey images of {width}×{height} pixels ({scaling})")
    return flat, y, (int(height), int(width)), read_text, labels_from


# ---------------------------------------------------------------------------------------------
# zip of images
# ---------------------------------------------------------------------------------------------

def _is_image_entry(info: zipfile.ZipInfo) -> bool:
    parts = PurePosixPath(info.filename).parts
    return (not info.is_dir() and bool(parts) and parts[0] != "__MACOSX"
            and not any(part.startswith(".") for part in parts)
            and PurePosixPath(info.filename).suffix.lower() in IMAGE_EXTENSIONS)


def _read_zip(content: bytes, where: str) -> tuple[np.ndarray, np.ndarray | None,
                                                   tuple[int, int] | None, str, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise _fail(f"{where} is not a readable zip file; zip the images again and upload "
                    "that.") from err
    with archive:
        entries = sorted((i for i in archive.infolist() if _is_image_entry(i)),
                         key=lambda i: i.filename)
        if not entries:
            raise _fail(f"{where} holds no PNG or JPEG images; zip the images themselves, "
                        "optionally in one folder per label.")
        _check_rows(len(entries), where, "images")
        folders = [PurePosixPath(i.filename).parent.parts for i in entries]
        # folders that hold everything (e.g. the zipped folder itself) are not labels
        common = len(os.path.commonprefix(folders))
        label_folders = [f[common] if len(f) > common else None for f in folders]
        at_root = [i.filename for i, f in zip(entries, label_folders, strict=True) if f is None]
        if at_root and len(at_root) < len(entries):
            raise _fail(f"{where} has images both in folders and outside them (e.g. "
                        f"{at_root[0]!r}); put every image in a label folder, or none.")
        pixels: list[np.ndarray] = []
        colour = False
        for info in entries:
            if info.file_size > MAX_IMAGE_FILE_BYTES:
                raise _fail(f"the image {info.filename!r} in {where} is over "
                            f"{MAX_IMAGE_FILE_BYTES // 2**20} MB; use smaller images.")
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, RuntimeError, NotImplementedError, OSError,
                    EOFError) as err:
                raise _fail(f"{info.filename!r} in {where} cannot be unpacked (the zip may be "
                            "damaged or password-protected); zip the images again.") from err
            try:
                grey, in_colour = read_grey_image(data)
            except ValueError as err:
                reason = str(err).rstrip(".")
                raise _fail(f"the image {info.filename!r} in {where} cannot be used: "
                            f"{reason[:1].lower() + reason[1:]}.") from err
            if not pixels:
                _check_features(grey.size, where,
                                f"pixels per image ({grey.shape[1]}×{grey.shape[0]})")
            elif grey.shape != pixels[0].shape:
                (h0, w0), (h, w) = pixels[0].shape, grey.shape
                raise _fail(f"the images in {where} differ in size: {entries[0].filename!r} is "
                            f"{w0}×{h0} pixels but {info.filename!r} is {w}×{h}; resize them "
                            "all to one size.")
            colour |= in_colour
            pixels.append(grey)
    height, width = pixels[0].shape
    x = np.stack(pixels).reshape(len(pixels), -1)
    labels = None if at_root else np.asarray(label_folders, dtype=np.str_)
    read_text = (f"{len(x):,} PNG/JPEG images of {width}×{height} pixels read as grey"
                 f"{' (colour images converted to grey)' if colour else ''} and divided by 255")
    return x, labels, (int(height), int(width)), read_text, "folders"
