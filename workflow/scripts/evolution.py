"""Rule evolution: what the network imagines at each training snapshot, and its test accuracy."""

import numpy as np

from mnistnn import atomic
from mnistnn.backquery import backquery_digits
from mnistnn.idx import read_idx, read_mnist
from mnistnn.image_prior import ImagePrior
from mnistnn.network import accuracy, network_inputs, scale_pixels
from mnistnn.params import load_snapshots
from mnistnn.runner import run_rule


def main(say):
    model = snakemake.wildcards.model
    snapshots = load_snapshots(snakemake.input.snapshots)
    image_prior = ImagePrior.load(snakemake.input.prior)
    # converted once for every snapshot's posterior
    train_images = network_inputs(read_idx(snakemake.input.train_images).reshape(-1, 784))
    settings = snakemake.params.settings
    images = {}
    for method in snakemake.params.methods:
        per_snapshot = []
        for snapshot in snapshots:
            digits, notes = backquery_digits(
                snapshot.net, method, settings.get(method), image_prior, train_images
            )
            per_snapshot.append(digits)
            for note in notes:
                say(f"warning: model {model}, snapshot {snapshot.label}: {note}")
        images[method] = np.array(per_snapshot)
    test_images, test_labels = read_mnist(snakemake.input.test_images, snakemake.input.test_labels)
    test_inputs = scale_pixels(test_images)  # converted once for every snapshot
    accuracies = [accuracy(s.net, test_inputs, test_labels) for s in snapshots]
    atomic.save_npz(snakemake.output[0], test_accuracy=accuracies, **images)
    say(f"{model}: {len(snapshots)} snapshots backqueried with {', '.join(images)}")


run_rule(main, snakemake.log[0])
