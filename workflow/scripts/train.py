"""Rule train: fit one model on MNIST; save the network, its history and snapshots."""

from pathlib import Path

import pandas as pd

from mnistnn import atomic
from mnistnn.idx import load_mnist
from mnistnn.kernels import choose_sgd
from mnistnn.network import Hyperparameters, train
from mnistnn.params import save_model, save_snapshots
from mnistnn.rules import run_rule


def main(say):
    settings = dict(snakemake.params.settings)
    settings["snapshots"] = tuple(settings["snapshots"])
    hyper = Hyperparameters(**settings)
    mnist = Path(snakemake.input.train_images).parent
    images, labels = load_mnist(mnist, "train")
    test_images, test_labels = load_mnist(mnist, "t10k")
    say(f"training {snakemake.wildcards.model}: {hyper}")
    sgd, dtype = choose_sgd(hyper.batch_size)
    result = train(images, labels, test_images, test_labels, hyper, sgd, dtype, progress=say)
    save_model(snakemake.output.model, result, hyper)
    save_snapshots(snakemake.output.snapshots, result.snapshots)
    atomic.write_text(snakemake.output.history, pd.DataFrame(result.history).to_csv(index=False))


run_rule(main, snakemake.log[0])
