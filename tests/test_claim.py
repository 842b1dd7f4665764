"""The claim study: design, clarity scores, Spearman correlation and bootstrap, its target."""

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from conftest import TINY_CLAIM, digit_like_images, make_pipeline_copy, pipeline_config, snakemake

from mnistnn import claim, plan
from mnistnn.errors import MnistnnError
from mnistnn.network import initial_network, scale_pixels
from mnistnn.quality import KnnJudge

# --- design ---------------------------------------------------------------------------------------


def test_study_from_config_names_runs_and_networks():
    study = plan.Study.from_config(TINY_CLAIM)
    assert study.bootstrap_samples == 200 and study.snapshots == 3
    assert list(study.runs()) == ["h4_s1", "h4_s2", "h8_s1", "h8_s2"]
    assert study.runs()["h8_s2"] == (8, 2)
    assert study.networks("h4_s1") == ["h4_s1_p0", "h4_s1_p1", "h4_s1_p2", "h4_s1_p3"]
    hyper = claim.run_hyperparameters(study, "h8_s2", 300)
    assert (hyper.hidden_nodes, hyper.seed, hyper.epochs, hyper.batch_size) == (8, 2, 2, 1)
    assert hyper.snapshots == tuple(claim.snapshot_samples(study, 300))


def test_snapshots_are_log_spaced_up_to_the_end_of_training():
    study = plan.Study(epochs=3, snapshots=5, first_snapshot=30)
    counts = claim.snapshot_samples(study, 60000)
    assert counts[0] == 30 and counts[-1] == 180000
    ratios = np.diff(np.log(counts))
    assert np.allclose(ratios, ratios[0], rtol=1e-3)


def test_too_many_snapshots_for_a_short_training_are_refused_naming_the_key():
    with pytest.raises(MnistnnError, match="claim.snapshots"):
        claim.snapshot_samples(plan.Study(epochs=1, snapshots=50, first_snapshot=1), 20)
    with pytest.raises(MnistnnError, match="claim.first_snapshot"):
        claim.snapshot_samples(plan.Study(epochs=1, snapshots=3, first_snapshot=20), 20)


# --- clarity --------------------------------------------------------------------------------------


def test_clarity_scores_against_a_direct_computation():
    labels = np.arange(200) % 10
    train_u8 = digit_like_images(labels, seed=3).reshape(200, 784)
    judge = KnnJudge(train_u8, labels)
    templates = np.array([scale_pixels(train_u8[labels == d].mean(axis=0)) for d in range(10)])
    rng = np.random.default_rng(0)
    net = initial_network(5, 0)
    images = {"a": rng.uniform(0.01, 0.99, (10, 784)), "b": templates}
    table = claim.clarity_table({"n1": (net, images)}, templates, judge)
    assert list(table.columns) == list(claim.CLARITY_COLUMNS) and len(table) == 20
    assert table["network"].eq("n1").all() and table["method"].tolist() == ["a"] * 10 + ["b"] * 10
    for row in table.itertuples():
        image = images[row.method][row.digit]
        distances = np.sum((scale_pixels(train_u8) - image) ** 2, axis=1)
        nearest = np.argsort(distances, kind="stable")[:10]
        assert row.knn_share == pytest.approx(np.mean(labels[nearest] == row.digit))
        assert row.template_corr == pytest.approx(np.corrcoef(image, templates[row.digit])[0, 1])
        output = 1 / (1 + np.exp(-(1 / (1 + np.exp(-(image @ net.W1))) @ net.W2)))
        assert row.target_output == pytest.approx(output[row.digit])
    # the bars are clean: each digit's mean image is surrounded by that digit
    assert table[table["method"] == "b"]["knn_share"].min() == 1.0


# --- correlation and bootstrap --------------------------------------------------------------------


def test_spearman_by_hand_with_ties():
    # ranks of y: 1, 2, 3.5, 5, 3.5; centred ranks x: -2..2, y: -2, -1, .5, 2, .5
    # sum of products 8, sums of squares 10 and 9.5
    x, y = [1, 2, 3, 4, 5], [5, 6, 7, 8, 7]
    assert claim.spearman(x, y) == pytest.approx(8 / np.sqrt(95))
    assert claim.spearman(x, y) == pytest.approx(scipy.stats.spearmanr(x, y).statistic)
    assert claim.spearman(x, [9, 7, 5, 3, 1]) == pytest.approx(-1.0)
    assert np.isnan(claim.spearman(x, [2] * 5))


def test_spearman_along_the_last_axis():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(4, 12)), rng.normal(size=(4, 12))
    expected = [scipy.stats.spearmanr(a, b).statistic for a, b in zip(x, y, strict=True)]
    assert np.allclose(claim.spearman(x, y), expected)


