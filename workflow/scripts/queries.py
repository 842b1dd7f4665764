"""Rule queries: the seed backquery of every label vector in config ``queries``."""

from pathlib import Path

from mnistnn import atomic
from mnistnn.backquery import check_label_vector, seed
from mnistnn.figures import digit_png
from mnistnn.params import read_params
from mnistnn.rules import run_rule


def main(say):
    # every vector is checked before any is computed: a bad one writes nothing
    targets = {name: check_label_vector(v, name) for name, v in snakemake.params.queries.items()}
    net = read_params(Path(snakemake.input[0]).parent)
    folder = Path(snakemake.output[0]).parent
    for name, target in targets.items():
        image = seed(net, target)
        atomic.save_npy(folder / f"{name}.npy", image)
        digit_png(image, folder / f"{name}.png")
        say(f"{snakemake.wildcards.model}: query {name}")


run_rule(main, snakemake.log[0])
