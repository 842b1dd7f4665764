"""Atomic outputs: a final path holds the old file, or the complete new one, never half of one."""

import os
from pathlib import Path

import numpy as np
import pytest

from mnistnn import atomic


def hidden_files(folder):
    return sorted(path.name for path in folder.iterdir() if path.name.startswith("."))


def test_a_completed_write_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "results" / "book" / "metrics.json"  # folders made as needed
    atomic.write_text(target, "old")
    atomic.write_text(target, "new")
    assert target.read_text() == "new"
    assert hidden_files(target.parent) == []


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "model.npz"
    atomic.write_text(target, "old")
    with pytest.raises(RuntimeError), atomic.atomic_path(target) as tmp:
        tmp.write_text("half of the new")
        raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert hidden_files(tmp_path) == []


def test_a_temporary_left_by_a_killed_job_is_removed_by_the_next_write(tmp_path):
    left_over = tmp_path / ".weight1.txt.k1ll3d.tmp.txt"
    left_over.write_text("a SIGKILL stopped this write")
    unrelated = tmp_path / ".weight2.txt.k1ll3d.tmp.txt"
    unrelated.write_text("another output's")
    atomic.write_text(tmp_path / "weight1.txt", "1.0\n")
    assert hidden_files(tmp_path) == [unrelated.name]


def test_the_temporary_file_is_renamed_onto_the_output_not_copied(tmp_path):
    """A reader that opened the old file keeps reading it whole; the output is the very file
    that was written (its inode), so no half-copied file was ever visible under its name."""
    target = tmp_path / "metrics.json"
    atomic.write_text(target, "old")
    with open(target) as reader:
        with atomic.atomic_path(target) as tmp:
            tmp.write_text("new")
            written = tmp.stat().st_ino
        assert reader.read() == "old"
    assert target.stat().st_ino == written
    assert target.read_text() == "new"


def test_the_data_reaches_the_disk_before_the_rename(tmp_path, monkeypatch):
    """fsync of the temporary file, while the output still holds the old content."""
    target = tmp_path / "weight1.txt"
    atomic.write_text(target, "old")
    synced = []
    real_fsync = os.fsync

    def fsync(fd):
        synced.append((os.readlink(f"/proc/self/fd/{fd}"), target.read_text()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    atomic.write_text(target, "new")
    ((path, content_then),) = synced
    assert Path(path).parent == tmp_path and Path(path).name.startswith(".weight1.txt.")
    assert content_then == "old"


def test_outputs_get_the_umask_mode_not_mkstemps_private_one(tmp_path):
    umask = os.umask(0o022)
    try:
        atomic.write_text(tmp_path / "a.txt", "x")
    finally:
        os.umask(umask)
    assert (tmp_path / "a.txt").stat().st_mode & 0o777 == 0o644


def test_npz_files_of_equal_arrays_are_equal_bytes(tmp_path):
    arrays = {"W1": np.arange(12.0).reshape(3, 4), "label": np.array(["initial", "epoch1"])}
    atomic.save_npz(tmp_path / "a.npz", **arrays)
    atomic.save_npz(tmp_path / "b.npz", **arrays)
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with np.load(tmp_path / "a.npz", allow_pickle=False) as loaded:
        assert np.array_equal(loaded["W1"], arrays["W1"])
        assert loaded["label"].tolist() == ["initial", "epoch1"]


@pytest.mark.parametrize(
    ("name", "save"),
    [("image.npy", atomic.save_npy), ("model.npz", lambda path, x: atomic.save_npz(path, W1=x))],
)
def test_an_object_array_is_never_pickled_into_an_output(tmp_path, name, save):
    with pytest.raises(ValueError, match="allow_pickle=False"):
        save(tmp_path / name, np.array([{"code": "anything"}], dtype=object))
    assert list(tmp_path.iterdir()) == []
