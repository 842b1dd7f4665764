"""Files a user supplies: only regular files are read (a FIFO would hang the job), each bounded."""

import gzip
import os
import signal
import socket
from pathlib import Path

import pytest

from mnistnn import download, files, params
from mnistnn.errors import MnistnnError
from mnistnn.idx import read_idx

READERS = {
    "params": params.read_matrix,
    "idx": read_idx,
    "download": download.read_capped,
    "gunzip": download.gunzip,
}


@pytest.fixture
def special_files(tmp_path, monkeypatch) -> dict[str, Path]:
    """By what the message calls it: a FIFO, a socket, a character device, a folder, and a
    symbolic link to the FIFO (what it points to is what counts)."""
    monkeypatch.chdir(tmp_path)  # a socket's path must be short: bind it by a relative one
    os.mkfifo("fifo")
    server = socket.socket(socket.AF_UNIX)
    server.bind("socket")
    Path("link").symlink_to(tmp_path / "fifo")
    Path("folder").mkdir()
    yield {
        "fifo": ("a FIFO (named pipe)", tmp_path / "fifo"),
        "socket": ("a socket", tmp_path / "socket"),
        "device": ("a character device", Path("/dev/zero")),
        "link": ("a FIFO (named pipe)", tmp_path / "link"),
        "folder": ("a folder", tmp_path / "folder"),
    }
    server.close()


@pytest.mark.parametrize("reader", READERS)
def test_a_file_that_is_not_regular_is_refused_unread_naming_it(reader, special_files):
    for kind, path in special_files.values():
        with pytest.raises(MnistnnError) as error:
            READERS[reader](path)
        assert str(error.value) == f"{path}: {kind}, not a regular file; refusing to read it"


def test_an_idx_file_larger_than_any_mnist_file_is_refused_unread(tmp_path, monkeypatch):
    import mnistnn.idx

    monkeypatch.setattr(mnistnn.idx, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(bytes(1001))
    with pytest.raises(MnistnnError, match=f"^{path}: 1001 bytes, larger than any MNIST file"):
        read_idx(path)


def test_gunzip_decompresses_at_most_one_byte_past_the_cap(tmp_path, monkeypatch):
    """A small .gz of a huge file (a zip bomb) is refused without decompressing it whole."""
    monkeypatch.setattr(download, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(bytes(100_000)))
    decompressed = []
    real_open = gzip.open

    def counting_open(*args, **kwargs):
        stream = real_open(*args, **kwargs)
        real_read = stream.read

        def read(size=-1):
            data = real_read(size)
            decompressed.append(len(data))
            return data

        stream.read = read
        return stream

    monkeypatch.setattr(gzip, "open", counting_open)
    with pytest.raises(MnistnnError, match="larger than 1000 bytes"):
        download.gunzip(path)
    assert 0 < sum(decompressed) <= 1001


def test_a_file_swapped_for_a_fifo_after_the_first_check_is_refused_without_blocking(
    special_files, monkeypatch
):
    """The second check, on the opened file: the FIFO is opened without blocking, then refused."""
    fifo = special_files["fifo"][1]
    regular = os.stat(__file__)

    def hung(signum, frame):
        raise AssertionError("opening the FIFO blocked")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)
    try:
        with monkeypatch.context() as patch, pytest.raises(MnistnnError) as error:
            patch.setattr(os, "stat", lambda path: regular)  # what the first check saw
            files.open_regular(fifo, MnistnnError)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert (
        str(error.value) == f"{fifo}: a FIFO (named pipe), not a regular file; refusing to read it"
    )
