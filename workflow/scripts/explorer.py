"""Rule explorer: one self-contained HTML page that runs the model backwards and forwards."""

import numpy as np

from mnistnn import atomic, explorer
from mnistnn.params import read_param_files
from mnistnn.runner import run_rule


def main(say):
    model = snakemake.wildcards.model
    net = read_param_files(snakemake.input.params)
    images = explorer.read_method_images(snakemake.input.images)
    images["mean"] = np.load(snakemake.input.mean_images, allow_pickle=False)
    quality = explorer.read_quality(snakemake.input.quality)
    data = explorer.page_data(model, net, images, quality, snakemake.params.queries)
    page = explorer.build_page(data)
    atomic.write_text(snakemake.output[0], page)
    say(f"{model}: wrote {snakemake.output[0]} ({len(page.encode()) / 1e6:.1f} MB)")


run_rule(main, snakemake.log[0])
