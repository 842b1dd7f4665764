"""Helpers shared by every stage: which models exist and what the run must produce."""

import re

from snakemake.exceptions import WorkflowError

from mnistnn import layout
from mnistnn.defaults import METHODS
from mnistnn.config_checks import config_problems, describe_problems, selected
from mnistnn.layout import (
    DIGITS,
    MNIST_FILES,
    digit_files,
    method_files,
    mnist_paths,
    param_files,
)
from mnistnn.plan import Study, add_sweep, sweep_models

# The models to train: config `models:` in the config's order, then the models of config
# `sweep:` (e.g. config/sweep.yaml), named after their values, by hidden size, learning rate
# and seed (a sweep point trained like a listed model is that model, trained once); as far
# as config `select: models:` lists them (all when it is left out).
# `config` itself is left as the user wrote it.
SELECT = config["select"]
CONFIGURED_MODELS = add_sweep(config["models"], config.get("sweep"))
MODELS = selected(CONFIGURED_MODELS, SELECT.get("models"))
IMPORTED = selected(config["imported_models"], SELECT.get("models"))
SWEEP_MODELS = [
    name
    for name in (
        sweep_models(config["models"], config["sweep"]) if config.get("sweep") else {}
    )
    if name in MODELS
]
# The backquery methods to run, with their settings, as far as `select: methods:` lists them.
METHODS_RUN = selected(config["backquery"]["methods"], SELECT.get("methods"))

# The four verified MNIST files, by the names rule inputs use for them.
MNIST = mnist_paths()


def check_model_names():
    """Refuse a name that is both trained and imported: its outputs would have two makers."""
    both = sorted(set(CONFIGURED_MODELS) & set(config["imported_models"]))
    if both:
        raise WorkflowError(
            f"config: model name(s) {', '.join(both)} appear under both `models` and "
            "`imported_models`; give the imported model another name"
        )


check_model_names()

# What the schema cannot see: names against the results layout, keys against each other
# and against the data, and the memory each model needs; refused before any job runs.
# Checked by the main process only: a cluster job parses this file again on another
# machine, after the data has arrived, and must not refuse what the run already accepted.
if workflow.is_main_process:
    PROBLEMS = config_problems(config, CONFIGURED_MODELS, MODELS, METHODS_RUN)
    if PROBLEMS:
        raise WorkflowError(describe_problems(PROBLEMS))


def trained_models():
    """Names of the models this run trains, in their natural order (see MODELS)."""
    return list(MODELS)


def imported_models():
    """Names of the models whose parameter files come from elsewhere, in the config's order."""
    return list(IMPORTED)


def all_models():
    """Every model, in the order of every figure, table and report section: trained, then imported."""
    return trained_models() + imported_models()


def montage_models():
    """Trained models with ``analysis: montage``: shown in the montages, not analysed."""
    return [model for model in MODELS if MODELS[model].get("analysis") == "montage"]


def analysed_models():
    """Every model whose backqueries are scored and drawn: all but :func:`montage_models`."""
    return [model for model in all_models() if model not in montage_models()]


def model_category(wildcards):
    """A model's section of the report, numbered so that the report's menu, which sorts
    sections by name, lists the models in their natural order: "Model 1 - book" (a colon
    would break the report's links to its sections)."""
    models = all_models()
    number = str(models.index(wildcards.model) + 1).zfill(len(str(len(models))))
    return f"Model {number} - {wildcards.model}"


def shown(path, caption, what, category=model_category, subcategory=None):
    """``path`` marked for the report: in ``category`` (the model's section unless
    said), with a label saying ``what`` it shows, so that the report's table of
    results says it beside the file, and the caption ``caption`` (a file of
    workflow/report/, without .rst)."""
    return report(
        path,
        caption=f"../report/{caption}.rst",
        category=category,
        subcategory=subcategory,
        labels={"what it shows": what},
    )


def one_of(names):
    """A wildcard constraint matching exactly ``names`` (nothing when empty)."""
    return "|".join(map(re.escape, names)) or "(?!)"


def sorted_keys(mapping):
    """``mapping`` with its keys in sorted order.

    Snakemake notices changed params by their text, in which a dict's key order
    shows: sorted, only a changed value reruns a job, not a reordered key or a
    default written out.
    """
    return dict(sorted(mapping.items()))


def model_settings(wildcards):
    """The model's training settings, so that a changed value reruns the model.

    ``analysis`` says what is built from the trained model, not how it is
    trained, so it is left out.  ``update_rule`` appears only when it is not
    the default ``exact``: the settings of models trained before the key
    existed keep their text, so adding the key retrains none of them.
    """
    settings = dict(MODELS[wildcards.model])
    settings.pop("analysis", None)
    if settings.get("update_rule") == "exact":
        del settings["update_rule"]
    return sorted_keys(settings)


def model_outputs(model):
    """What the run builds for one model: parameters, scores, backqueries, figures, explorer.

    A trained model with ``analysis: montage`` gets no backquery scores and no
    figures but its montage: it is there to be compared in ``results/montage.png``.
    A model that only a sweep lists gets what the sweep's summary compares (its scores and
    backqueries, in ``results/sweep/`` and ``results/montage.png``); its own
    figures and explorer page are built when asked for by path.
    """
    outputs = param_files(f"results/{model}/params")
    outputs += [f"results/{model}/queries/{name}.png" for name in config["queries"]]
    if model in montage_models():
        return outputs + [f"results/{model}/{name}" for name in MONTAGE_FILES]
    if model in SWEEP_MODELS and model not in config["models"]:
        return outputs + [f"results/{model}/{name}" for name in SWEEP_MODEL_FILES]
    outputs += [f"results/{model}/{name}" for name in MODEL_FILES]
    if model in MODELS:
        outputs += [f"results/{model}/{name}" for name in TRAINED_MODEL_FILES]
    return outputs


