"""The IDX reader and writer: parsing, every validation error, and a property test."""

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mnistnn.errors import IdxError
from mnistnn.idx import (
    IDX_TYPES,
    MAX_FILE_BYTES,
    MNIST_SHAPES,
    encode_idx,
    load_mnist,
    parse_idx,
    read_idx,
)


def header(type_code: int, *dims: int) -> bytes:
    """An IDX header written by hand, independently of :func:`encode_idx`."""
    return bytes([0, 0, type_code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)


def test_parse_unsigned_bytes():
    data = header(0x08, 2, 3) + bytes(range(250, 256))
    array = parse_idx(data)
    assert array.dtype == np.uint8
    np.testing.assert_array_equal(array, [[250, 251, 252], [253, 254, 255]])


def test_parse_is_big_endian():
    data = header(0x0B, 2) + bytes([0x01, 0x02, 0xFF, 0xFE])
    np.testing.assert_array_equal(parse_idx(data), [258, -2])
    data = header(0x0D, 1) + struct.pack(">f", 1.5)
    np.testing.assert_array_equal(parse_idx(data), [1.5])


#: The IDX format's type codes (LeCun's page), each with one value written by hand, big-endian.
SPEC_TYPES = [
    (0x08, np.uint8, bytes([200]), 200),
    (0x09, np.int8, bytes([0xFE]), -2),
    (0x0B, np.int16, struct.pack(">h", -300), -300),
    (0x0C, np.int32, struct.pack(">i", -70000), -70000),
    (0x0D, np.float32, struct.pack(">f", 0.25), 0.25),
    (0x0E, np.float64, struct.pack(">d", -1e300), -1e300),
]


@pytest.mark.parametrize(("code", "dtype", "data", "value"), SPEC_TYPES)
def test_every_type_code_of_the_format_is_read_and_written(code, dtype, data, value):
    array = parse_idx(header(code, 1) + data)
    assert array.dtype == dtype and array.tolist() == [value]
    assert encode_idx(np.array([value], dtype=dtype)) == header(code, 1) + data
    assert sorted(IDX_TYPES) == [code for code, *_ in SPEC_TYPES]


def test_an_unnamed_buffer_is_called_bytes_in_messages():
    with pytest.raises(IdxError, match="^<bytes>: 0 bytes is too short"):
        parse_idx(b"")


#: The byte sizes of the four published MNIST files (after gunzip).
MNIST_FILE_BYTES = {
    "train-images-idx3-ubyte": 47_040_016,
    "train-labels-idx1-ubyte": 60_008,
    "t10k-images-idx3-ubyte": 7_840_016,
    "t10k-labels-idx1-ubyte": 10_008,
}


def test_the_mnist_shapes_are_the_published_files_and_the_size_limit_admits_them():
    """A header of 4 + 4 x dimensions bytes, then one byte per pixel or label."""
    sizes = {name: 4 + 4 * len(shape) + np.prod(shape) for name, shape in MNIST_SHAPES.items()}
    assert sizes == MNIST_FILE_BYTES
    largest = max(sizes.values())
    assert largest < MAX_FILE_BYTES < 4 * largest


def test_parse_empty_dimension():
    assert parse_idx(header(0x08, 0, 28, 28)).shape == (0, 28, 28)


@pytest.mark.parametrize("type_code", sorted(IDX_TYPES))
def test_round_trip(type_code):
    rng = np.random.default_rng(type_code)
    dtype = IDX_TYPES[type_code].newbyteorder("=")
    array = (rng.normal(size=(3, 4, 5)) * 100).astype(dtype)
    data = encode_idx(array)
    assert data[:4] == bytes([0, 0, type_code, 3])
    parsed = parse_idx(data)
    assert parsed.dtype == dtype
    np.testing.assert_array_equal(parsed, array)


ZEROS = "(an IDX file starts with two zero bytes)"
TWO = "dimensions [2]"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"\x00\x00\x08", "3 bytes is too short for an IDX header"),
        (b"\x1f\x8b\x08\x00" + bytes(8), f"bad magic number 0x1f8b0800 {ZEROS}"),
        (b"\x00\x01\x08\x01" + bytes(5), f"bad magic number 0x00010801 {ZEROS}"),
        (b"\x01\x00\x08\x01" + bytes(5), f"bad magic number 0x01000801 {ZEROS}"),
        (header(0x0A, 1) + b"\x00", "unknown IDX type code 0x0a"),
        (bytes([0, 0, 8, 0]), "IDX header declares zero dimensions"),
        (
            header(0x08, 60000, 28, 28)[:12],
            "truncated header: 3 dimensions need 16 bytes, file has 12",
        ),
        (header(0x08, 2, 3) + bytes(5), "truncated: dimensions [2, 3] need 18 bytes, file has 17"),
        (
            header(0x0C, 2) + bytes(9),
            "has trailing bytes: dimensions [2] need 16 bytes, file has 17",
        ),
        # 65536 ** 4 wraps to 0 in int64: the size must be computed without overflow
        (
            header(0x08, *[2**16] * 4),
            "truncated: dimensions [65536, 65536, 65536, 65536] need "
            "18446744073709551636 bytes, file has 20",
        ),
    ],
    ids=[
        "short",
        "magic",
        "magic-second-byte",
        "magic-first-byte",
        "type",
        "no-dims",
        "short-header",
        "truncated",
        "trailing",
        "overflow",
    ],
)
def test_parse_errors_name_the_file_and_problem(data, problem):
    with pytest.raises(IdxError) as error:
        parse_idx(data, name="labels.idx")
    assert str(error.value) == f"labels.idx: {problem}"


