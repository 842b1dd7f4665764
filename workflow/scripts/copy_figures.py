"""Rule figures: copy the README's figures into results/figures, with the arrays behind them.

The committed figures in docs/figures are compared with these, never overwritten.
"""

import shutil
from pathlib import Path

import numpy as np

from mnistnn import atomic
from mnistnn.images import load_method_images
from mnistnn.rules import run_rule


def main(say):
    figures = Path(snakemake.output[0]).parent
    arrays = {
        "montage": load_method_images(snakemake.input.montage_images),
        "methods": load_method_images(snakemake.input.methods_images),
        "evolution": dict(np.load(snakemake.input.evolution_images, allow_pickle=False)),
    }
    for name, named_arrays in arrays.items():
        with atomic.atomic_path(figures / f"{name}.png") as tmp:
            shutil.copyfile(snakemake.input[name], tmp)
        atomic.save_npz(figures / f"{name}.npz", **named_arrays)
        say(f"{figures / name}.png and .npz")


run_rule(main, snakemake.log[0])
