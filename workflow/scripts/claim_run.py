"""Rule claim_run: one training run of the claim study, every method on each of its snapshots.

Trains the run's network, keeps its snapshots, and for each: the parameters,
the test accuracy, every method's images of digits 0-9 and their clarity.
"""

import numpy as np

from mnistnn import atomic
from mnistnn.backquery import backquery_digits
from mnistnn.claim import (
    NETWORK_COLUMNS,
    clarity_table,
    run_hyperparameters,
    run_snapshots,
    snapshot_samples,
)
from mnistnn.idx import read_mnist
from mnistnn.image_prior import ImagePrior
from mnistnn.kernels import choose_sgd
from mnistnn.network import accuracy, network_inputs, train
from mnistnn.plan import Study
from mnistnn.quality import KnnJudge
from mnistnn.runner import run_rule


def main(say):
    import pandas as pd

    run = snakemake.wildcards.run
    study = Study.from_config(snakemake.params.study)
    mnist = snakemake.input
    images, labels = read_mnist(mnist.train_images, mnist.train_labels)
    test_images, test_labels = read_mnist(mnist.test_images, mnist.test_labels)
    hyper = run_hyperparameters(study, run, len(images))
    sgd, dtype = choose_sgd(hyper.batch_size)
    result = train(images, labels, test_images, test_labels, hyper, sgd, dtype, progress=say)
    snapshots = run_snapshots(result.snapshots, snapshot_samples(study, len(images)))
    image_prior = ImagePrior.load(snakemake.input.prior)
    # labels score the images (k-NN judge, mean images); no method reads them
    judge = KnnJudge(images, labels)
    mean_images = np.load(snakemake.input.mean_images, allow_pickle=False)
    methods = list(snakemake.params.methods)
    # the rule lists each network's .npz, and its methods' images network by network
    params_paths = snakemake.output.params
    image_paths = [
        dict(zip(methods, snakemake.output.images[i : i + len(methods)], strict=True))
        for i in range(0, len(snakemake.output.images), len(methods))
    ]
    inputs = network_inputs(images)  # converted once for every network's posterior
    networks, scored = [], {}
    for name, snapshot, params_path, images_of in zip(
        study.networks(run), snapshots, params_paths, image_paths, strict=True
    ):
        net = snapshot.net
        atomic.save_npz(params_path, **net._asdict())
        test_accuracy = accuracy(net, test_images, test_labels)
        row = (name, hyper.hidden_nodes, hyper.seed, snapshot.samples_seen, test_accuracy)
        networks.append(row)
        method_images = {}
        for method, settings in snakemake.params.methods.items():
            method_images[method], notes = backquery_digits(
                net, method, settings, image_prior, inputs
            )
            for note in notes:
                say(f"warning: {name}: {note}")
        for method, method_array in method_images.items():
            atomic.save_npy(images_of[method], method_array)
        scored[name] = (net, method_images)
        say(f"{name}: {snapshot.samples_seen} samples, test accuracy {test_accuracy:.4f}")
    table = pd.DataFrame(networks, columns=list(NETWORK_COLUMNS))
    atomic.write_text(snakemake.output.networks, table.to_csv(index=False))
    clarity = clarity_table(scored, mean_images, judge)
    atomic.write_text(snakemake.output.clarity, clarity.to_csv(index=False))


run_rule(main, snakemake.log[0])