def test_bootstrap_interval_by_hand():
    # monotone data: every resample with two distinct points has correlation 1
    assert claim.bootstrap_interval([1, 2, 3, 4], [10, 20, 30, 40], 500, 0) == (1.0, 1.0)
    x = np.arange(20.0)
    y = x + np.random.default_rng(2).normal(0, 4, 20)
    low, high = claim.bootstrap_interval(x, y, 400, rng_seed=7)
    # the same resamples drawn and correlated one by one
    picks = np.random.default_rng(7).integers(0, 20, size=(400, 20))
    values = [scipy.stats.spearmanr(x[p], y[p]).statistic for p in picks]
    assert (low, high) == pytest.approx(tuple(np.nanpercentile(values, [2.5, 97.5])))
    assert low < claim.spearman(x, y) < high
    assert claim.bootstrap_interval(x, y, 400, rng_seed=7) == (low, high)  # seeded


def test_correlation_table_regimes():
    networks = pd.DataFrame(
        {
            "network": [f"n{i}" for i in range(6)],
            "hidden_nodes": 4,
            "seed": 1,
            "samples_seen": range(6),
            "test_accuracy": [0.1, 0.3, 0.5, 0.86, 0.9, 0.95],
        }
    )
    # clarity rises with accuracy, then falls among the accurate networks
    share = [0.1, 0.2, 0.3, 0.9, 0.8, 0.7]
    clarity = pd.DataFrame(
        {
            "network": np.repeat(networks["network"], 2),
            "method": "m",
            "digit": [0, 1] * 6,
            "knn_share": np.repeat(share, 2),
            "template_corr": np.repeat(share, 2),
            "target_output": np.repeat(networks["test_accuracy"], 2),
        }
    )
    table = claim.correlation_table(networks, clarity, plan.Study(bootstrap_samples=100))
    assert list(table.columns) == list(claim.CORRELATION_COLUMNS) and len(table) == 6
    rows = table.set_index(["score", "regime"])
    assert rows.loc[("knn_share", "all"), "n"] == 6 and rows.loc[("knn_share", "high"), "n"] == 3
    assert rows.loc[("knn_share", "all"), "spearman"] == pytest.approx(
        scipy.stats.spearmanr(networks["test_accuracy"], share).statistic
    )
    assert rows.loc[("knn_share", "high"), "spearman"] == pytest.approx(-1.0)
    assert rows.loc[("target_output", "all"), "spearman"] == pytest.approx(1.0)
    peaks = claim.turning_points(networks, clarity, "knn_share")
    assert peaks.loc[0, "peak_accuracy"] == 0.86 and peaks.loc[0, "peak_last_share"] == 0.0


# --- the target, on the tiny MNIST ----------------------------------------------------------------


@pytest.mark.workflow
def test_the_claim_target_writes_its_files_and_the_main_job_leaves_it_out(tiny_mnist, tmp_path):
    folder = make_pipeline_copy(tmp_path / "claim", pipeline_config(*tiny_mnist))
    dry_run = snakemake(folder, "--dry-run")
    assert "claim_run" not in dry_run.stdout and "claim_summary" not in dry_run.stdout
    snakemake(folder, "claim")
    results = folder / "results" / "claim"
    networks = pd.read_csv(results / "networks.csv")
    assert list(networks.columns) == list(claim.NETWORK_COLUMNS) and len(networks) == 16
    assert sorted(set(networks["hidden_nodes"])) == [4, 8] and set(networks["seed"]) == {1, 2}
    assert networks.groupby(["hidden_nodes", "seed"])["samples_seen"].min().eq(0).all()
    assert networks["test_accuracy"].min() < 0.3 < 0.7 < networks["test_accuracy"].max()
    methods = ["seed", "pinv", "actmax", "prior", "mixture", "posterior"]
    for name, hidden in zip(networks["network"], networks["hidden_nodes"], strict=True):
        with np.load(results / "params" / f"{name}.npz", allow_pickle=False) as params:
            assert params["W1"].shape == (784, hidden) and params["v2"].shape == (10,)
        for method in methods:
            images = np.load(results / "images" / name / f"{method}.npy", allow_pickle=False)
            assert images.shape == (10, 784) and images.dtype == np.float64
    clarity = pd.read_csv(results / "clarity.csv")
    assert list(clarity.columns) == list(claim.CLARITY_COLUMNS) and len(clarity) == 16 * 6 * 10
    assert clarity["knn_share"].between(0, 1).all()
    correlation = pd.read_csv(results / "correlation.csv")
    assert list(correlation.columns) == list(claim.CORRELATION_COLUMNS)
    assert len(correlation) == 6 * 3 * 2 and set(correlation["regime"]) == {"all", "high"}
    assert correlation.query("regime == 'all'")["n"].eq(16).all()
    for figure in ["claim/clarity_vs_accuracy.png", "figures/claim.png"]:
        assert (folder / "results" / figure).read_bytes().startswith(b"\x89PNG")
    copied = folder / "results/figures/claim.npz"
    assert copied.read_bytes() == (results / "clarity_vs_accuracy.npz").read_bytes()
    with np.load(copied, allow_pickle=False) as arrays:
        assert np.array_equal(arrays["test_accuracy"], networks["test_accuracy"])
        assert arrays["posterior_knn_share"].shape == (16,)
    assert "Nothing to be done" in snakemake(folder, "claim").stderr
