"""Rule figures: copy the README's figures into results/figures, with the arrays behind them.

The committed figures in docs/figures are compared with these, never overwritten.
"""

import shutil

import numpy as np

from mnistnn import atomic
from mnistnn.images import load_method_images
from mnistnn.runner import run_rule


def main(say):
    arrays = {
        "montage": load_method_images(snakemake.input.montage_images),
        "methods": load_method_images(snakemake.input.methods_images)
        | {"mean": np.load(snakemake.input.mean_images, allow_pickle=False)},
        "evolution": dict(np.load(snakemake.input.evolution_images, allow_pickle=False)),
    }
    for name, named_arrays in arrays.items():
        png, npz = snakemake.output[f"{name}_png"], snakemake.output[f"{name}_npz"]
        with atomic.atomic_path(png) as tmp:
            shutil.copyfile(snakemake.input[name], tmp)
        atomic.save_npz(npz, **named_arrays)
        say(f"{png} and {npz}")


run_rule(main, snakemake.log[0])
