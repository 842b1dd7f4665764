"""Rashid's ``neuralNetwork.train`` transcribed from *Make Your Own Neural Network*.

The reference that the project's ``update_rule: book`` is tested against, and
the loop that ``benchmarks/train_speed.py`` measures the project's speed-up
against.  It keeps the book's column vectors, ``numpy.dot``, float64 and names
(``wih`` is ``W1.T``, ``who`` is ``W2.T``), and has no thresholds, like the
book.  Only the initial weights come from outside, so that it starts where the
project's trainer starts.
"""

import numpy
from scipy.special import expit

from mnistnn.network import Network


class BookNetwork:
    """The book's ``neuralNetwork``, starting from ``net``'s weights (its thresholds must be 0)."""

    def __init__(self, net: Network, learningrate: float):
        if net.v1.any() or net.v2.any():
            raise ValueError("the book's network has no thresholds")
        self.wih = numpy.array(net.W1, dtype=float).T.copy()
        self.who = numpy.array(net.W2, dtype=float).T.copy()
        self.lr = learningrate
        self.activation_function = lambda x: expit(x)

    def train(self, inputs_list, targets_list):
        inputs = numpy.array(inputs_list, ndmin=2).T
        targets = numpy.array(targets_list, ndmin=2).T
        hidden_inputs = numpy.dot(self.wih, inputs)
        hidden_outputs = self.activation_function(hidden_inputs)
        final_inputs = numpy.dot(self.who, hidden_outputs)
        final_outputs = self.activation_function(final_inputs)
        output_errors = targets - final_outputs
        hidden_errors = numpy.dot(self.who.T, output_errors)
        self.who += self.lr * numpy.dot(
            (output_errors * final_outputs * (1.0 - final_outputs)),
            numpy.transpose(hidden_outputs),
        )
        self.wih += self.lr * numpy.dot(
            (hidden_errors * hidden_outputs * (1.0 - hidden_outputs)), numpy.transpose(inputs)
        )

    def network(self) -> Network:
        """The weights in this project's convention, with zero thresholds."""
        hidden_nodes, outputs = len(self.wih), len(self.who)
        W1, W2 = self.wih.T.copy(), self.who.T.copy()
        return Network(W1, W2, numpy.zeros(hidden_nodes), numpy.zeros(outputs))


def train_in_order(book: BookNetwork, images, labels, order) -> Network:
    """The book's training loop over ``images[order]`` (uint8 rows instead of CSV lines)."""
    for index in order:
        inputs = (numpy.asarray(images[index], dtype=float) / 255.0 * 0.99) + 0.01
        targets = numpy.zeros(10) + 0.01
        targets[int(labels[index])] = 0.99
        book.train(inputs, targets)
    return book.network()
