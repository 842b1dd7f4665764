"""Sweeps: expanding the compact grid into named models, and the summary of a run."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from mnistnn.errors import MnistnnError
from mnistnn.plan import add_sweep, expand_sweep, name_part, sweep_models
from mnistnn.sweep import grid_models, sweep_table

ROOT = Path(__file__).resolve().parents[1]
#: the model-name pattern of workflow/schemas/config.schema.yaml
NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def test_the_default_sweep_has_30_book_models_with_safe_distinct_names():
    sweep = yaml.safe_load((ROOT / "config/sweep.yaml").read_text())["sweep"]
    models = expand_sweep(sweep)
    assert len(models) == 5 * 3 * 2
    assert all(NAME.match(name) for name in models)
    assert "h100_lr0p1_s1" in models
    assert models["h100_lr0p1_s1"] | {"hidden_nodes": 200} == models["h200_lr0p1_s1"]
    assert {(m["batch_size"], m["epochs"]) for m in models.values()} == {(1, 5)}
    assert {m["seed"] for m in models.values()} == {1, 2}


def test_every_combination_appears_once_with_its_values():
    sweep = {"hidden_nodes": [8, 16], "learning_rate": [0.5], "seeds": [3, 4], "shuffle": True}
    models = expand_sweep(sweep)
    assert models == {
        "h8_lr0p5_s3": {"hidden_nodes": 8, "learning_rate": 0.5, "seed": 3, "shuffle": True},
        "h8_lr0p5_s4": {"hidden_nodes": 8, "learning_rate": 0.5, "seed": 4, "shuffle": True},
        "h16_lr0p5_s3": {"hidden_nodes": 16, "learning_rate": 0.5, "seed": 3, "shuffle": True},
        "h16_lr0p5_s4": {"hidden_nodes": 16, "learning_rate": 0.5, "seed": 4, "shuffle": True},
    }


def test_epochs_and_batch_size_are_named_only_when_they_vary():
    base = {"hidden_nodes": [10], "learning_rate": [0.1], "seeds": [1]}
    assert list(expand_sweep(base | {"epochs": [2], "batch_size": [1]})) == ["h10_lr0p1_s1"]
    assert list(expand_sweep(base | {"epochs": [1, 2], "batch_size": [1, 10]})) == [
        "h10_lr0p1_e1_b1_s1",
        "h10_lr0p1_e1_b10_s1",
        "h10_lr0p1_e2_b1_s1",
        "h10_lr0p1_e2_b10_s1",
    ]


@pytest.mark.parametrize(
    ("value", "part"), [(0.1, "0p1"), (0.05, "0p05"), (1.0, "1"), (1e-5, "0p00001"), (200, "200")]
)
def test_name_parts_are_path_safe_and_keep_every_digit(value, part):
    assert name_part(value) == part
    assert NAME.match(name_part(value))


def test_close_learning_rates_get_distinct_names():
    models = expand_sweep({"hidden_nodes": [1], "learning_rate": [0.1, 0.1000001], "seeds": [1]})
    assert len(models) == 2


@pytest.mark.parametrize(
    ("sweep", "message"),
    [
        (
            {"hidden_nodes": [], "learning_rate": [0.1]},
            "sweep.hidden_nodes: the list of values is empty",
        ),
        (
            {"hidden_nodes": [5], "learning_rate": [0.1, 0.1]},
            r"sweep.learning_rate: values \[0.1\]",
        ),
        ({"shuffle": True}, "sweep: lists none of hidden_nodes, learning_rate"),
    ],
)
def test_a_sweep_without_values_or_with_an_empty_or_repeated_list_is_refused(sweep, message):
    with pytest.raises(MnistnnError, match=message):
        expand_sweep(sweep)


def test_add_sweep_keeps_the_listed_models_and_refuses_a_clash():
    book = {"book": {"hidden_nodes": 200}}
    sweep = {"hidden_nodes": [5], "learning_rate": [0.1], "seeds": [1]}
    assert set(add_sweep(book, sweep)) == {"book", "h5_lr0p1_s1"}
    assert add_sweep(book, None) == book
    with pytest.raises(MnistnnError, match="model h5_lr0p1_s1 is also listed under models, with"):
        add_sweep({"h5_lr0p1_s1": {}}, sweep)


def test_a_sweep_point_trained_like_book_is_book_trained_once():
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text())
    sweep = yaml.safe_load((ROOT / "config/sweep.yaml").read_text())["sweep"]
    swept = sweep_models(config["models"], sweep)
    # book's snapshots (what is saved of it) differ from the sweep's; its training does not
    assert len(swept) == 30 and "book" in swept and "h200_lr0p1_s1" not in swept
    assert swept["book"] is config["models"]["book"]
    models = add_sweep(config["models"], sweep)
    assert list(models)[:2] == ["book", "rashid"] and len(models) == 2 + 29
    # rashid is trained by the book's own update rule: not the same as any sweep point
    assert "h200_lr0p1_s1" not in models


def test_sweep_models_come_by_hidden_size_then_learning_rate_then_seed():
    sweep = {"hidden_nodes": [50, 8], "learning_rate": [0.2, 0.1], "seeds": [2, 1]}
    assert list(sweep_models({}, sweep)) == [
        f"h{h}_lr{lr}_s{s}" for h in (8, 50) for lr in ("0p1", "0p2") for s in (1, 2)
    ]


def test_the_grid_shows_each_size_at_its_best_learning_rate_and_first_seed():
    table = pd.DataFrame(
        [
            {"model": f"h{h}_{lr}_{s}", "hidden_nodes": h, "learning_rate": lr, "seed": s,
             "test_accuracy": accuracy}
            for h, lr, s, accuracy in [
                (50, 0.1, 2, 0.91), (50, 0.1, 1, 0.90), (50, 0.2, 1, 0.95), (50, 0.2, 2, 0.80),
                (8, 0.1, 1, 0.70), (8, 0.1, 2, 0.72), (8, 0.2, 1, 0.60), (8, 0.2, 2, 0.61),
            ]
        ]
    )  # fmt: skip
    chosen = grid_models(table)
    # size 50: lr 0.1 has the better mean (0.905 against 0.875) though lr 0.2 has the best model
    assert list(chosen["model"]) == ["h8_0.1_1", "h50_0.1_1"]


def write_run(folder: Path, name: str, accuracy: float, seconds: list[float], quality=None):
    """The files a run leaves for one model: metrics, benchmark and (optionally) quality."""
    model = folder / name
    model.mkdir(parents=True)
    (model / "metrics.json").write_text(json.dumps({"test_accuracy": accuracy, "n_test": 10}))
    rows = "".join(
        f"{s}\t0:00:01\t{100 + 10 * i}\t1\t1\t1\t0\t0\t0\t1\n" for i, s in enumerate(seconds)
    )
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    (model / "train.tsv").write_text(header + rows)
    if quality is not None:
        quality.to_csv(model / "quality.csv", index=False)
    return {
        kind: model / file
        for kind, file in (
            ("metrics", "metrics.json"),
            ("benchmark", "train.tsv"),
            ("quality", "quality.csv"),
        )
    }


def quality_frame(self_recognized: list[int]) -> pd.DataFrame:
    """quality.csv of two methods over the ten digits."""
    digits = np.arange(10)
    return pd.DataFrame(
        {
            "method": ["seed"] * 10 + ["prior"] * 10,
            "digit": np.concatenate([digits, digits]),
            "target_output": np.r_[np.full(10, 0.5), np.full(10, 0.9)],
            "self_recognized": self_recognized + [1] * 10,
            "template_corr": np.r_[np.linspace(0, 0.9, 10), np.full(10, 0.7)],
            "template_best": [1] * 3 + [0] * 7 + [1] * 10,
            "knn_recognized": [0] * 10 + [1] * 9 + [0],
        }
    )


def test_sweep_table_has_one_row_per_model_with_costs_and_scores(tmp_path):
    models = expand_sweep(
        {"hidden_nodes": [4, 8], "learning_rate": [0.1], "seeds": [1], "snapshots": []}
    )
    runs = {
        "h4_lr0p1_s1": write_run(
            tmp_path, "h4_lr0p1_s1", 0.5, [2.0, 4.0], quality_frame([1] * 6 + [0] * 4)
        ),
        "h8_lr0p1_s1": write_run(tmp_path, "h8_lr0p1_s1", 0.75, [1.5], quality_frame([0] * 10)),
    }
    paths = {
        kind: {name: run[kind] for name, run in runs.items()}
        for kind in ("metrics", "benchmark", "quality")
    }
    table = sweep_table(models, paths["metrics"], paths["benchmark"], paths["quality"])
    assert list(table["model"]) == ["h4_lr0p1_s1", "h8_lr0p1_s1"]
    assert "snapshots" not in table
    row = table.set_index("model").loc["h4_lr0p1_s1"]
    assert (row["hidden_nodes"], row["learning_rate"], row["seed"]) == (4, 0.1, 1)
    assert row["test_accuracy"] == 0.5
    assert row["train_seconds"] == 3.0  # mean of the repeats
    assert row["max_rss"] == 110  # the largest of them
    assert row["seed_self_recognized"] == 6
    assert row["seed_template_best"] == 3
    assert row["prior_knn_recognized"] == 9
    assert row["seed_mean_target_output"] == pytest.approx(0.5)
    assert row["prior_mean_target_output"] == pytest.approx(0.9)
    assert table.set_index("model").loc["h8_lr0p1_s1", "seed_self_recognized"] == 0

    without_quality = sweep_table(models, paths["metrics"], paths["benchmark"])
    assert not [column for column in without_quality if column.startswith("seed_")]


def test_the_slurm_profile_uses_only_options_snakemake_knows():
    """Every key of the profile, commented-out ones included, is a command-line option
    (those of the SLURM executor are checked when its plugin is installed)."""
    from snakemake.cli import get_argument_parser

    text = (ROOT / "workflow/profiles/slurm/config.yaml").read_text()
    profile = yaml.safe_load(text)
    commented = re.findall(r"^# ([a-z][a-z-]+): ", text, flags=re.MULTILINE)
    assert profile["executor"] == "slurm"
    assert "slurm-status-command" in commented
    help_text = get_argument_parser().format_help()
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        commented = [key for key in commented if not key.startswith("slurm-")]
        profile = {key: value for key, value in profile.items() if not key.startswith("slurm-")}
    for key in [*profile, *commented]:
        assert re.search(rf"--{key}\b", help_text), f"snakemake has no option --{key}"
