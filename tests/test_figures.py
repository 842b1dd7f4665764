"""Figures: valid, deterministic files; and the check that compares them with committed ones."""

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import matplotlib
import matplotlib.image
import numpy as np
import pandas as pd
import pytest
from PIL import Image
from pngfile import png_chunks, png_size

from mnistnn import figure_check, figures, images


def digits(seed: int) -> np.ndarray:
    """Ten random images in [0.01, 0.99], shape (10, 784)."""
    return np.random.default_rng(seed).uniform(0.01, 0.99, (10, 784))


def quality_table(methods) -> pd.DataFrame:
    rows = [
        {
            "method": m,
            "digit": d,
            "target_output": 0.5 + d / 50,
            "self_recognized": int(d < 7),
            "knn_recognized": d % 2,
        }
        for m in methods
        for d in range(10)
    ]
    return pd.DataFrame(rows)


def clarity_table(seed: int) -> pd.DataFrame:
    """Networks of two hidden sizes and two seeds, three snapshots each, two methods."""
    rng = np.random.default_rng(seed)
    rows = [
        {
            "method": method,
            "hidden_nodes": hidden,
            "seed": init_seed,
            "samples_seen": samples,
            "test_accuracy": 0.1 + 0.0003 * samples,
            "knn_share": rng.uniform(),
            "template_corr": rng.uniform(),
        }
        for method in ("seed", "posterior")
        for hidden in (10, 50)
        for init_seed in (1, 2)
        for samples in (0, 300, 3000)
    ]
    return pd.DataFrame(rows)


# Every figure function, called on data made from `seed`; the same seed gives the same data.
FIGURES = {
    "digit_png": lambda seed, path: images.digit_png(digits(seed)[3], path),
    "montage": lambda seed, path: figures.montage(digits(seed), "book — seed — 0.97", path),
    "montage_grid": lambda seed, path: figures.montage_grid(
        {"book": digits(seed), "fast": digits(seed + 1)}, path, title="all models"
    ),
    "methods_figure": lambda seed, path: figures.methods_figure(
        {"mean": digits(seed), "seed": digits(seed + 1)},
        quality_table(["seed", "mean"]),
        path,
    ),
    "evolution_figure": lambda seed, path: figures.evolution_figure(
        ["initial", "epoch 1"],
        {"seed": np.stack([digits(seed), digits(seed + 1)]), "best": np.stack([digits(seed)] * 2)},
        path,
    ),
    "hidden_units_figure": lambda seed, path: figures.hidden_units_figure(
        np.random.default_rng(seed).normal(size=(784, 6)), path
    ),
    "similarity_figure": lambda seed, path: figures.similarity_figure(
        {"seed": np.random.default_rng(seed).uniform(-1, 1, (10, 10)), "best": np.eye(10)}, path
    ),
    "examples_figure": lambda seed, path: figures.examples_figure(
        np.random.default_rng(seed).uniform(0.01, 0.99, (30, 784)),
        np.arange(20).reshape(10, 2),
        np.array([[20 + d, -1] for d in range(10)]),
        np.arange(30) % 10,
        np.random.default_rng(seed).dirichlet(np.ones(10), 30),
        path,
        title="model: examples",
    ),
    "clarity_vs_accuracy_figure": lambda seed, path: figures.clarity_vs_accuracy_figure(
        clarity_table(seed), path, title="clearer?"
    ),
    "training_figure": lambda seed, path: figures.training_figure(
        pd.DataFrame(
            {
                "epoch": [1, 2, 3],
                "mean_loss": [0.09, 0.05, 0.04 + seed / 1e3],
                "test_accuracy": [0.93, 0.95, 0.96],
            }
        ),
        pd.DataFrame({"epochs": [0, 0.5, 1, 2, 3], "test_accuracy": [0.1, 0.8, 0.93, 0.95, 0.96]}),
        path,
        title="How the network learns",
    ),
    "sweep_figure": lambda seed, path: figures.sweep_figure(sweep_table(seed), path, title="sweep"),
}


