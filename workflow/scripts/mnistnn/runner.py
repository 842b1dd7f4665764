"""What every rule script shares: progress lines to the log and the terminal, clean failures.

A rule script defines ``main(say)`` and ends with ``run_rule(main, snakemake.log[0])``.
``say`` prints one line to the terminal (stderr) and appends it to the rule's
log.  Bad input raises a :class:`~mnistnn.errors.MnistnnError` whose message
names the file, key or value at fault; it is reported as one plain line (no
traceback first) and the job exits non-zero, having written no output.  Any
other exception (a bug, a ``MemoryError``) is written to the log as its
traceback, and the log's last line names it too: every log ends with the
error that stopped its job.
"""

import sys
import traceback
from collections.abc import Callable

from mnistnn.errors import MnistnnError

Say = Callable[[str], None]


def run_rule(main: Callable[[Say], None], log_path: str | None = None) -> None:
    """Call ``main(say)``; turn a :class:`MnistnnError` into a message and exit status 1."""
    log = open(log_path, "w", encoding="utf-8") if log_path else None  # noqa: SIM115

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)
        if log is not None:
            print(line, file=log, flush=True)

    try:
        main(say)
    except MnistnnError as error:
        say(f"error: {error}")
        sys.exit(1)
    except Exception as error:
        if log is not None:
            traceback.print_exc(file=log)
            print(f"error: {type(error).__name__}: {error}", file=log, flush=True)
        raise
    finally:
        if log is not None:
            log.close()
