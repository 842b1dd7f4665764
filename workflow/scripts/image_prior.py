"""Rule image_prior: fit the class-agnostic image prior to the training images (no labels)."""

from mnistnn.idx import read_idx
from mnistnn.image_prior import fit_image_prior
from mnistnn.runner import run_rule


def main(say):
    images = read_idx(snakemake.input[0]).reshape(-1, 784)
    settings = snakemake.params.settings
    image_prior = fit_image_prior(
        images,
        components=settings["components"],
        clusters=settings["clusters"],
        sample=settings["sample"],
        rng_seed=settings["seed"],
    )
    image_prior.save(snakemake.output[0])
    asked, kept = snakemake.params.settings["components"], len(image_prior.variances)
    if kept < asked:
        say(
            f"note: backquery.image_prior.components asks for {asked}, but the training "
            f"images vary in only {kept} directions; the prior uses those {kept}"
        )
    say(
        f"image prior: {len(image_prior.variances)} principal components, "
        f"{len(image_prior.weights)} clusters, from {len(images)} unlabelled images"
    )


run_rule(main, snakemake.log[0])
