"""The real pipeline, run by the real `snakemake` on a tiny MNIST: every stage, end to end."""

import json
import subprocess

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import snakemake

from mnistnn import backquery as bq
from mnistnn import network as nw
from mnistnn.defaults import METHODS
from mnistnn.idx import load_mnist
from mnistnn.params import PARAM_FILES, read_params, write_params

pytestmark = pytest.mark.workflow
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_a_run_modifies_no_tracked_file(pipeline):
    folder, _ = pipeline
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    )
    assert status.stdout == ""  # outputs only under the ignored resources/ and results/


def test_data_lands_verified(pipeline, tiny_mnist):
    folder, _ = pipeline
    for name in tiny_mnist[1]:
        assert (folder / "resources" / "mnist" / name).read_bytes() == (
            tiny_mnist[0] / name
        ).read_bytes()


def test_second_run_has_nothing_to_do(pipeline):
    folder, _ = pipeline
    assert "Nothing to be done" in snakemake(folder).stderr


def test_training_outputs_and_progress(pipeline):
    folder, run = pipeline
    assert "epoch 2/2" in run.stderr and "samples/s" in run.stderr
    assert "epoch 1/2" in (folder / "results/tiny/logs/train.log").read_text()
    history = pd.read_csv(folder / "results/tiny/history.csv")
    assert list(history.columns[:4]) == ["epoch", "mean_loss", "test_accuracy", "seconds"]
    assert history["epoch"].tolist() == [1, 2]
    benchmark = pd.read_csv(folder / "results/tiny/benchmarks/train.tsv", sep="\t")
    assert "max_rss" in benchmark.columns
    with np.load(folder / "results/tiny/model.npz", allow_pickle=False) as model:
        assert model["W1"].dtype == np.float64 and model["W1"].shape == (784, 12)


def test_exported_params_match_the_model_and_the_blog_format(pipeline):
    folder, _ = pipeline
    params = folder / "results/tiny/params"
    net = read_params(params)
    with np.load(folder / "results/tiny/model.npz", allow_pickle=False) as model:
        for name, array in zip(("W1", "W2", "v1", "v2"), net, strict=True):
            assert np.array_equal(model[name], array)
    for name in PARAM_FILES:
        text = (params / name).read_text()
        assert "\t" not in text and "  " not in text


def test_metrics_and_confusion_for_trained_and_imported_models(pipeline):
    folder, _ = pipeline
    trained = json.loads((folder / "results/tiny/metrics.json").read_text())
    assert trained["n_test"] == 100 and trained["hidden_nodes"] == 12
    assert trained["test_accuracy"] > 0.5  # the bars are learnable; chance is 0.1
    assert set(trained["per_class_accuracy"]) == {str(d) for d in range(10)}
    assert trained["train_seconds"] > 0
    imported = json.loads((folder / "results/foreign/metrics.json").read_text())
    assert imported["hidden_nodes"] == 9 and "train_seconds" not in imported
    confusion = pd.read_csv(folder / "results/tiny/confusion.csv", index_col=0)
    assert confusion.shape == (10, 10) and confusion.to_numpy().sum() == 100


@pytest.mark.parametrize("model", ["tiny", "foreign"])
def test_backquery_images_for_every_method(pipeline, model):
    folder, _ = pipeline
    for method in ["seed", "pinv", "actmax", "prior", "mixture", "posterior"]:
        for digit in range(10):
            image = np.load(folder / f"results/{model}/backquery/{method}/{digit}.npy")
            assert image.shape == (784,) and image.dtype == np.float64
            assert image.min() >= 0.01 - 1e-12 and image.max() <= 0.99 + 1e-12
            png = folder / f"results/{model}/backquery/{method}/{digit}.png"
            assert png.read_bytes().startswith(PNG_SIGNATURE)
        control = np.load(folder / f"results/{model}/control/{method}/0.npy")
        assert control.shape == (784,)
    # the labelled reference is stored once, for every model
    assert not (folder / f"results/{model}/backquery/mean").exists()
    assert np.load(folder / "results/mean_images.npy").shape == (10, 784)


def test_a_montage_only_model_gets_the_books_backquery_alone(pipeline):
    folder, _ = pipeline
    results = folder / "results/tiny_rashid"
    net = read_params(results / "params")
    for digit in range(10):
        image = np.load(results / f"backquery/seed/{digit}.npy")
        assert np.array_equal(image, bq.seed(net, bq.label_vector(digit)))
    query = np.load(results / "queries/three_or_eight.npy")
    assert np.array_equal(
        query, bq.seed(net, np.array([0.01] * 3 + [0.5] + [0.01] * 4 + [0.5, 0.01]))
    )
    assert sorted(path.name for path in (results / "backquery").iterdir()) == ["seed"]
    assert (results / "montage.png").read_bytes().startswith(PNG_SIGNATURE)
    assert not (results / "control").exists() and not (results / "methods.png").exists()
    assert "tiny_rashid" in pd.read_csv(folder / "results/montage.csv")["model"].tolist()


