"""The results layout: the paths rules declare, and reading them back in the declared order."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from mnistnn import layout

ROOT = Path(__file__).resolve().parents[1]


def test_method_files_read_back_by_method():
    paths = layout.method_files("r/book/backquery", ["seed", "mean"])
    grouped = layout.method_files_by_method(paths, ["seed", "mean"])
    assert list(grouped) == ["seed", "mean"]
    npy, png = grouped["mean"]
    assert npy == [f"r/book/backquery/mean/{digit}.npy" for digit in range(10)]
    assert png == [f"r/book/backquery/mean/{digit}.png" for digit in range(10)]


def test_method_files_of_the_wrong_count_are_refused():
    paths = layout.method_files("r", ["seed", "pinv"])
    with pytest.raises(ValueError, match="40 paths for 3 methods"):
        layout.method_files_by_method(paths, ["seed", "pinv", "actmax"])


def test_query_files_read_back_by_name():
    names = ["three_or_eight", "blank"]
    grouped = layout.query_files_by_name(layout.query_files("q", names), names)
    assert grouped == {
        "three_or_eight": ("q/three_or_eight.npy", "q/three_or_eight.png"),
        "blank": ("q/blank.npy", "q/blank.png"),
    }


def test_param_files_in_the_order_w1_w2_v1_v2():
    expected = ["p/weight1.txt", "p/weight2.txt", "p/value1.txt", "p/value2.txt"]
    assert layout.param_files("p") == expected


def test_mnist_paths_name_the_idx_files():
    assert layout.mnist_paths()["test_labels"] == "resources/mnist/t10k-labels-idx1-ubyte"


def test_the_snakefile_imports_only_standard_library_modules_of_the_package():
    """Every run and cluster job parses the Snakefile: its imports must not load NumPy & co."""
    rules = ROOT / "workflow" / "rules"
    sources = [ROOT / "Snakefile", *sorted(rules.glob("*.smk"))]
    modules = set()
    for source in sources:
        for module, names in re.findall(
            r"^from (mnistnn[.\w]*) import \(?([\w, ]+)", source.read_text(), re.M
        ):
            # `from mnistnn import layout` names a module, `from mnistnn.plan import Study` one
            modules |= (
                {f"mnistnn.{n.strip()}" for n in names.split(",")}
                if module == "mnistnn"
                else {module}
            )
    assert "mnistnn.plan" in modules  # the pattern finds the imports
    code = (
        f"import sys; import {', '.join(sorted(modules))}; "
        "print(sorted(m for m in ('numpy', 'scipy', 'pandas', 'matplotlib', 'numba') "
        "if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == "[]", f"{sorted(modules)} load {loaded}"
