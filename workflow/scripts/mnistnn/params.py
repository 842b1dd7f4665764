"""The four plain-text parameter files: weight1.txt, weight2.txt, value1.txt, value2.txt.

The format is the one of the blog post that published such files: one matrix
row per line, values separated by a single space, no header.  Its reader does
``line.strip().split(' ')`` and ``float()`` on each token, so exported files
contain nothing else.  Shapes: ``W1`` 784 x H, ``W2`` H x 10, ``v1`` 1 x H,
``v2`` 1 x 10.  Values are written with Python's shortest round-trip ``repr``,
so reading a file back gives bit-identical float64 arrays.

Reading is a little more lenient than writing (any run of spaces or tabs
separates values), and strict about everything that matters: every token a
finite number, rows of equal length, the four shapes consistent.
"""

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from mnistnn import atomic
from mnistnn.errors import ParamsError
from mnistnn.files import open_regular, size
from mnistnn.layout import PARAM_NAMES
from mnistnn.network import (
    N_INPUTS,
    N_OUTPUTS,
    Hyperparameters,
    Network,
    Snapshot,
    TrainingResult,
)

PARAM_FILES = tuple(f"{name}.txt" for name in PARAM_NAMES)

#: Refuse a file larger than this before reading it: W1 of a 784 x 20,000
#: network written at 25 characters a value is about 400 MB, far beyond any
#: network this pipeline trains or the blog published (784 x 200, 3.5 MB).
MAX_FILE_BYTES = 512 * 1024**2


def format_matrix(matrix: np.ndarray) -> str:
    """Text of a 2-D array: one row per line, single spaces, round-trip ``repr`` values."""
    matrix = np.atleast_2d(np.asarray(matrix, dtype=np.float64))
    return "".join(" ".join(map(repr, row)) + "\n" for row in matrix.tolist())


def parse_matrix(text: str, name: str = "<text>") -> np.ndarray:
    """Parse the text of one parameter file into a 2-D float64 array.

    Raises :class:`ParamsError` naming ``name`` and the line for a
    non-numeric or non-finite token, a ragged row, or an empty file.
    """
    rows = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        tokens = line.split()
        if not tokens:
            if line.strip(" \t"):
                raise ParamsError(f"{name}, line {line_number}: unexpected characters {line!r}")
            continue
        try:
            row = np.array([float(token) for token in tokens])
        except ValueError as error:
            raise ParamsError(f"{name}, line {line_number}: not a number: {error}") from None
        if not np.all(np.isfinite(row)):
            bad = tokens[int(np.argmin(np.isfinite(row)))]
            raise ParamsError(f"{name}, line {line_number}: value {bad!r} is not finite")
        if rows and len(row) != len(rows[0]):
            raise ParamsError(
                f"{name}, line {line_number}: {len(row)} values, but line 1 has {len(rows[0])}"
            )
        rows.append(row)
    if not rows:
        raise ParamsError(f"{name}: file holds no numbers")
    return np.vstack(rows)


