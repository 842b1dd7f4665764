"""Checks of the config that its schema cannot express, run once when the Snakefile is parsed.

The schema bounds each key on its own.  These checks bound keys against each
other (clusters against sample, a snapshot against the training set, the
figures' method against the methods that run), against the results layout
(a model may not be called ``figures``) and against the machine (the memory
a model's arrays need).  Each problem is one sentence naming the key, the
value and the rule it breaks; common.smk refuses a config with any before a
job runs.  :func:`selected` applies config ``select:``, the lists of models
and methods to run: Snakemake merges a ``--configfile`` or ``--config`` into
config/config.yaml key by key, so it can add or change a model but never
remove one, whereas a list it gives replaces the list there.

Standard library only: the Snakefile imports it at parse time.
"""

import os
import stat
import struct
from collections.abc import Mapping

from mnistnn.defaults import CLAIM
from mnistnn.layout import RESULTS_ENTRIES, mnist_paths

#: Longest model or query name.  The longest file name made from one is the
#: temporary file of a query's picture, ``.NAME.png.XXXXXXXX.tmp.png`` (22 bytes
#: more, mnistnn.atomic), far below the 255 bytes file systems allow; 64 also
#: keeps every results path short enough to read in a log line.
MAX_NAME_LENGTH = 64
#: MNIST's training and test set sizes: the memory estimate's data when the
#: files are not downloaded yet (a smaller data set only needs less).
MNIST_SIZES = {"train": 60000, "test": 10000}
#: Bytes per pixel row held while training: the IDX file's bytes and the array read from it.
BYTES_PER_IMAGE = 2 * (784 + 1)


def selected(entries: Mapping, names: list[str] | None) -> dict:
    """The entries of ``entries`` whose name ``names`` lists (all when it is None), in order."""
    return {name: value for name, value in entries.items() if names is None or name in names}


def idx_count(path: str | os.PathLike) -> int | None:
    """The item count in the header of the IDX file ``path``; None when it is not there yet.

    Only a regular file is opened (a FIFO would block), and only its first 8 bytes are read.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            header = handle.read(8)
    except OSError:
        return None
    if len(header) < 8 or header[:2] != b"\0\0":
        return None
    return struct.unpack(">I", header[4:])[0]


def data_sizes() -> dict[str, int | None]:
    """``{train: n, test: n}`` from the downloaded label files (None for one not there yet)."""
    paths = mnist_paths()
    return {split: idx_count(paths[f"{split}_labels"]) for split in ("train", "test")}


def name_problems(names: Mapping[str, str]) -> list[str]:
    """``names`` maps each name to its key path: refuse reserved and over-long names.

    A name is compared with the layout's entries ignoring case, because a
    case-insensitive file system (macOS, Windows) would merge ``Figures`` and ``figures``.
    """
    reserved = {entry.casefold(): entry for entry in RESULTS_ENTRIES}
    problems = []
    for name, key in names.items():
        if name.casefold() in reserved:
            problems.append(
                f"{key}: the name {name!r} is reserved: the pipeline writes "
                f"results/{reserved[name.casefold()]} itself "
                f"(reserved: {', '.join(RESULTS_ENTRIES)})"
            )
        if len(name) > MAX_NAME_LENGTH:
            problems.append(
                f"{key}: the name {name[:20]}... has {len(name)} characters, "
                f"at most {MAX_NAME_LENGTH} are allowed (file names derived from it must fit)"
            )
    return problems


def model_keys(config: Mapping, models: Mapping) -> dict[str, str]:
    """``{name: key path}`` of every model: ``models.NAME``, ``imported_models.NAME``, ``sweep``."""
    keys = {name: f"models.{name}" if name in config["models"] else "sweep" for name in models}
    keys |= {name: f"imported_models.{name}" for name in config["imported_models"]}
    return keys


def selection_problems(config: Mapping, configured: Mapping, methods: Mapping) -> list[str]:
    """``select:`` names only what is configured, seed among the methods; and the
    figures' method, ``best_method``, is one that runs."""
    problems = []
    select = config.get("select", {})
    known = {"models": [*configured, *config["imported_models"]]}
    known["methods"] = list(config["backquery"]["methods"])
    for key, names in select.items():
        unknown = [name for name in names if name not in known[key]]
        if unknown:
            problems.append(
                f"select.{key}: {', '.join(unknown)} not configured (configured: "
                f"{', '.join(known[key]) or 'none'})"
            )
    if "seed" not in methods:
        problems.append(
            "select.methods: seed must be among them: the montage and the sweep show its images"
        )
    best = config["backquery"]["best_method"]
    if best not in methods:
        problems.append(
            f"backquery.best_method: {best!r} is not among the methods that run "
            f"({', '.join(methods)}); the evolution and similarity figures would read its "
            "images, so select it or choose one of those"
        )
    return problems