def sweep_table(seed: int) -> pd.DataFrame:
    """sweep_table's columns for 2 sizes x 2 learning rates x 2 seeds, scores of two methods."""
    rng = np.random.default_rng(seed)
    rows = [
        {
            "model": f"h{h}_lr{lr}_s{s}",
            "hidden_nodes": h,
            "learning_rate": lr,
            "seed": s,
            "test_accuracy": 0.8 + h / 1000 + rng.uniform(0, 0.01),
            "seed_knn_recognized": int(rng.integers(0, 11)),
            "posterior_knn_recognized": int(rng.integers(5, 11)),
        }
        for h in (25, 100)
        for lr in (0.1, 0.2)
        for s in (1, 2)
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("name", FIGURES)
def test_png_is_valid_deterministic_and_free_of_run_metadata(name, tmp_path):
    draw = FIGURES[name]
    first, second, other = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    draw(1, first)
    draw(1, second)
    draw(2, other)
    data = first.read_bytes()
    assert data == second.read_bytes()
    # the size is fixed by the layout, not by the data
    assert png_size(data) == png_size(other.read_bytes())
    if name == "digit_png":
        assert png_size(data) == (224, 224)  # 28 x 28, each pixel an 8 x 8 block
    # no text (software, version, date) and no modification time in the file
    kinds = {kind for kind, _ in png_chunks(data)}
    assert not kinds & {b"tEXt", b"iTXt", b"zTXt", b"tIME"}
    assert not list(tmp_path.glob(".*"))  # no temporary files left behind


@pytest.mark.parametrize("name", [n for n in FIGURES if n != "digit_png"])
def test_svg_is_valid_deterministic_and_undated(name, tmp_path):
    draw = FIGURES[name]
    draw(1, tmp_path / "a.svg")
    draw(1, tmp_path / "b.svg")
    text = (tmp_path / "a.svg").read_text()
    assert text == (tmp_path / "b.svg").read_text()
    assert ET.fromstring(text.encode()).tag == "{http://www.w3.org/2000/svg}svg"
    assert "<dc:date>" not in text and "<dc:creator>" not in text
    assert matplotlib.__version__ not in text


def test_montage_draws_digit_k_in_column_k_on_one_fixed_scale(tmp_path):
    values = 0.01 + 0.98 * np.arange(10) / 9
    figures.montage(np.repeat(values[:, None], 784, axis=1), "flat images", tmp_path / "m.png")
    pixels = np.array(Image.open(tmp_path / "m.png"))
    centres = []
    for value in values:
        colour = matplotlib.colormaps["Greys"](value, bytes=True)
        ys, xs = np.nonzero(np.all(pixels == colour, axis=2))
        assert len(xs) >= (28 * figures.ZOOM) ** 2  # a whole tile, in the exact colour
        centres.append(np.median(xs))
    assert np.all(np.diff(centres) > 28 * figures.ZOOM)


def test_bad_shapes_are_named(tmp_path):
    with pytest.raises(ValueError, match="'fast'.*\\(10, 784\\).*\\(9, 784\\)"):
        figures.montage_grid({"fast": digits(1)[:9]}, tmp_path / "m.png")
    with pytest.raises(ValueError, match="not 'jpg'"):
        figures.montage(digits(1), "t", tmp_path / "m.jpg")
    with pytest.raises(ValueError, match="'seed': 1 sets of images for 2 stages"):
        figures.evolution_figure(["a", "b"], {"seed": digits(1)[None]}, tmp_path / "e.png")


def test_methods_figure_puts_the_reference_last_and_marks_the_judge(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(figures, "digit_grid", lambda rows, *a, **k: drawn.extend(rows))
    quality = quality_table(["mean", "seed", "pinv"])
    images = {"mean": digits(1), "seed": digits(2), "pinv": digits(3)}
    figures.methods_figure(images, quality, tmp_path / "m.png")
    names = [row.label.split("\n")[0] for row in drawn]
    assert names == ["seed (the book's)", "pinv", "average training image"]
    assert drawn[2].label.endswith("(reference, uses labels)\nnetwork 7/10, judge 5/10")
    assert [row.reference for row in drawn] == [False, False, True]
    assert drawn[0].notes[:2] == ["0.50", "0.52 ✓"]
    # the network's own count (self_recognized) and the judge's (knn_recognized), named
    assert drawn[0].label.split("\n")[1] == "network 7/10, judge 5/10"


def test_a_faint_row_gets_its_own_scale_and_says_so(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(figures, "digit_grid", lambda rows, *a, **k: drawn.extend(rows))
    faint = digits(2) * 0.3  # largest value below 0.3
    figures.methods_figure(
        {"seed": digits(1), "actmax": faint}, quality_table(["seed", "actmax"]), tmp_path / "m.png"
    )
    assert drawn[0].vmax == 1.0 and "faint" not in drawn[0].label
    assert drawn[1].vmax == 0.3 and drawn[1].label.endswith("faint: black = 0.3")


# ---------------------------------------------------------------------------- the check


@pytest.fixture
def repo(tmp_path):
    """A pipeline folder whose committed docs/figures and regenerated results/figures both
    hold the same montage.png and montage.npz."""
    for folder in ("docs/figures", "results/figures"):  # the folders README and CI name
        figures.montage(digits(1), "book", tmp_path / folder / "montage.png")
        np.savez(tmp_path / folder / "montage.npz", images=digits(1))
    return tmp_path


def regenerated(repo):
    return repo / figure_check.REGENERATED


def test_check_help_names_each_command_and_option_with_its_default(capsys):
    help_texts = {}
    for command in ([], ["check"]):
        with pytest.raises(SystemExit) as stopped:
            figure_check.main([*command, "--help"])
        assert stopped.value.code == 0
        help_texts[" ".join(command)] = " ".join(capsys.readouterr().out.split())
    assert help_texts[""].startswith("usage: python -m mnistnn.figures [-h] [--repo REPO]")
    for text in (
        "Check the regenerated figures (results/figures) against the committed ones "
        "(docs/figures), refresh the committed ones, or redraw the rule graph.",
        "--repo REPO root of the pipeline (default .)",
        "--committed COMMITTED folder, relative to the root",
        "--regenerated REGENERATED folder, relative to the root",
        "check compare regenerated figures with committed ones",
        "refresh copy the regenerated figures over the committed ones",
        "rulegraph redraw the committed rule graph (snakemake --rulegraph)",
    ):
        assert text in help_texts[""], text
    for text in (
        "--tolerance TOLERANCE largest allowed array difference (default 0.001)",
        "--grey-levels GREY_LEVELS largest pixel difference that counts as equal (default 2)",
        "--stray-pixels STRAY_PIXELS pixels that may differ by more (default 25)",
        "--strict fail on uncommitted new figures",
    ):
        assert text in help_texts["check"], text


def test_check_passes_on_identical_figures(repo, capsys):
    assert figure_check.main(["--repo", str(repo), "check"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["montage        ok    npz max |diff| 0; png identical"]


def test_check_fails_with_a_report_when_a_figure_changes(repo, capsys):
    figures.montage(digits(2), "book", regenerated(repo) / "montage.png")
    np.savez(regenerated(repo) / "montage.npz", images=digits(1) + 1e-2)
    assert figure_check.main(["--repo", str(repo), "check"]) == 1
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith(
        "montage        FAIL  npz max |diff| 0.01 in 'images' (limit 0.001); png"
    )
    assert "grey levels" in line and line.endswith(" (limit 25 pixels)")


def test_a_difference_equal_to_the_tolerance_passes(tmp_path):
    np.savez(tmp_path / "old.npz", images=np.zeros(3))
    np.savez(tmp_path / "new.npz", images=np.array([0.0, 0.001, 0.0]))
    assert figure_check.compare_npz(tmp_path / "old.npz", tmp_path / "new.npz", 0.001).ok
    assert not figure_check.compare_npz(tmp_path / "old.npz", tmp_path / "new.npz", 0.0009).ok


def test_check_looks_in_the_current_folder_by_default(repo, monkeypatch):
    monkeypatch.chdir(repo)
    assert figure_check.check() == (True, ["montage        ok    npz max |diff| 0; png identical"])


def test_the_tolerance_lies_between_the_measured_spread_and_the_smallest_real_change():
    check = figure_check  # a factor of three from each measurement
    assert 3 * check.SPREAD_MEASURED < check.ARRAY_TOLERANCE < check.CHANGE_MEASURED / 3


@pytest.mark.parametrize(
    ("change", "ok"),
    [
        (figure_check.SPREAD_MEASURED, True),  # another CPU
        (figure_check.CHANGE_MEASURED, False),  # one epoch more, another rate or method setting
    ],
)
def test_check_accepts_what_another_cpu_changes_and_refuses_a_real_change(repo, change, ok):
    images = digits(1)
    images[3, 100:110] += change
    np.savez(regenerated(repo) / "montage.npz", images=images)
    assert figure_check.check(repo)[0] is ok


def test_check_accepts_one_colour_map_step_and_a_few_stray_pixels_and_refuses_more(repo):
    path = regenerated(repo) / "montage.png"
    pixels = np.array(Image.open(path))
    pixels[5, 5, :3] ^= 1
    Image.fromarray(pixels).save(path)
    ok, (line,) = figure_check.check(repo)
    size = pixels.shape[0] * pixels.shape[1]
    assert ok and line.endswith(f"; png max 1 grey level, 1 of {size} pixels differ"), line
    pixels[5, 5, :3] ^= 1  # undone
    pixels[10:20, 10:20, :3] ^= 2  # two grey levels up or down: one step of the Greys map
    Image.fromarray(pixels).save(path)
    ok, (line,) = figure_check.check(repo)
    assert ok and line.endswith(f"; png max 2 grey levels, 100 of {size} pixels differ"), line
    assert not figure_check.check(repo, grey_levels=1, stray_pixels=0)[0]
    # an anti-aliased edge that moved: a few pixels by many levels
    pixels[30, 30 : 30 + figure_check.STRAY_PIXELS, :3] ^= 64
    Image.fromarray(pixels).save(path)
    ok, (line,) = figure_check.check(repo)
    stray = f"differ, {figure_check.STRAY_PIXELS} by more than 2 levels"
    assert ok and line.endswith(f"; png max 64 grey levels, 125 of {size} pixels {stray}"), line
    old = int(pixels[31, 30, 0])
    new = 0 if old > 127 else 255  # black for white: more than 127 levels
    pixels[31, 30, :3] = new
    Image.fromarray(pixels).save(path)
    ok, (line,) = figure_check.check(repo)
    assert line == (
        f"montage        FAIL  npz max |diff| 0; png max {abs(new - old)} grey "
        f"levels, 126 of {size} pixels differ, 26 by more than 2 levels (limit 25 pixels)"
    )


def test_check_refuses_a_png_of_another_shape(repo):
    path = regenerated(repo) / "montage.png"
    pixels = np.array(Image.open(path))
    Image.fromarray(pixels[:-1]).save(path)
    ok, (line,) = figure_check.check(repo)
    assert not ok and line == (
        f"montage        FAIL  npz max |diff| 0; png shape changed from {pixels.shape} "
        f"to {pixels[:-1].shape}"
    )


@pytest.mark.parametrize("where", ["committed", "regenerated"])
def test_check_never_unpickles_an_array(repo, where):
    folder = repo / {"committed": "docs/figures", "regenerated": "results/figures"}[where]
    np.savez(folder / "montage.npz", images=np.array([{"x": 1}] * 10, dtype=object))
    with pytest.raises(ValueError, match="allow_pickle=False"):
        figure_check.check(repo)


def test_the_stray_pixels_allowed_lie_between_the_measured_spread_and_change():
    check = figure_check  # a factor of four from each measurement
    assert 4 * check.STRAY_PIXELS_MEASURED <= check.STRAY_PIXELS
    assert 4 * check.STRAY_PIXELS <= check.CHANGE_PIXELS_MEASURED


def test_one_step_of_the_digits_colour_map_is_at_most_the_grey_levels_allowed():
    steps = np.diff(
        np.rint(matplotlib.colormaps[figures.DIGIT_CMAP](np.linspace(0, 1, 256)) * 255), axis=0
    )
    assert np.abs(steps).max() == figure_check.GREY_LEVELS


INF = "npz max |diff| inf in 'images' (limit 0.001)"


@pytest.mark.parametrize(
    ("arrays", "reason"),
    [
        ({"images": np.full((10, 784), np.nan)}, INF),
        ({"images": np.array(["a"] * 10)}, "npz 'images' shape changed from (10, 784) to (10,)"),
        (
            {"images": digits(1), "extra": np.zeros(3)},
            "npz arrays changed from ['images'] to ['extra', 'images']",
        ),
        ({"images": np.where(np.arange(7840).reshape(10, 784) == 5, np.nan, digits(1))}, INF),
        ({"images": np.full((10, 784), "a")}, INF),
        ({}, "npz arrays changed from ['images'] to []"),
    ],
)
def test_check_refuses_nan_foreign_and_extra_arrays(repo, arrays, reason):
    np.savez(regenerated(repo) / "montage.npz", **arrays)
    ok, (line,) = figure_check.check(repo)
    assert not ok and line == f"montage        FAIL  {reason}; png identical"


def test_check_compares_arrays_of_text_by_equality(repo):
    for folder in ("docs/figures", "results/figures"):
        np.savez(repo / folder / "montage.npz", images=digits(1), names=np.array(["a", "b"]))
    ok, (line,) = figure_check.check(repo)
    assert ok and line == "montage        ok    npz max |diff| 0; png identical"
    np.savez(regenerated(repo) / "montage.npz", images=digits(1), names=np.array(["a", "c"]))
    ok, (line,) = figure_check.check(repo)
    assert not ok and "npz max |diff| inf in 'names'" in line


def test_check_reports_new_and_missing_figures(repo, capsys):
    FIGURES["training_figure"](1, regenerated(repo) / "training.png")
    for folder in ("docs/figures", "results/figures"):
        (repo / folder / "notes.txt").write_text("a file of another kind")
    assert figure_check.main(["--repo", str(repo), "check"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "montage        ok    npz max |diff| 0; png identical",
        "notes          ok    notes.txt not compared",
        "training       ok    training.png new (not committed yet)",
    ]
    assert not figure_check.check(repo, strict=True)[0]
    (regenerated(repo) / "montage.npz").unlink()
    ok, lines = figure_check.check(repo)
    assert not ok and "montage.npz missing (committed, not regenerated)" in lines[0]


def test_refresh_copies_the_regenerated_figures_over_the_committed_ones(repo, capsys, monkeypatch):
    np.savez(regenerated(repo) / "montage.npz", images=digits(1) + 1)
    assert not figure_check.check(repo)[0]
    monkeypatch.chdir(repo)  # the current folder by default
    assert figure_check.main(["refresh"]) == 0
    assert capsys.readouterr().out == "copied montage.npz, montage.png to docs/figures\n"
    assert figure_check.refresh() == ["montage.npz", "montage.png"]  # again, called directly
    assert figure_check.check(repo)[0]
    committed = repo / figure_check.COMMITTED / "montage.npz"
    assert committed.read_bytes() == (regenerated(repo) / "montage.npz").read_bytes()


def test_check_command_line_runs_as_a_module(repo):
    shutil.rmtree(regenerated(repo))
    run = subprocess.run(
        [sys.executable, "-m", "mnistnn.figures", "check"], cwd=repo, capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "montage        FAIL  montage.npz missing" in run.stdout


def test_check_without_committed_figures_is_an_error_not_a_pass(tmp_path, capsys):
    assert figure_check.main(["--repo", str(tmp_path), "check"]) == 2
    assert capsys.readouterr().err == f"error: no committed figures in {tmp_path}/docs/figures\n"
    assert figure_check.main(["--repo", str(tmp_path), "refresh"]) == 2
    assert capsys.readouterr().err == (
        f"error: no regenerated figures in {tmp_path}/results/figures: run the main job first\n"
    )
    with pytest.raises(SystemExit) as stopped:  # a command is required
        figure_check.main(["--repo", str(tmp_path)])
    assert stopped.value.code == 2


# ---------------------------------------------------------------------------- the rule graph

RULEGRAPH = """digraph snakemake_dag {
    graph[bgcolor=white, margin=0];
    node[shape=box, style=rounded, fontname=sans, fontsize=10, penwidth=2];
	0[label = "all", color = "0.17 0.6 0.85", style="rounded"];
	1[label = "c", color = "0.50 0.6 0.85", style="rounded"];
	2[label = "a", color = "0.00 0.6 0.85", style="rounded"];
	1 -> 0
	2 -> 1
}
"""


def test_parse_rulegraph_ignores_numbering_and_order():
    renumbered = RULEGRAPH.replace("0[", "X[").replace("-> 0", "-> X")
    renumbered = renumbered.replace("2[", "0[").replace("2 ->", "0 ->").replace("X", "2")
    graph, again = figure_check.parse_rulegraph(RULEGRAPH), figure_check.parse_rulegraph(renumbered)
    assert graph.same_shape(again)
    assert list(graph.rules) == ["a", "all", "c"]
    assert graph.edges == {("c", "all"), ("a", "c")}
    # the same rules with an edge less, or the same edges with a rule more, are another graph
    assert not graph.same_shape(figure_check.parse_rulegraph(RULEGRAPH.replace("2 -> 1\n", "")))
    more = RULEGRAPH.replace("}", '\t3[label = "b", color = "0.3 0.6 0.85"];\n}')
    assert not graph.same_shape(figure_check.parse_rulegraph(more))


def test_parse_rulegraph_gives_a_rule_without_a_colour_grey():
    graph = figure_check.parse_rulegraph(RULEGRAPH.replace(', color = "0.50 0.6 0.85"', ""))
    assert graph.rules["c"] == "0 0 0.6" and graph.rules["a"] == "0.00 0.6 0.85"


SNAKEFILE = """
rule all:
    input: "c.txt"
rule a:
    output: "a.txt"
    shell: "echo a > {output}"
rule c:
    input: "a.txt"
    output: "c.txt"
    shell: "cat {input} > {output}"
"""


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")


def test_parse_rulegraph_refuses_dot_without_rules():
    with pytest.raises(ValueError, match="^no rules found in the rule graph's DOT text$"):
        figure_check.parse_rulegraph("digraph snakemake_dag {\n}\n")


def test_write_rulegraph_names_graphviz_missing_or_failing(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="^Graphviz's `dot` is not installed"):
        figure_check.write_rulegraph(RULEGRAPH, tmp_path / "rulegraph.svg")
    dot = tmp_path / "dot"
    dot.write_text("#!/bin/sh\necho 'Error: syntax error in line 1' >&2\nexit 1\n")
    dot.chmod(0o755)
    with pytest.raises(RuntimeError, match="^dot -Tsvg failed: Error: syntax error in line 1$"):
        figure_check.write_rulegraph(RULEGRAPH, tmp_path / "rulegraph.svg")
    assert not (tmp_path / "rulegraph.svg").exists()


@needs_dot
def test_check_names_a_failing_rulegraph_with_the_end_of_its_message(repo, capsys):
    (repo / "Snakefile").write_text('raise ValueError("x" * 3000 + " the end")\n')
    (repo / figure_check.COMMITTED / "rulegraph.svg").write_text(
        "<!-- mnistnn-rulegraph\nrule all\n-->\n<svg/>"
    )
    assert figure_check.main(["--repo", str(repo), "check"]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"error: snakemake --rulegraph failed in {repo}: x")
    shown = error.removesuffix("\n").split(f"failed in {repo}: ", 1)[1]
    assert len(shown) == 2000 and "the end" in shown  # the end of a long message


@needs_dot
def test_rulegraph_svg_is_deterministic_and_carries_the_graph(tmp_path):
    svg = tmp_path / "rulegraph.svg"
    figure_check.write_rulegraph(RULEGRAPH, svg)
    first = svg.read_bytes()
    figure_check.write_rulegraph(RULEGRAPH.replace("2 -> 1\n", "").replace("}", "\t2 -> 1\n}"), svg)
    assert svg.read_bytes() == first  # the edge order does not matter
    assert b"graphviz version" not in first
    assert ET.fromstring(first).tag == "{http://www.w3.org/2000/svg}svg"
    shown = figure_check.embedded_rulegraph(first.decode())
    assert shown.same_shape(figure_check.parse_rulegraph(RULEGRAPH))


@needs_dot
def test_check_passes_while_the_picture_shows_the_rules(repo, monkeypatch):
    figure_check.write_rulegraph(RULEGRAPH, repo / figure_check.COMMITTED / "rulegraph.svg")
    # snakemake numbers and orders the rules differently from run to run
    monkeypatch.setattr(
        figure_check, "current_rulegraph", lambda repo: RULEGRAPH.replace("2 -> 1\n", "") + "2 -> 1"
    )
    ok, lines = figure_check.check(repo)
    assert ok and "rulegraph      ok    rules unchanged (3 rules, 2 edges)" in lines
    # a byte that is not UTF-8 in the picture is no reason to fail
    svg = repo / figure_check.COMMITTED / "rulegraph.svg"
    svg.write_bytes(b"<!-- \xff -->\n" + svg.read_bytes())
    assert figure_check.check(repo)[0]
    # rule c is gone from the rules: the picture no longer shows them
    without_c = 'digraph snakemake_dag {\n\t0[label = "all"];\n\t2[label = "a"];\n}\n'
    monkeypatch.setattr(figure_check, "current_rulegraph", lambda repo: without_c)
    ok, lines = figure_check.check(repo)
    assert not ok and lines[1] == (
        "rulegraph      FAIL  rules changed since the picture was drawn: -rule c, "
        "-edge a->c, -edge c->all (redraw: python -m mnistnn.figures rulegraph)"
    )
    svg.write_text("<svg/>")  # a picture drawn without the graph kept in it
    ok, lines = figure_check.check(repo)
    assert not ok and lines[1] == (
        "rulegraph      FAIL  svg carries no rule graph: redraw it with the rulegraph command"
    )


@needs_dot
def test_check_notices_when_the_rules_change_and_the_picture_does_not(repo, capsys):
    (repo / "Snakefile").write_text(SNAKEFILE)
    assert figure_check.main(["--repo", str(repo), "rulegraph"]) == 0
    assert capsys.readouterr().out == f"wrote {repo}/docs/figures/rulegraph.svg\n"
    svg = (repo / figure_check.COMMITTED / "rulegraph.svg").read_text()
    assert figure_check.embedded_rulegraph(svg).same_shape(figure_check.parse_rulegraph(RULEGRAPH))
    # a new rule between a and c: the committed picture no longer shows the rules
    (repo / "Snakefile").write_text(
        SNAKEFILE.replace('input: "a.txt"', 'input: "b.txt"')
        + 'rule b:\n    input: "a.txt"\n    output: "b.txt"\n    shell: "cp {input} {output}"\n'
    )
    ok, lines = figure_check.check(repo)
    assert not ok
    assert lines[1].startswith("rulegraph      FAIL  rules changed since the picture was drawn")
    assert "+rule b, +edge a->b, +edge b->c, -edge a->c" in lines[1]