@pytest.mark.parametrize("array", [np.zeros(3, dtype=bool), np.zeros(3, dtype=np.uint16)])
def test_encode_refuses_types_idx_lacks(array):
    with pytest.raises(IdxError) as error:
        encode_idx(array)
    assert str(error.value) == f"dtype {array.dtype} has no IDX type code"


def test_encode_refuses_zero_dimensions():
    with pytest.raises(IdxError) as error:
        encode_idx(np.uint8(3))
    assert str(error.value) == (
        "a 0-dimensional array cannot be written as IDX (it needs a dimension)"
    )


def test_read_idx_checks_shape(tmp_path):
    path = tmp_path / "x-idx1-ubyte"
    path.write_bytes(encode_idx(np.arange(5, dtype=np.uint8)))
    np.testing.assert_array_equal(read_idx(path, expected_shape=(5,)), np.arange(5))
    with pytest.raises(IdxError) as error:
        read_idx(path, expected_shape=(6,))
    assert str(error.value) == f"{path}: shape [5], expected [6]"


def test_read_idx_reads_a_file_of_exactly_the_size_limit_and_refuses_a_larger_one(
    tmp_path, monkeypatch
):
    import mnistnn.idx

    path = tmp_path / "x-idx1-ubyte"
    path.write_bytes(encode_idx(np.arange(5, dtype=np.uint8)))
    monkeypatch.setattr(mnistnn.idx, "MAX_FILE_BYTES", 13)  # the file's size
    np.testing.assert_array_equal(read_idx(path), np.arange(5))
    monkeypatch.setattr(mnistnn.idx, "MAX_FILE_BYTES", 12)
    with pytest.raises(IdxError) as error:
        read_idx(path)
    assert str(error.value) == (
        f"{path}: 13 bytes, larger than any MNIST file (limit 12 bytes); refusing to read it"
    )


def test_read_idx_missing_file(tmp_path):
    with pytest.raises(IdxError) as error:
        read_idx(tmp_path / "nothing-here")
    assert (
        str(error.value) == f"{tmp_path / 'nothing-here'}: cannot read: No such file or directory"
    )


def write_split(folder, images, labels, split="train"):
    folder.mkdir(exist_ok=True)
    (folder / f"{split}-images-idx3-ubyte").write_bytes(encode_idx(images))
    (folder / f"{split}-labels-idx1-ubyte").write_bytes(encode_idx(labels))


def test_load_mnist(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=7, dtype=np.uint8)
    write_split(tmp_path, images, labels, split="t10k")
    loaded_images, loaded_labels = load_mnist(tmp_path, "t10k")
    assert loaded_images.shape == (7, 784) and loaded_images.dtype == np.uint8
    np.testing.assert_array_equal(loaded_images[3], images[3].ravel())
    np.testing.assert_array_equal(loaded_labels, labels)


IMAGES_28 = "expected uint8 images of 28 x 28, got"
U8 = np.uint8


@pytest.mark.parametrize(
    ("images", "labels", "bad_file", "problem"),
    [
        (np.zeros((4, 28, 27), U8), np.zeros(4, U8), "images", f"{IMAGES_28} uint8 [4, 28, 27]"),
        (np.zeros((4, 784), U8), np.zeros(4, U8), "images", f"{IMAGES_28} uint8 [4, 784]"),
        (
            np.zeros((4, 28, 28), np.float32),
            np.zeros(4, U8),
            "images",
            f"{IMAGES_28} float32 [4, 28, 28]",
        ),
        (
            np.zeros((4, 28, 28), U8),
            np.zeros(5, U8),
            "labels",
            "expected 4 uint8 labels, got uint8 [5]",
        ),
        (
            np.zeros((4, 28, 28), U8),
            np.zeros(4, np.int32),
            "labels",
            "expected 4 uint8 labels, got int32 [4]",
        ),
        (
            np.zeros((4, 28, 28), U8),
            np.array([0, 9, 10, 3], U8),
            "labels",
            "label 10 is not a digit",
        ),
    ],
)
def test_load_mnist_errors(tmp_path, images, labels, bad_file, problem):
    write_split(tmp_path, images, labels)
    with pytest.raises(IdxError) as error:
        load_mnist(tmp_path, "train")
    ubyte = "idx3-ubyte" if bad_file == "images" else "idx1-ubyte"
    assert str(error.value) == f"{tmp_path}/train-{bad_file}-{ubyte}: {problem}"


def test_load_mnist_missing_file(tmp_path):
    write_split(tmp_path, np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8))
    (tmp_path / "train-labels-idx1-ubyte").unlink()
    with pytest.raises(IdxError, match="train-labels-idx1-ubyte: cannot read"):
        load_mnist(tmp_path, "train")


@st.composite
def idx_like_bytes(draw) -> bytes:
    """Bytes that look like IDX: a plausible header, then a payload of about the right size."""
    type_code = draw(st.sampled_from([*IDX_TYPES, 0x00, 0x0A]))
    dims = draw(st.lists(st.integers(0, 5), min_size=0, max_size=4))
    size = int(np.prod(dims)) * IDX_TYPES.get(type_code, np.dtype("u1")).itemsize
    payload = draw(st.binary(min_size=max(0, size - 2), max_size=size + 2))
    head = bytes([0, 0, type_code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)
    return head[: draw(st.integers(0, len(head)))] if draw(st.booleans()) else head + payload


@given(st.one_of(st.binary(max_size=64), idx_like_bytes()))
def test_arbitrary_bytes_parse_or_raise_idx_error(data):
    try:
        array = parse_idx(data)
    except IdxError:
        return
    assert isinstance(array, np.ndarray) and array.ndim == data[3]
    # whatever parses is valid IDX: writing it back gives the same bytes
    assert encode_idx(array) == data
