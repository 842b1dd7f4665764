"""mnistnn: train Rashid's three-layer MNIST network and run it backwards.

One module per concern:

- ``idx``       reading and writing MNIST's IDX files
- ``download``  fetching verified MNIST from its sources
- ``network``   the 784-H-10 sigmoid network, its gradient and SGD training
- ``params``    the four plain-text parameter files
- ``backquery`` ways of running the network backwards
- ``quality``   scores of backqueried images
- ``figures``   deterministic figures
- ``sweep``     expanding a compact sweep into named models
"""

from mnistnn.errors import MnistnnError

__all__ = ["MnistnnError"]