def test_control_is_the_untrained_network(pipeline):
    folder, _ = pipeline
    control = read_params(folder / "results/tiny/control/params")
    initial = nw.initial_network(12, init_seed=3)  # the tiny model's H and seed
    assert all(np.array_equal(a, b) for a, b in zip(control, initial, strict=True))
    images, labels = load_mnist(folder / "resources/mnist", "t10k")
    trained = read_params(folder / "results/tiny/params")
    assert nw.accuracy(control, images, labels) < 0.3 < nw.accuracy(trained, images, labels)


def test_models_that_start_from_one_network_share_its_control(pipeline):
    """The sweep's h12_lr0p6_s3 starts from tiny's initial network (H = 12, seed 3), and
    h6_lr0p6_s3 from h6_lr0p3_s3's: each is scored against that model's control, made once."""
    folder, _ = pipeline
    results = folder / "results"
    for model, owner in [("h12_lr0p6_s3", "tiny"), ("h6_lr0p6_s3", "h6_lr0p3_s3")]:
        assert not (results / model / "control").exists()
        assert (results / owner / "control/params/weight1.txt").exists()
        scores = [pd.read_csv(results / name / "backquery/control.csv") for name in (model, owner)]
        pd.testing.assert_frame_equal(*scores)
        own = [pd.read_csv(results / name / "backquery/quality.csv") for name in (model, owner)]
        assert not own[0].equals(own[1])  # the trained networks differ
    control = read_params(results / "h6_lr0p3_s3/control/params")
    initial = nw.initial_network(6, init_seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(control, initial, strict=True))


def test_quality_tables(pipeline):
    folder, _ = pipeline
    for name in ["quality.csv", "control.csv"]:
        table = pd.read_csv(folder / "results/tiny/backquery" / name)
        assert list(table.columns) == [
            "method", "digit", "target_output", "self_recognized",
            "template_corr", "template_best", "knn_recognized",
        ]  # fmt: skip
        assert len(table) == 60 and set(table["method"]) == {
            "seed", "pinv", "actmax", "prior", "mixture", "posterior",
        }  # fmt: skip


def test_figures_and_queries_are_pngs(pipeline):
    folder, _ = pipeline
    figures = [
        "results/montage.png",
        "results/tiny/montage.png",
        "results/tiny/methods.png",
        "results/tiny/evolution.png",
        "results/tiny/hidden_units.png",
        "results/tiny/similarity.png",
        "results/tiny/training.png",
        "results/tiny/examples.png",
        "results/foreign/examples.png",
        "results/foreign/montage.png",
        "results/tiny/queries/three_or_eight.png",
        "results/figures/montage.png",
        "results/figures/methods.png",
        "results/figures/evolution.png",
    ]
    for figure in figures:
        assert (folder / figure).read_bytes().startswith(PNG_SIGNATURE), figure
    assert (folder / "results/tiny/montage.svg").read_text().lstrip().startswith("<?xml")
    query = np.load(folder / "results/tiny/queries/three_or_eight.npy")
    assert query.shape == (784,)


def test_report_is_self_contained_and_shows_the_montage(report):
    html = report.read_text()
    assert "montage.png" in html and len(html) > 100_000
    assert "explorer.html" in html


@pytest.mark.parametrize(("model", "hidden"), [("tiny", 12), ("foreign", 9)])
def test_explorer_page_for_trained_and_imported_models(pipeline, model, hidden):
    folder, _ = pipeline
    page = (folder / f"results/{model}/explorer.html").read_text()
    data = json.loads(page.split('id="explorer-data">')[1].split("</script>")[0])
    assert data["model"] == model and data["hidden_nodes"] == hidden
    assert [method["name"] for method in data["methods"]] == [*METHODS, "mean"]
    assert [q["name"] for q in data["queries"]] == ["three_or_eight"]
    quality = pd.read_csv(folder / f"results/{model}/backquery/quality.csv")
    seed_scores = quality[quality["method"] == "seed"].sort_values("digit")
    shown = data["methods"][0]["scores"]
    assert [score["knn_recognized"] for score in shown] == seed_scores["knn_recognized"].tolist()
    assert [score["target_output"] for score in shown] == pytest.approx(
        seed_scores["target_output"].tolist(), rel=1e-12
    )
    assert "wrote" in (folder / f"results/{model}/logs/explorer.log").read_text()


def test_import_of_a_malformed_folder_writes_nothing(pipeline, tiny_mnist, tmp_path):
    folder, _ = pipeline
    broken = tmp_path / "broken"
    write_params(broken, nw.initial_network(4, init_seed=0))
    (broken / "value2.txt").write_text("0.1 " * 9 + "x\n")
    config = yaml.safe_load((folder / "config/config.yaml").read_text())
    config["imported_models"] = {"broken": str(broken)}
    config_file = tmp_path / "broken.yaml"
    config_file.write_text(yaml.safe_dump(config))
    target = "results/broken/params/weight1.txt"  # before --configfile, which takes many
    run = snakemake(folder, target, "--configfile", str(config_file), check=False)
    assert run.returncode != 0
    assert f"{broken}/value2.txt, line 1: not a number" in run.stderr
    assert not (folder / "results/broken/params").exists() or not any(
        (folder / "results/broken/params").iterdir()
    )