def image_prior_problems(config: Mapping, methods: Mapping) -> list[str]:
    """k-means needs at least as many images as clusters; mixture starts from existing clusters."""
    image_prior = config["backquery"]["image_prior"]
    problems = []
    if image_prior["clusters"] > image_prior["sample"]:
        problems.append(
            f"backquery.image_prior.clusters: {image_prior['clusters']} clusters cannot be "
            f"found in a sample of {image_prior['sample']} images (backquery.image_prior.sample)"
        )
    starts = methods.get("mixture", {}).get("starts")
    if starts is not None and starts > image_prior["clusters"]:
        problems.append(
            f"backquery.methods.mixture.starts: {starts} starts, but the image prior has only "
            f"{image_prior['clusters']} clusters (backquery.image_prior.clusters) to start from"
        )
    return problems


def snapshot_problems(
    config: Mapping, models: Mapping, keys: Mapping, n_train: int | None
) -> list[str]:
    """A snapshot must lie inside training: ``epochs * n_train`` samples (when n_train is known).

    Before the download the size is not known here: rules train and claim_run check then.
    """
    if n_train is None:
        return []
    problems = []
    for name, settings in models.items():
        end = settings["epochs"] * n_train
        beyond = sorted(count for count in settings["snapshots"] if count > end)
        if beyond:
            problems.append(
                f"{keys[name]}.snapshots: {beyond} (model {name}) lie beyond the end of training "
                f"({settings['epochs']} epochs x {n_train} training images = {end} samples)"
            )
    claim = config.get("claim", {})
    first = claim.get("first_snapshot", CLAIM.first_snapshot)
    end = claim.get("epochs", CLAIM.epochs) * n_train
    if first >= end and claim.get("snapshots", CLAIM.snapshots) > 1:
        problems.append(
            f"claim.first_snapshot: {first} samples is not before the end of training "
            f"(claim.epochs x {n_train} training images = {end} samples)"
        )
    return problems


def training_bytes(hidden_nodes: int, epochs: int, batch_size: int, snapshots: int, sizes) -> int:
    """A lower bound on the bytes of the arrays a training job holds at once.

    The data (file bytes and arrays), the float32 network being trained, its
    float64 copies (the initial weights, each snapshot, each epoch's end, the
    result), the kernel's per-batch buffers (inputs and hidden rows of a
    whole batch) and the test accuracy's chunks of 1000 images.
    """
    parameters = hidden_nodes * (784 + 1 + 10) + 10
    copies = 2 + epochs + snapshots
    per_batch_row = 8 * 784 + 8 * hidden_nodes + 40
    return (
        BYTES_PER_IMAGE * (sizes["train"] + sizes["test"])
        + parameters * (4 + 8 * copies)
        + batch_size * per_batch_row
        + 1000 * (hidden_nodes + 10) * 8
    )


def physical_memory() -> int:
    """Bytes of memory of this machine, where (by default) every job runs."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def memory_problems(
    config: Mapping, models: Mapping, keys: Mapping, sizes: Mapping, limit: int
) -> list[str]:
    """Refuse a model (or the claim study's largest run) whose arrays would not fit in ``limit``."""
    sizes = {split: sizes[split] or MNIST_SIZES[split] for split in MNIST_SIZES}
    needs = {
        f"{keys[name]} (model {name})": training_bytes(
            s["hidden_nodes"], s["epochs"], s["batch_size"], len(s["snapshots"]), sizes
        )
        for name, s in models.items()
    }
    claim = config.get("claim", {})
    needs["claim.hidden_nodes"] = training_bytes(
        max(claim.get("hidden_nodes", CLAIM.hidden_nodes)),
        claim.get("epochs", CLAIM.epochs),
        1,
        claim.get("snapshots", CLAIM.snapshots),
        sizes,
    )
    return [
        f"{key}: training would need at least {need / 1e9:.1f} GB for its arrays, more than "
        f"the {limit / 1e9:.1f} GB of memory of this machine (hidden_nodes and batch_size "
        "set the size of the largest ones)"
        for key, need in needs.items()
        if need > limit
    ]


def imported_folder_problems(config: Mapping) -> list[str]:
    """A folder path with braces would be read by Snakemake as a wildcard pattern."""
    return [
        f"imported_models.{name}: the folder {folder!r} holds {{ or }}, which Snakemake "
        "reads as a wildcard; rename or link the folder"
        for name, folder in config["imported_models"].items()
        if "{" in folder or "}" in folder
    ]


def config_problems(
    config: Mapping,
    configured: Mapping,
    models: Mapping,
    methods: Mapping,
    limit: int | None = None,
) -> list[str]:
    """Every problem of ``config`` that the schema cannot see, as sentences (none: it is fine).

    ``configured`` are all models to train that the config defines (its own and
    the sweep's), ``models`` those of them that ``select:`` keeps and ``methods``
    the backquery methods that run;
    ``limit`` is the memory a job may use (this machine's, by default).
    """
    keys = model_keys(config, configured)
    sizes = data_sizes()
    queries = {name: f"queries.{name}" for name in config["queries"]}
    return [
        *name_problems({**keys, **queries}),
        *selection_problems(config, configured, methods),
        *image_prior_problems(config, methods),
        *snapshot_problems(config, models, keys, sizes["train"]),
        *memory_problems(config, models, keys, sizes, limit or physical_memory()),
        *imported_folder_problems(config),
    ]


def describe_problems(problems: list[str]) -> str:
    """The message that refuses a config: one line per problem."""
    return "config: " + "\nconfig: ".join(problems)
