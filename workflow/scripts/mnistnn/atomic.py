"""Atomic file output: a final path only ever holds a complete file.

Every output is written to a unique temporary file in the destination's folder
and renamed over the destination once complete, so an interrupted job leaves
either the old file or nothing, never half a file, and two jobs never share a
temporary path.
"""

import contextlib
import glob
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On an exception the temporary file is removed and ``path`` is untouched.
    The suffix of ``path`` is kept so that writers that dispatch on the
    extension (matplotlib, numpy) behave as for the final name.
    """
    final = Path(path)
    final.parent.mkdir(parents=True, exist_ok=True)
    prefix, suffix = f".{final.name}.", f".tmp{final.suffix}"
    # Only one job at a time writes a given output (Snakemake sees to that), so
    # a temporary file of this output that already exists was left by a killed job.
    for stale in final.parent.glob(f"{glob.escape(prefix)}*{glob.escape(suffix)}"):
        stale.unlink(missing_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=final.parent, prefix=prefix, suffix=suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp makes the file private (0600); outputs get the usual umask-based mode
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o666 & ~umask)
    try:
        yield tmp
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))


def save_npy(path: str | os.PathLike, array) -> None:
    """Save one array as ``.npy`` atomically (never pickled)."""
    with atomic_path(path) as tmp:
        np.save(tmp, np.asarray(array), allow_pickle=False)


def save_npz(path: str | os.PathLike, **arrays) -> None:
    """Save named arrays as an uncompressed ``.npz`` atomically, byte for byte reproducibly.

    ``numpy.savez`` stamps each member with the current time; here every
    member gets the same fixed date, so equal arrays give equal files.
    """
    with atomic_path(path) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            with archive.open(member, "w", force_zip64=True) as handle:
                np.lib.format.write_array(handle, np.asarray(array), allow_pickle=False)
