"""Rule mean_images: each digit's average training image, the labelled reference."""

from mnistnn import atomic
from mnistnn.idx import read_mnist
from mnistnn.quality import mean_images
from mnistnn.runner import run_rule


def main(say):
    images, labels = read_mnist(snakemake.input.images, snakemake.input.labels)
    atomic.save_npy(snakemake.output[0], mean_images(images, labels))
    say(f"averaged {len(images)} training images by digit")


run_rule(main, snakemake.log[0])
