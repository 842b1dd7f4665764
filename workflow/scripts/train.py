"""Rule train: fit one model on MNIST; save the network, its history and snapshots."""

import csv
import io

from mnistnn import atomic
from mnistnn.errors import TrainingError
from mnistnn.idx import read_mnist
from mnistnn.kernels import choose_sgd
from mnistnn.network import Hyperparameters, train
from mnistnn.params import save_model, save_snapshots
from mnistnn.runner import run_rule


def csv_text(rows: list[dict]) -> str:
    """``rows`` as CSV with a header line (written without pandas: the job starts faster)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue()


def main(say):
    settings = dict(snakemake.params.settings)
    settings["snapshots"] = tuple(settings["snapshots"])
    hyper = Hyperparameters(**settings)
    mnist = snakemake.input
    images, labels = read_mnist(mnist.train_images, mnist.train_labels)
    test_images, test_labels = read_mnist(mnist.test_images, mnist.test_labels)
    say(f"training {snakemake.wildcards.model}: {hyper}")
    sgd, dtype = choose_sgd(hyper.batch_size)
    try:
        result = train(images, labels, test_images, test_labels, hyper, sgd, dtype, progress=say)
    except TrainingError as error:
        raise TrainingError(f"model {snakemake.wildcards.model}: {error}") from None
    save_model(snakemake.output.model, result, hyper)
    save_snapshots(snakemake.output.snapshots, result.snapshots)
    atomic.write_text(snakemake.output.history, csv_text(result.history))


run_rule(main, snakemake.log[0])
