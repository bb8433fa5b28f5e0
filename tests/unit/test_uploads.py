import io
import zipfile

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from aecore import uploads
from aecore.data import DatasetUnavailableError, load_dataset
from aecore.uploads import (
    MAX_FEATURES,
    MAX_ROWS,
    UploadError,
    csv_columns,
    read_upload,
    save_upload,
    upload_key,
    uploads_dir,
)

SPECIES = ["setosa", "versicolor", "virginica"]


def csv_bytes(frame: pd.DataFrame, header: bool = True) -> bytes:
    return frame.to_csv(index=False, header=header).encode()


def npz_bytes(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def image_bytes(pixels: np.ndarray, fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format=fmt)
    return buffer.getvalue()


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def iris_like():
    """50 rows: 'row' identifies a row after scaling (i / 49), 'width' is random, 'flat' is
    constant, 'species' is text in three classes."""
    rng = np.random.default_rng(0)
    return pd.DataFrame({"row": np.arange(50), "width": rng.normal(3, 1, 50).round(3),
                         "flat": 7.0, "species": [SPECIES[i % 3] for i in range(50)]})


def all_rows(data):
    return np.vstack([data.x_train, data.x_test]), np.concatenate([data.y_train, data.y_test])


def one_sentence(message: str) -> bool:
    return (message[0].isupper() and message.endswith(".")
            and ". " not in message.replace("e.g. ", "") and "\n" not in message)


# --- good files --------------------------------------------------------------------------------

def test_csv_with_header_and_text_labels(iris_like):
    data = read_upload("iris.csv", csv_bytes(iris_like), label_column="species")
    x, y = all_rows(data)
    assert data.image_shape is None and not data.is_image
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert (len(data.x_train), len(data.x_test)) == (40, 10) and data.input_dim == 3
    np.testing.assert_allclose(x[:, :2].min(axis=0), 0.0)
    np.testing.assert_allclose(x[:, :2].max(axis=0), 1.0)
    assert np.all(x[:, 2] == 0.0)  # a constant column becomes 0
    assert data.class_names == tuple(SPECIES)
    rows = np.rint(x[:, 0] * 49).astype(int)  # 'row' scaled min–max
    assert [data.class_names[label] for label in y] == list(iris_like["species"].iloc[rows])
    np.testing.assert_allclose(x[:, 1], (iris_like["width"].iloc[rows] - iris_like["width"].min())
                               / np.ptp(iris_like["width"]), atol=1e-6)
    assert sorted(np.bincount(data.y_test)) == [3, 3, 4]  # stratified: 10 of 17/17/16
    assert data.key == upload_key(csv_bytes(iris_like), "species")
    assert data.key.startswith("upload-") and len(data.key) == 19
    assert data.name == "iris.csv"
    assert data.source == ("your file iris.csv: 50 rows of 3 numeric columns scaled min–max per "
                           "feature to [0, 1], labels from column 'species' (3 classes)")


def test_csv_without_header_names_columns_by_position(iris_like):
    content = csv_bytes(iris_like, header=False)
    assert csv_columns(content, header=False) == ["column 1", "column 2", "column 3", "column 4"]
    assert csv_columns(csv_bytes(iris_like)) == ["row", "width", "flat", "species"]
    data = read_upload("iris.csv", content, label_column="column 4", header=False)
    assert data.class_names == tuple(SPECIES) and data.input_dim == 3
    assert data.key == upload_key(content, "column 4", header=False)
    assert len({data.key, upload_key(content), upload_key(content, "column 4"),
                upload_key(content, None, header=False)}) == 4


def test_csv_without_labels_and_numeric_labels_sort_as_numbers():
    frame = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) ** 2})
    unlabelled = read_upload("plain.csv", csv_bytes(frame))
    assert unlabelled.class_names == ("all",) and set(unlabelled.y_train) == {0}
    assert unlabelled.source.endswith("no labels") and unlabelled.input_dim == 2
    frame["grade"] = [10, 9, 2, 9] * 5
    graded = read_upload("graded.csv", csv_bytes(frame), label_column="grade")
    assert graded.class_names == ("2", "9", "10")


def test_semicolon_csv_and_a_class_of_one_row_falls_back_to_a_plain_split():
    content = "a;b;kind\n" + "".join(f"{i};{i % 4};{'rare' if i == 0 else 'common'}\n"
                                     for i in range(10))
    data = read_upload("semi.csv", content.encode(), label_column="kind")
    assert data.class_names == ("common", "rare")
    assert (len(data.x_train), len(data.x_test)) == (8, 2)


