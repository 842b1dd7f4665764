"""Opening a file a user supplies: a regular file only, never one that would block or stream.

Standard library only.  A FIFO would hang the job in ``open`` or ``read``, a
device or a socket would stream without end; each is refused before a byte
is read, by the kind of the file itself (a symbolic link is followed, so a
link to a FIFO is refused too).
"""

import os
import stat
from typing import BinaryIO

from mnistnn.errors import MnistnnError

#: What a file that is not a regular file is, for the message.
KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind(mode: int) -> str:
    return next((name for test, name in KINDS if test(mode)), "not a regular file")


def open_regular(path: str | os.PathLike, error: type[MnistnnError]) -> BinaryIO:
    """``path`` opened for binary reading; ``error`` naming the file unless it is a regular file.

    The kind is checked before opening (a socket cannot be opened at all) and
    again on the opened file, without blocking, so that nothing swapped in
    between is read.  An ``OSError`` (missing, unreadable) is left to the caller.
    """
    if not stat.S_ISREG(mode := os.stat(path).st_mode):
        raise error(f"{path}: {kind(mode)}, not a regular file; refusing to read it")
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    handle = os.fdopen(descriptor, "rb")
    if not stat.S_ISREG(mode := os.fstat(descriptor).st_mode):
        handle.close()
        raise error(f"{path}: {kind(mode)}, not a regular file; refusing to read it")
    os.set_blocking(descriptor, True)
    return handle


def size(handle: BinaryIO) -> int:
    """Bytes in the opened file ``handle``."""
    return os.fstat(handle.fileno()).st_size
