"""Rule similarity_figure: how each backquery correlates with each digit's mean image (figure
and CSV)."""

import numpy as np
import pandas as pd

from mnistnn import figures
from mnistnn.images import load_method_images
from mnistnn.quality import correlations
from mnistnn.runner import run_rule
from mnistnn.tables import write_csv


def main(say):
    model = snakemake.wildcards.model
    templates = np.load(snakemake.input.mean_images, allow_pickle=False)
    panels = {
        method: correlations(images, templates)
        for method, images in load_method_images(snakemake.input.images).items()
    }
    title = "Does each backquery look like the average handwritten digit it stands for?"
    subtitle = (
        f"Model {model}: the correlation of each backquery (rows) with the average training "
        "image of each digit (columns).\nA dark diagonal: each backquery looks most like "
        "its own digit."
    )
    figures.similarity_figure(panels, snakemake.output.figure, title=title, subtitle=subtitle)
    rows, columns = np.meshgrid(range(10), range(10), indexing="ij")
    table = pd.concat(
        [
            pd.DataFrame(
                {
                    "model": model,
                    "method": method,
                    "backquery_digit": rows.ravel(),
                    "mean_image_digit": columns.ravel(),
                    "correlation": matrix.ravel(),
                }
            )
            for method, matrix in panels.items()
        ]
    )
    write_csv(table, snakemake.output.table)
    say(f"{model}: wrote {', '.join(snakemake.output)}")


run_rule(main, snakemake.log[0])
