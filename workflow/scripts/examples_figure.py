"""Rule examples_figure: the training images the network is surest of, and those it mistakes."""

from mnistnn import figures
from mnistnn.idx import read_mnist
from mnistnn.network import normalised_outputs, scale_pixels
from mnistnn.params import read_param_files
from mnistnn.quality import dataset_examples
from mnistnn.runner import run_rule

#: examples of each kind per digit
COUNT = 3


def main(say):
    model = snakemake.wildcards.model
    net = read_param_files(snakemake.input.params)
    images, labels = read_mnist(snakemake.input.train_images, snakemake.input.train_labels)
    probabilities = normalised_outputs(net, images)
    sure, mistaken = dataset_examples(probabilities, labels, COUNT)
    title = f"{model}: training images it is surest of, and those it mistakes for each digit"
    figures.examples_figure(
        scale_pixels(images), sure, mistaken, labels, probabilities, snakemake.output[0], title
    )
    say(f"{model}: wrote {snakemake.output[0]}")


run_rule(main, snakemake.log[0])
