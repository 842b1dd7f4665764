"""How fast this project trains the book's network, against the book's own loop (run by hand).

    python benchmarks/train_speed.py [MNIST_FOLDER] [--samples N]

MNIST_FOLDER holds the four uncompressed IDX files (default ``resources/mnist``,
which the pipeline's download rule fills).  Every trainer starts from the same
initial weights (784-200-10, seed 1, learning rate 0.1), makes one pass over
the first N training images in the file's order, and is then scored on the
10,000 test images.  The trainers:

- the book's loop: Rashid's ``neuralNetwork.train`` as printed, the book's own
  algorithm (column vectors made per step with ``numpy.array(..., ndmin=2).T``,
  ``numpy.dot``, float64, no thresholds, the output error back-propagated
  without the output slope), from ``tests/rashid.py``, the transcription the
  tests check ``update_rule: book`` against.  The book also parses a CSV line
  per sample; this loop starts from the uint8 images, which only makes it
  faster.  It is the reference.
- this project's trainer with the book's rule and no thresholds (model
  ``rashid``: the same algorithm, so the same accuracy), with the exact
  gradient and thresholds (model ``book``), and for the mini-batch preset
  (:func:`mnistnn.kernels.choose_sgd`, what the ``train`` rule runs)
- PyTorch with batch size 1, exact gradient and thresholds, when ``import torch`` works

The first table gives samples per second, the seconds that rate makes for
five epochs of 60,000 samples, the speed-up over the book's loop, the CPU time
per sample, and the test accuracy after the pass.  Each trainer runs
``--repeat`` times, interleaved with the others, and its fastest run counts.
Every trainer gets one core (BLAS too), as a ``train`` job with ``threads: 1``
does.

The second table trains three models in full through :func:`mnistnn.network.train`,
as the ``train`` rule does: ``rashid`` and ``book`` (batch size 1, 5 epochs) and the
mini-batch preset of the config's comments (``--minibatch-*``).  It gives the
time of the epochs' SGD (wall and CPU), the time ``train`` spends besides
(each epoch's test accuracy, the snapshots), and the test accuracy of the
float64 result, which the ``evaluate`` rule would report.  Here too the
fastest of ``--repeat`` runs counts.
"""

# ruff: noqa: E402 (BLAS reads its thread count when it is loaded)
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numba
import numpy as np

from mnistnn.idx import load_mnist
from mnistnn.kernels import choose_sgd
from mnistnn.network import SGD, Hyperparameters, Network, accuracy, initial_network, train

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from rashid import BookNetwork, train_in_order

HIDDEN_NODES = 200
LEARNING_RATE = 0.1
SEED = 1
EPOCH_SAMPLES = 60_000
EPOCHS = 5

#: trains a network on ``images[order]`` and returns it as float64
Run = Callable[[np.ndarray, np.ndarray, np.ndarray], Network]


def book_loop(net: Network, learning_rate: float, batch_size: int) -> Run:
    book = BookNetwork(net, learning_rate)
    return lambda images, labels, order: train_in_order(book, images, labels, order)


def project_trainer(update_rule: str, train_thresholds: bool):
    """A maker of runs of this project's trainer with ``update_rule`` and ``train_thresholds``."""

    def make(net: Network, learning_rate: float, batch_size: int) -> Run:
        sgd, dtype = choose_sgd(batch_size)
        net = net.astype(dtype)

        def run(images, labels, order):
            sgd(
                net, images, labels, order, learning_rate, batch_size, train_thresholds, update_rule
            )
            return net.astype(np.float64)

        return run

    return make


def pytorch(net: Network, learning_rate: float, batch_size: int) -> Run:
    import torch

    torch.set_num_threads(1)
    params = [torch.tensor(array, dtype=torch.float32, requires_grad=True) for array in net]
    W1, W2, v1, v2 = params
    optimizer = torch.optim.SGD(params, lr=learning_rate)

    def run(images, labels, order):
        for index in order:
            x = torch.from_numpy(images[index]).to(torch.float32) / 255.0 * 0.99 + 0.01
            t = torch.full((10,), 0.01)
            t[int(labels[index])] = 0.99
            y = torch.sigmoid(torch.sigmoid(x @ W1 - v1) @ W2 - v2)
            loss = 0.5 * ((t - y) ** 2).sum()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        return Network(*(p.detach().numpy().astype(np.float64) for p in params))

    return run


class TimedSGD:
    """An SGD that adds the wall and CPU seconds of its calls to ``wall`` and ``cpu``."""

    def __init__(self, sgd: SGD):
        self.sgd = sgd
        self.wall = self.cpu = 0.0

    def __call__(self, *args) -> float:
        started, cpu_started = time.perf_counter(), time.process_time()
        loss = self.sgd(*args)
        self.wall += time.perf_counter() - started
        self.cpu += time.process_time() - cpu_started
        return loss