def test_npz_table_is_scaled_per_feature():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 4)) * [1, 10, 100, 1000]
    data = read_upload("table.npz", npz_bytes(x=x, y=np.array(["b", "a"] * 15)))
    features, labels = all_rows(data)
    assert data.image_shape is None and data.class_names == ("a", "b")
    np.testing.assert_allclose(features.min(axis=0), 0.0)
    np.testing.assert_allclose(features.max(axis=0), 1.0)
    assert np.bincount(labels).tolist() == [15, 15]


def test_npz_images_in_another_range_are_scaled_over_all_pixels():
    """scikit-learn's digits hold 0–16: dividing by 255 would leave them nearly black."""
    x = np.random.default_rng(3).integers(0, 17, size=(20, 8, 8)).astype(float)
    x[0, 0, 0], x[0, 0, 1] = 0, 16
    data = read_upload("digits.npz", npz_bytes(x=x))
    flat = np.sort(np.vstack([data.x_train, data.x_test]), axis=0)
    np.testing.assert_allclose(flat, np.sort(x.reshape(20, -1) / 16, axis=0), atol=1e-6)
    assert "values from 0 to 16 scaled min–max over all pixels" in data.source


def test_npz_uint8_images_are_divided_by_255():
    x = np.random.default_rng(2).integers(0, 256, size=(20, 6, 7), dtype=np.uint8)
    x[0, 0, 0], x[0, 0, 1] = 0, 255
    data = read_upload("faces.npz", npz_bytes(x=x))
    assert data.image_shape == (6, 7) and data.is_image and data.input_dim == 42
    assert data.class_names == ("all",)
    flat = np.sort(all_rows(data)[0], axis=0)
    np.testing.assert_allclose(flat, np.sort(x.reshape(20, -1) / 255.0, axis=0), atol=1e-7)
    assert "divided by 255" in data.source


def test_npz_float_images_in_unit_range_are_kept():
    x = np.random.default_rng(3).uniform(0.2, 0.6, size=(10, 4, 4)).astype(np.float32)
    data = read_upload("soft.npz", npz_bytes(x=x, y=np.arange(10) % 2))
    np.testing.assert_array_equal(np.sort(all_rows(data)[0], axis=0),
                                  np.sort(x.reshape(10, -1), axis=0))


def test_zip_with_label_folders_of_png():
    rng = np.random.default_rng(4)
    files, expected = {}, {}
    for label in ("dogs", "cats"):
        for i in range(6):
            pixels = rng.integers(0, 256, size=(8, 8), dtype=np.uint8)
            files[f"pets/{label}/{i}.png"] = image_bytes(pixels)
            expected[pixels.tobytes()] = label
    files["__MACOSX/pets/cats/._0.png"] = b"resource fork"
    files["pets/cats/.DS_Store"] = b"junk"
    files["pets/readme.txt"] = b"not an image"
    data = read_upload("pets.zip", zip_bytes(files))
    assert data.image_shape == (8, 8) and data.class_names == ("cats", "dogs")
    x, y = all_rows(data)
    assert len(x) == 12 and np.bincount(y).tolist() == [6, 6]
    for row, label in zip(x, y, strict=True):
        key = np.rint(row * 255).astype(np.uint8).tobytes()
        assert expected[key] == data.class_names[label]
    assert "colour" not in data.source and "labels from folders (2 classes)" in data.source


def test_zip_of_colour_jpegs_at_the_root_has_no_labels():
    rng = np.random.default_rng(5)
    files = {f"photo{i}.JPG": image_bytes(rng.integers(0, 256, (9, 12, 3), dtype=np.uint8),
                                          "JPEG") for i in range(5)}
    data = read_upload("photos.zip", zip_bytes(files))
    assert data.image_shape == (9, 12) and data.class_names == ("all",)
    assert "colour images converted to grey" in data.source
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0


# --- bad files ---------------------------------------------------------------------------------

def make_table(rows: int = 10, columns: int = 2) -> str:
    header = ",".join(f"f{j}" for j in range(columns))
    return header + "\n" + "".join(
        ",".join(str(i + j) for j in range(columns)) + "\n" for i in range(rows))


