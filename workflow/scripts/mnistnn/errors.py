"""The project's error types: each message names the file, key or value at fault."""


class MnistnnError(Exception):
    """Base class of every error the pipeline raises on bad input."""


class IdxError(MnistnnError):
    """An IDX file is malformed, truncated or not what was expected."""


class DownloadError(MnistnnError):
    """No source yielded the verified MNIST files."""


class ParamsError(MnistnnError):
    """A parameter file is malformed or has the wrong shape."""


class TrainingError(MnistnnError):
    """A model cannot be trained as asked (a snapshot beyond training, weights that diverge)."""


class QueryError(MnistnnError):
    """A label vector cannot be run backwards (out of (0, 1), wrong length, not a number)."""


class BackqueryError(MnistnnError):
    """The network cannot be inverted as asked (for example a degenerate layer)."""


class ExplorerError(MnistnnError):
    """An input of the explorer page (quality.csv, a method's image) is malformed."""