def full_run(hyper: Hyperparameters, images, labels, test_images, test_labels) -> dict:
    """Train one model as the ``train`` rule does; time its SGD and the rest of ``train``."""
    sgd, dtype = choose_sgd(hyper.batch_size)
    timed = TimedSGD(sgd)
    started = time.perf_counter()
    result = train(images, labels, test_images, test_labels, hyper, timed, dtype, lambda _: None)
    return {
        "sgd_wall": timed.wall,
        "sgd_cpu": timed.cpu,
        "rest": time.perf_counter() - started - timed.wall,
        "accuracy": accuracy(result.net, test_images, test_labels),
    }


def torch_available() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("mnist", nargs="?", default="resources/mnist", type=Path)
    parser.add_argument("--samples", type=int, default=10_000, help="training samples per trainer")
    parser.add_argument("--minibatch-size", type=int, default=4)
    parser.add_argument("--minibatch-learning-rate", type=float, default=0.3)
    parser.add_argument("--minibatch-epochs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3, help="runs per trainer; the best counts")
    args = parser.parse_args()

    images, labels = load_mnist(args.mnist, "train")
    test_images, test_labels = load_mnist(args.mnist, "t10k")
    order = np.arange(min(args.samples, len(images)))
    start = initial_network(HIDDEN_NODES, SEED)
    print(
        f"{cpu_model()}, {os.cpu_count()} CPUs; Python {platform.python_version()}, "
        f"NumPy {np.__version__}, numba {numba.__version__}; "
        f"{len(order):,} samples from {args.mnist}, H={HIDDEN_NODES}"
    )

    started = time.perf_counter()
    choose_sgd(1)
    print(
        f"numba kernel compiled or loaded from its cache in {time.perf_counter() - started:.2f} s"
    )

    mb, mb_rate = args.minibatch_size, args.minibatch_learning_rate
    preset_name = f"this project, exact gradient, batch {mb}, rate {mb_rate} (numba, float32)"
    book_rule, exact = project_trainer("book", False), project_trainer("exact", True)
    plan = [
        ("book's loop, book's rule (NumPy, float64), batch 1", book_loop, LEARNING_RATE, 1),
        ("this project, book's rule, batch 1 (numba, float32)", book_rule, LEARNING_RATE, 1),
        ("this project, exact gradient, batch 1 (numba, float32)", exact, LEARNING_RATE, 1),
        (preset_name, exact, mb_rate, mb),
    ]
    if torch_available():
        plan.append(("PyTorch (float32), batch 1", pytorch, LEARNING_RATE, 1))
    else:
        print("PyTorch is not installed: its row is skipped")

    # the best of several interleaved runs: the machine may be busy with other work
    best = {}
    for _ in range(args.repeat):
        for name, make, learning_rate, batch_size in plan:
            run = make(start, learning_rate, batch_size)
            started, cpu_started = time.perf_counter(), time.process_time()
            trained = run(images, labels, order)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            if name not in best or seconds < best[name][0]:
                best[name] = (seconds, cpu, accuracy(trained, test_images, test_labels))

    reference = best[plan[0][0]][0]
    print(
        f"| trainer | samples/s | {EPOCHS} epochs (s) | speed-up | CPU us/sample | test accuracy |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, (seconds, cpu, test_accuracy) in best.items():
        rate = len(order) / seconds
        print(
            f"| {name} | {rate:,.0f} | {EPOCHS * EPOCH_SAMPLES / rate:,.1f} "
            f"| {reference / seconds:.1f}x | {cpu / len(order) * 1e6:,.1f} | {test_accuracy:.4f} |"
        )

    book = Hyperparameters(epochs=EPOCHS, snapshots=(500, 2000, 10000))
    rashid = Hyperparameters(
        epochs=EPOCHS, snapshots=book.snapshots, train_thresholds=False, update_rule="book"
    )
    preset = Hyperparameters(
        learning_rate=mb_rate, epochs=args.minibatch_epochs, batch_size=mb, shuffle=True
    )
    models = {
        f"rashid: book's rule, batch 1, rate {rashid.learning_rate}, {EPOCHS} epochs": rashid,
        f"book: batch 1, rate {book.learning_rate}, {book.epochs} epochs": book,
        f"preset: batch {mb}, rate {mb_rate}, {preset.epochs} epochs, shuffled": preset,
    }
    print_full_runs(models, args.repeat, images, labels, test_images, test_labels)


def print_full_runs(models: dict[str, Hyperparameters], repeat: int, *data: np.ndarray) -> None:
    """Train each model ``repeat`` times on ``data`` (images, labels, test images and labels)."""
    runs = {}
    for _ in range(repeat):
        for name, hyper in models.items():
            run = full_run(hyper, *data)
            if name not in runs or run["sgd_wall"] < runs[name]["sgd_wall"]:
                runs[name] = run
    print("| full training | SGD wall (s) | SGD CPU (s) | rest of train (s) | test accuracy |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, run in runs.items():
        print(
            f"| {name} | {run['sgd_wall']:.2f} | {run['sgd_cpu']:.2f} | {run['rest']:.2f} "
            f"| {run['accuracy']:.4f} |"
        )


if __name__ == "__main__":
    main()
