"""Reading and writing IDX files, the format MNIST is published in.

An IDX file is a 4-byte magic number ``0x00 0x00 <type> <ndim>``, then
``ndim`` big-endian uint32 dimensions, then the data in C order.  MNIST uses
type 0x08 (unsigned byte): images are ``(n, 28, 28)`` and labels ``(n,)``.
"""

import math
import os
import struct
from pathlib import Path

import numpy as np

from mnistnn.errors import IdxError
from mnistnn.files import open_regular, size

#: IDX type code -> big-endian numpy dtype
IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}

#: The four MNIST files, and the shape each must have.
MNIST_SHAPES = {
    "train-images-idx3-ubyte": (60000, 28, 28),
    "train-labels-idx1-ubyte": (60000,),
    "t10k-images-idx3-ubyte": (10000, 28, 28),
    "t10k-labels-idx1-ubyte": (10000,),
}


#: Refuse any file larger than this before reading it whole (the largest
#: MNIST file, train-images, is 47 MB).
MAX_FILE_BYTES = 100 * 1024**2


def parse_idx(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse the bytes of an IDX file into an array of its native dtype.

    ``name`` is used in error messages only.  Raises :class:`IdxError` when the
    magic number, type code, dimensions or size are wrong.
    """
    if len(data) < 4:
        raise IdxError(f"{name}: {len(data)} bytes is too short for an IDX header")
    zero1, zero2, type_code, ndim = data[0], data[1], data[2], data[3]
    if zero1 != 0 or zero2 != 0:
        raise IdxError(
            f"{name}: bad magic number 0x{data[:4].hex()} (an IDX file starts with two zero bytes)"
        )
    if type_code not in IDX_TYPES:
        raise IdxError(f"{name}: unknown IDX type code 0x{type_code:02x}")
    if ndim == 0:
        raise IdxError(f"{name}: IDX header declares zero dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise IdxError(
            f"{name}: truncated header: {ndim} dimensions need {header_size} bytes, "
            f"file has {len(data)}"
        )
    shape = struct.unpack(f">{ndim}I", data[4:header_size])
    dtype = IDX_TYPES[type_code]
    # math.prod, not np.prod: a forged header's dimensions must not overflow int64
    expected = header_size + math.prod(shape) * dtype.itemsize
    if len(data) != expected:
        problem = "truncated" if len(data) < expected else "has trailing bytes"
        raise IdxError(
            f"{name}: {problem}: dimensions {list(shape)} need {expected} bytes, "
            f"file has {len(data)}"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))


def read_idx(path: str | os.PathLike, expected_shape: tuple[int, ...] | None = None) -> np.ndarray:
    """Read an IDX file; check its shape against ``expected_shape`` when given.

    Only a regular file of at most :data:`MAX_FILE_BYTES` is read.
    """
    path = Path(path)
    try:
        with open_regular(path, IdxError) as handle:
            if size(handle) > MAX_FILE_BYTES:
                raise IdxError(
                    f"{path}: {size(handle)} bytes, larger than any MNIST file "
                    f"(limit {MAX_FILE_BYTES} bytes); refusing to read it"
                )
            data = handle.read(MAX_FILE_BYTES)
    except OSError as error:
        raise IdxError(f"{path}: cannot read: {error.strerror}") from error
    array = parse_idx(data, name=str(path))
    if expected_shape is not None and array.shape != tuple(expected_shape):
        raise IdxError(f"{path}: shape {list(array.shape)}, expected {list(expected_shape)}")
    return array


def encode_idx(array: np.ndarray) -> bytes:
    """Encode an array as IDX bytes (the inverse of :func:`parse_idx`)."""
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
    native = array.dtype.newbyteorder("=")
    if native not in codes:
        raise IdxError(f"dtype {array.dtype} has no IDX type code")
    if array.ndim == 0:
        raise IdxError("a 0-dimensional array cannot be written as IDX (it needs a dimension)")
    header = bytes([0, 0, codes[native], array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(IDX_TYPES[codes[native]]).tobytes()


def load_mnist(folder: str | os.PathLike, split: str) -> tuple[np.ndarray, np.ndarray]:
    """Load one split of MNIST from ``folder``: ``("train" | "t10k")`` (see :func:`read_mnist`)."""
    folder = Path(folder)
    return read_mnist(folder / f"{split}-images-idx3-ubyte", folder / f"{split}-labels-idx1-ubyte")


def read_mnist(
    images_path: str | os.PathLike, labels_path: str | os.PathLike
) -> tuple[np.ndarray, np.ndarray]:
    """Read an IDX file of images and the IDX file of their labels.

    Returns ``images`` as uint8 ``(n, 784)`` and ``labels`` as uint8 ``(n,)``.
    Shapes are checked for consistency, not against the full MNIST sizes, so
    small fixtures in the same format load too.
    """
    images = read_idx(images_path)
    labels = read_idx(labels_path)
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise IdxError(
            f"{images_path}: expected uint8 images of 28 x 28, "
            f"got {images.dtype} {list(images.shape)}"
        )
    if labels.ndim != 1 or labels.dtype != np.uint8 or labels.shape[0] != images.shape[0]:
        raise IdxError(
            f"{labels_path}: expected {images.shape[0]} uint8 labels, "
            f"got {labels.dtype} {list(labels.shape)}"
        )
    if labels.size and labels.max() > 9:
        raise IdxError(f"{labels_path}: label {int(labels.max())} is not a digit")
    return images.reshape(len(images), 784), labels