def read_matrix(path: str | os.PathLike) -> np.ndarray:
    """Read one parameter file, refusing files over :data:`MAX_FILE_BYTES` unread, and
    anything but a regular file (:func:`mnistnn.files.open_regular`)."""
    path = Path(path)
    try:
        with open_regular(path, ParamsError) as handle:
            if size(handle) > MAX_FILE_BYTES:
                raise ParamsError(
                    f"{path}: {size(handle)} bytes is larger than any plausible network "
                    f"(limit {MAX_FILE_BYTES} bytes); refusing to read it"
                )
            text = handle.read(MAX_FILE_BYTES).decode("utf-8")
    except OSError as error:
        raise ParamsError(f"{path}: cannot read: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise ParamsError(f"{path}: not UTF-8 text (byte {error.start})") from None
    return parse_matrix(text, name=str(path))


def check_shapes(
    W1: np.ndarray,
    W2: np.ndarray,
    v1: np.ndarray,
    v2: np.ndarray,
    paths: tuple[str | os.PathLike, ...] = PARAM_FILES,
) -> Network:
    """Check the four 2-D arrays form one 784-H-10 network; return it with 1-D thresholds.

    ``paths`` names the files the arrays came from (weight1, weight2, value1,
    value2), for the error message.
    """
    hidden = W1.shape[1]
    expected = ((N_INPUTS, hidden), (hidden, N_OUTPUTS), (1, hidden), (1, N_OUTPUTS))
    for path, array, shape in zip(paths, (W1, W2, v1, v2), expected, strict=True):
        if array.shape != shape:
            raise ParamsError(
                f"{path}: shape {array.shape[0]} x {array.shape[1]}, "
                f"expected {shape[0]} x {shape[1]} (784 x H, H x 10, 1 x H, 1 x 10 with "
                f"H = {hidden} from {paths[0]})"
            )
    return Network(W1, W2, v1[0], v2[0])


def four_paths(paths: Sequence[str | os.PathLike]) -> tuple[str | os.PathLike, ...]:
    """``paths`` as a tuple, refusing any count but four (weight1, weight2, value1, value2)."""
    paths = tuple(paths)
    if len(paths) != len(PARAM_FILES):
        raise ValueError(f"expected the four parameter files {PARAM_FILES}, got {paths}")
    return paths


def read_param_files(paths: Sequence[str | os.PathLike]) -> Network:
    """Read and validate the four parameter files: weight1, weight2, value1, value2, in order."""
    paths = four_paths(paths)
    return check_shapes(*map(read_matrix, paths), paths=paths)


def read_params(folder: str | os.PathLike) -> Network:
    """Read and validate the four parameter files in ``folder``."""
    return read_param_files([Path(folder) / name for name in PARAM_FILES])


def write_param_files(net: Network, paths: Sequence[str | os.PathLike]) -> None:
    """Write ``net`` (as float64) to the four files weight1, weight2, value1, value2, atomically."""
    for path, array in zip(four_paths(paths), net.astype(np.float64), strict=True):
        atomic.write_text(path, format_matrix(array))


def write_params(folder: str | os.PathLike, net: Network) -> None:
    """Write ``net`` (converted to float64) as the four files in ``folder``, each atomically."""
    write_param_files(net, [Path(folder) / name for name in PARAM_FILES])


def save_model(path: str | os.PathLike, result: TrainingResult, hyper: Hyperparameters) -> None:
    """Save a trained network, its hyper-parameters and history as one ``.npz``.

    Every entry is a plain numeric or string array, so the file loads with
    ``allow_pickle=False``.
    """
    history = {f"history_{key}": [row[key] for row in result.history] for key in result.history[0]}
    settings = {
        f"hyper_{key}": np.asarray(value) for key, value in dataclasses.asdict(hyper).items()
    }
    atomic.save_npz(path, **result.net._asdict(), **settings, **history)


def load_network(path: str | os.PathLike) -> Network:
    """The float64 network saved by :func:`save_model`."""
    with np.load(path, allow_pickle=False) as archive:
        return Network(*(archive[name] for name in Network._fields))


def save_snapshots(path: str | os.PathLike, snapshots: list[Snapshot]) -> None:
    """Save the networks of a training run's snapshots, stacked, as one ``.npz``."""
    stacked = {
        name: np.stack([snapshot.net._asdict()[name] for snapshot in snapshots])
        for name in Network._fields
    }
    atomic.save_npz(
        path,
        label=np.array([snapshot.label for snapshot in snapshots]),
        samples_seen=np.array([snapshot.samples_seen for snapshot in snapshots]),
        **stacked,
    )


def load_snapshots(path: str | os.PathLike) -> list[Snapshot]:
    """The snapshots saved by :func:`save_snapshots`, in training order."""
    with np.load(path, allow_pickle=False) as archive:
        return [
            Snapshot(
                str(label), int(seen), Network(*(archive[name][i] for name in Network._fields))
            )
            for i, (label, seen) in enumerate(
                zip(archive["label"], archive["samples_seen"], strict=True)
            )
        ]


def load_snapshot_stages(path: str | os.PathLike) -> list[tuple[str, int]]:
    """``(label, samples seen)`` of each snapshot saved by :func:`save_snapshots`, no weights."""
    with np.load(path, allow_pickle=False) as archive:
        return [
            (str(label), int(seen))
            for label, seen in zip(archive["label"], archive["samples_seen"], strict=True)
        ]