MONTAGE_FILES = ["metrics.json", "confusion.csv", "montage.png", "montage.csv"]
MODEL_FILES = [
    *MONTAGE_FILES,
    "backquery/quality.csv",
    "methods.png",
    "methods.csv",
    "control_methods.png",
    "hidden_units.png",
    "similarity.png",
    "similarity.csv",
    "examples.png",
    "explorer.html",
]
TRAINED_MODEL_FILES = ["training.png", "training.csv", "evolution.png", "evolution.csv"]
SWEEP_MODEL_FILES = ["metrics.json", "confusion.csv", "backquery/quality.csv"]


# Copies of the README's figures, regenerated by every run (rule figures) and compared with
# the committed ones in docs/figures by `python -m mnistnn.figures check`.
FIGURES_MODEL = f"results/{config['figures']['model']}"
FIGURES = {
    f"{name}_{kind}": f"results/figures/{name}.{kind}"
    for name in ("montage", "methods", "evolution")
    for kind in ("png", "npz")
}


def final_outputs():
    """Everything `snakemake` builds by default, for every model in the config."""
    outputs = [path for model in all_models() for path in model_outputs(model)]
    outputs += ["results/montage.png", "results/montage.csv"]
    if config["figures"]["model"] in MODELS:
        outputs += FIGURES.values()
    if config["figures"]["model"] in all_models():
        outputs.append(FRONT_PAGE)
    if SWEEP_MODELS:
        outputs += SWEEP_FILES.values()
    return outputs


# The report's front page (rule front_page, workflow/rules/report.smk), named in the Snakefile's
# `report:`: what the project is, the figures model's montage, methods figure and key numbers.
FRONT_PAGE = "results/report/front_page.rst"
SWEEP_FILES = {
    name: f"results/sweep/{file}"
    for name, file in (
        ("table", "summary.csv"),
        ("figure", "summary.png"),
        ("grid", "backqueries.png"),
        ("grid_table", "backqueries.csv"),
    )
}


def training_history(wildcards):
    """A trained model's history.csv (for its training time); nothing for an imported one."""
    if wildcards.model in MODELS:
        return f"results/{wildcards.model}/history.csv"
    return []


# Priorities of the jobs that start first when several are ready. While a job waits,
# Snakemake's scheduler looks at each of its input files again in every scheduling round
# (several a second in a sweep), so waiting jobs cost: the jobs that read many files go
# first of all (quality, the figures, montages and explorer page). Next come the jobs that
# others wait for: the image prior and the mean images (every backquery and quality reads
# them), the controls, and each model's way from its parameters to its scores
# (export_params, evaluate, backquery), so that a model's jobs follow its training at once
# instead of piling up behind the other trainings. The training jobs fill the gaps.
READS_MANY_FILES = 20
OTHERS_WAIT_FOR = 10


def backquery_methods():
    """The label-free methods the config asks for, in the library's order."""
    return [method for method in METHODS if method in METHODS_RUN]


def selected_methods():
    """``{method: settings}`` for the label-free methods the config asks for, in order."""
    return {method: sorted_keys(METHODS_RUN[method]) for method in backquery_methods()}


def query_files(folder):
    """``folder/{query}.npy`` and ``.png`` for every query of the config."""
    return layout.query_files(folder, config["queries"])


def method_images(folder, methods=backquery_methods):
    """An input function: the ``.npy`` image of every digit of each of ``methods()``, in order,
    under ``folder``: a pattern of the wildcards, or a function of them."""

    def images(wildcards):
        root = folder(wildcards) if callable(folder) else folder.format(**wildcards)
        return [
            path
            for method in methods()
            for path in digit_files(f"{root}/{method}", ["npy"])
        ]

    return images


def control_owner(model):
    """The model whose ``results/{model}/control/`` holds ``model``'s untrained control.

    A trained model's control is its initial network, which its hidden size and seed
    alone decide: models that share both (a sweep's learning rates) share one control,
    computed once, for the first analysed model among them in the natural order (the
    sweep's h200_lr0p05_s1 is scored against book's). An imported model has its own.
    """
    if model not in MODELS:
        return model
    initial = {
        name: (MODELS[name]["hidden_nodes"], MODELS[name]["seed"]) for name in MODELS
    }
    analysed = [name for name in MODELS if name not in montage_models()]
    return next(name for name in analysed if initial[name] == initial[model])


def control_folder(wildcards):
    """An input function: the folder of the model's control (see :func:`control_owner`)."""
    return f"results/{control_owner(wildcards.model)}/control"


def control_params(wildcards):
    """An input function: the four parameter files of the model's control."""
    return param_files(f"{control_folder(wildcards)}/params")


def evolution_methods():
    """The book's method and the best label-free one, shown side by side (once when the best
    is the book's)."""
    return list(dict.fromkeys(["seed", config["backquery"]["best_method"]]))


# The claim study (rule file claim.smk), from config `claim`.
CLAIM = Study.from_config(config["claim"])
CLAIM_RUNS = list(CLAIM.runs())
CLAIM_POINTS = range(CLAIM.snapshots + 1)
CLAIM_TABLES = {
    name: f"results/claim/{name}.csv"
    for name in ("networks", "clarity", "correlation", "turning_points")
}


def claim_run_files():
    """Every run's parameters and images, per network and method."""
    return expand(
        "results/claim/params/{run}_p{point}.npz", run=CLAIM_RUNS, point=CLAIM_POINTS
    ) + expand(
        "results/claim/images/{run}_p{point}/{method}.npy",
        run=CLAIM_RUNS,
        point=CLAIM_POINTS,
        method=backquery_methods(),
    )