GOOD_PNG = image_bytes(np.zeros((8, 8), dtype=np.uint8))
BAD_FILES = {
    "unknown extension": ("notes.txt", b"1,2\n", None,
                          "the lab reads; use a .csv table, a .npz file"),
    "empty csv": ("empty.csv", b"", None, "is empty"),
    "blank csv": ("blank.csv", b"\n \n", None, "is empty"),
    "empty npz": ("empty.npz", b"", None, "is empty"),
    "binary csv": ("sheet.csv", b"PK\x03\x04\x00\x00junk", None, "not a text CSV"),
    "no numeric columns": ("words.csv", b"a,b\n" + b"x,y\n" * 6, None, "no numeric columns"),
    "only a label column": ("lab.csv", b"a\n" + b"x\n" * 6, "a", "no numeric columns"),
    "text feature": ("mixed.csv", b"size,colour\n" + b"1,red\n" * 6, None,
                     "column 'colour' of the file mixed.csv holds text such as 'red' on line 2"),
    "ragged": ("ragged.csv", b"a,b\n1,2\n3,4,5\n6,7\n", None,
               "line 3 of the file ragged.csv has 3 comma-separated values but line 1 has 2"),
    "ragged short": ("short.csv", b"a,b\n1,2\n3\n6,7\n", None, "line 3"),
    "ragged quoted": ("q.csv", b'a,b\n"1",2\n"3",4,5\n', None, "line 3"),
    "empty cell": ("holes.csv", b"a,b\n1,2\n3,\n5,6\n7,8\n9,1\n", None,
                   "row 2 (line 3) of the file holes.csv has an empty or missing value in "
                   "column 'b'"),
    "missing label": ("nolab.csv", b"a,b\n1,x\n3,y\n5,\n7,x\n9,y\n", "b",
                      "row 3 (line 4) of the file nolab.csv has an empty or missing value in "
                      "column 'b'"),
    "infinite": ("inf.csv", b"a,b\n1,2\n3,4\n5,inf\n7,8\n9,1\n", None,
                 "infinite value in column 'b'"),
    "one row": ("one.csv", b"a,b\n1,2\n", None, "only one row"),
    "header only": ("head.csv", b"a,b\n", None, "has no rows"),
    "too few rows": ("few.csv", b"a,b\n1,2\n3,4\n5,6\n", None, "only 3 rows; at least 5"),
    "unknown label column": ("iris.csv", make_table().encode(), "species",
                             "no column 'species' in the file iris.csv; its columns are 'f0', "
                             "'f1'"),
    "duplicate names": ("dup.csv", b"a,a\n" + b"1,2\n" * 6, None, "both named 'a'"),
    "too many columns": ("wide.csv", make_table(6, MAX_FEATURES + 1).encode(), None,
                         "4,097 feature columns; this machine takes at most 4,096"),
    "too many rows": ("long.csv", b"a\n" + b"1\n" * (MAX_ROWS + 1), None,
                      "more than 60,000 rows"),
    "not an npz": ("fake.npz", b"hello there", None, "not a readable .npz"),
    "npz single array": ("one.npz", npy_bytes(np.zeros((6, 2))), None, "single .npy array"),
    "npz without x": ("arrays.npz", npz_bytes(a=np.zeros((6, 2)), b=np.zeros(6)), None,
                      "no array named 'x' (it has 'a', 'b')"),
    "npz objects": ("obj.npz", npz_bytes(x=np.array([{"a": 1}] * 6, dtype=object)), None,
                    "Python objects"),
    "npz y length": ("y.npz", npz_bytes(x=np.zeros((6, 2)), y=np.zeros(5)), None,
                     "one label per sample"),
    "npz x 1-D": ("flat.npz", npz_bytes(x=np.zeros(6)), None, "(samples, height, width)"),
    "npz x 4-D": ("rgb.npz", npz_bytes(x=np.zeros((6, 4, 4, 3))), None,
                  "(samples, height, width)"),
    "npz nan": ("nan.npz", npz_bytes(x=np.array([[0.0, 1], [2, np.nan]] * 3)), None,
                "missing (NaN) value at row 2, column 2"),
    "npz too many pixels": ("big.npz", npz_bytes(x=np.zeros((6, 65, 64), dtype=np.uint8)),
                            None, "4,160 pixels per image (64×65)"),
    "npz too many rows": ("rows.npz", npz_bytes(x=np.zeros((MAX_ROWS + 1, 1), np.uint8)),
                          None, "60,001 samples"),
    "not a zip": ("fake.zip", b"hello there", None, "not a readable zip"),
    "zip without images": ("docs.zip", zip_bytes({"a.txt": b"hi", "b/c.csv": b"1,2"}), None,
                           "no PNG or JPEG images"),
    "zip with a corrupt image": ("bad.zip", zip_bytes({f"{i}.png": GOOD_PNG for i in range(5)}
                                                      | {"broken.png": b"\x89PNG nope"}), None,
                                 "the image 'broken.png' in the file bad.zip cannot be used"),
    "zip mixed sizes": ("sizes.zip", zip_bytes(
        {"a.png": GOOD_PNG, "b.png": GOOD_PNG,
         "c.png": image_bytes(np.zeros((10, 12), dtype=np.uint8)),
         "d.png": GOOD_PNG, "e.png": GOOD_PNG}), None,
        "differ in size: 'a.png' is 8×8 pixels but 'c.png' is 12×10"),
    "zip root and folders": ("mess.zip", zip_bytes(
        {"a.png": GOOD_PNG, **{f"cats/{i}.png": GOOD_PNG for i in range(5)}}), None,
        "both in folders and outside them"),
    "zip too few images": ("two.zip", zip_bytes({"a.png": GOOD_PNG, "b.png": GOOD_PNG}), None,
                           "only 2 images"),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_raise_one_clear_sentence(case):
    name, content, label_column, phrase = BAD_FILES[case]
    with pytest.raises(UploadError) as caught:
        read_upload(name, content, label_column=label_column)
    message = str(caught.value)
    assert phrase.lower() in message.lower(), message
    assert one_sentence(message), message
    for raw in ("Error tokenizing", "C error", "Traceback", "allow_pickle", "dtype('O')"):
        assert raw not in message


def test_upload_error_is_a_value_error():
    assert issubclass(UploadError, ValueError)


def test_csv_columns_raises_like_read_upload():
    with pytest.raises(UploadError, match="same number of values"):
        csv_columns(b"a,b\n1,2,3\n")
    with pytest.raises(UploadError, match="is empty"):
        csv_columns(b"")


# --- saving and reopening ----------------------------------------------------------------------

@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("AECORE_HOME", str(tmp_path))
    load_dataset.cache_clear()
    yield tmp_path
    load_dataset.cache_clear()


@pytest.mark.parametrize("kind", ["table", "images"])
def test_saved_upload_reopens_identically(home, iris_like, kind):
    if kind == "table":
        data = read_upload("iris.csv", csv_bytes(iris_like), label_column="species")
    else:
        x = np.random.default_rng(6).integers(0, 256, size=(12, 5, 3), dtype=np.uint8)
        data = read_upload("tiles.npz", npz_bytes(x=x, y=np.arange(12) % 3))
    path = save_upload(data)
    assert path == home / "uploads" / f"{data.key}.npz" == uploads_dir() / f"{data.key}.npz"
    assert not [p for p in path.parent.iterdir() if p != path]  # no temporary file left
    reopened = load_dataset(data.key)
    for field in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(getattr(reopened, field), getattr(data, field))
        assert getattr(reopened, field).dtype == getattr(data, field).dtype
    for field in ("image_shape", "name", "source", "key", "class_names", "drawn_as_ink"):
        assert getattr(reopened, field) == getattr(data, field)
    assert data.drawn_as_ink == (kind == "table")  # uploaded images are drawn as files are
    assert load_dataset("digits").drawn_as_ink
    with np.load(path, allow_pickle=False) as saved:  # no pickled objects inside
        assert saved["class_names"].dtype.kind == "U"


def test_missing_upload_says_to_upload_again(home):
    with pytest.raises(DatasetUnavailableError, match="upload the file again"):
        load_dataset("upload-0123456789ab")


def test_save_refuses_builtin_datasets(home, digits):
    with pytest.raises(ValueError, match="upload"):
        save_upload(digits)


def test_uploads_dir_follows_aecore_home(home):
    assert uploads.uploads_dir() == home / "uploads"


@pytest.mark.parametrize(("columns", "expected"), [
    (["a", "b", "label"], "label"), (["Class ", "x1"], "Class "), (["f1", "Target"], "Target"),
    (["f1", "y", "label"], "label"), (["f1", "labelled", "classes"], None), ([], None),
    (["Label", "label"], "Label")])
def test_likely_label_column_prefers_label_then_class_target_y_ignoring_case(columns, expected):
    assert uploads.likely_label_column(columns) == expected


@pytest.mark.parametrize(("csv_text", "expected"), [
    ("a,cultivar,b\n1,Barolo,2\n3,Barbera,4\n", "cultivar"),  # the one text column
    ("name,kind,b\nx,u,2\ny,v,4\n", None),  # two: which one is not clear
    ("kind,label\nu,1\nv,2\n", "label"),  # a usual name first
    ("1,x\n2,y\n", "column 2"),  # no header
    ("a,b\n1,2\n", None),
    ("a,b\n1,2\n3,x\n5,6\n7,8\n", None)])  # a stray word in a column of numbers: an error
def test_the_only_text_column_is_the_likely_label_column(csv_text, expected):
    content = csv_text.encode()
    header = not csv_text.startswith("1,")
    assert uploads.likely_label_column(uploads.csv_columns(content, header),
                                       uploads.text_columns(content, header)) == expected


def test_text_columns_of_a_file_that_is_no_table_are_none():
    assert uploads.text_columns(b"a,b\n1,2,3\n") == []


def test_a_header_read_as_data_is_pointed_out_in_one_sentence():
    content = b"width,height\n" + b"1,2\n" * 6
    with pytest.raises(UploadError) as caught:
        read_upload("sizes.csv", content, header=False)
    assert str(caught.value) == (
        "The first line of the file sizes.csv holds text such as 'width' where the other "
        "lines hold numbers: if it names the columns, read the file with its first row as the "
        "header.")
