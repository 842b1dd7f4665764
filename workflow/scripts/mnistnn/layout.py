"""Where the pipeline's files are: the boundary between the Snakefile and the library.

Standard library only, so the Snakefile imports it at parse time without
loading NumPy, SciPy or anything else the numerics need.
"""

#: The four verified MNIST files, by the names rule inputs and outputs give them.
MNIST_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}

#: Where ``download_mnist`` writes them.
MNIST_FOLDER = "resources/mnist"

#: The four parameter files of a network, in the order W1, W2, v1, v2.
PARAM_NAMES = ("weight1", "weight2", "value1", "value2")


def mnist_paths(folder: str = MNIST_FOLDER) -> dict[str, str]:
    """``{train_images: "resources/mnist/train-images-idx3-ubyte", ...}``."""
    return {key: f"{folder}/{name}" for key, name in MNIST_FILES.items()}


def param_files(folder: str) -> list[str]:
    """``folder/weight1.txt``, ``weight2.txt``, ``value1.txt``, ``value2.txt``, in that order."""
    return [f"{folder}/{name}.txt" for name in PARAM_NAMES]


DIGITS = tuple(range(10))

#: What a backqueried image is written as: its values, then its picture.
IMAGE_KINDS = ("npy", "png")


def digit_files(folder: str, kinds: tuple[str, ...] = IMAGE_KINDS) -> list[str]:
    """``folder/{digit}.{kind}``: every digit of the first kind, then of the next."""
    return [f"{folder}/{digit}.{kind}" for kind in kinds for digit in DIGITS]


def method_files(folder: str, methods) -> list[str]:
    """``folder/{method}/{digit}.npy`` and ``.png`` for every one of ``methods``, in order."""
    return [path for method in methods for path in digit_files(f"{folder}/{method}")]


def method_files_by_method(paths: list[str], methods) -> dict[str, tuple[list[str], list[str]]]:
    """Undo :func:`method_files`: ``{method: (ten .npy paths, ten .png paths)}``."""
    per_method = len(DIGITS) * len(IMAGE_KINDS)
    methods = list(methods)
    if len(paths) != per_method * len(methods):
        raise ValueError(f"{len(paths)} paths for {len(methods)} methods of {per_method} files")
    grouped = {}
    for index, method in enumerate(methods):
        files = paths[index * per_method : (index + 1) * per_method]
        grouped[method] = (files[: len(DIGITS)], files[len(DIGITS) :])
    return grouped


def query_files(folder: str, names) -> list[str]:
    """``folder/{name}.npy`` and ``.png`` for every query name, in order."""
    return [f"{folder}/{name}.{kind}" for name in names for kind in IMAGE_KINDS]


def query_files_by_name(paths: list[str], names) -> dict[str, tuple[str, str]]:
    """Undo :func:`query_files`: ``{name: (.npy path, .png path)}``."""
    names = list(names)
    if len(paths) != len(IMAGE_KINDS) * len(names):
        raise ValueError(f"{len(paths)} paths for {len(names)} queries")
    return {name: (paths[2 * i], paths[2 * i + 1]) for i, name in enumerate(names)}


#: What the pipeline itself writes directly under ``results/``, beside one folder per model.
#: A model may not take one of these names (tests/test_layout.py checks the rules against it).
RESULTS_ENTRIES = (
    "benchmarks",
    "claim",
    "figures",
    "image_prior.npz",
    "logs",
    "mean_images.npy",
    "montage.csv",
    "montage.png",
    "report",
    "sweep",
)
