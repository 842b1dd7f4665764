"""mnistnn: train Rashid's three-layer MNIST network and run it backwards.

One module per concern:

- ``idx``       reading and writing MNIST's IDX files
- ``download``  fetching verified MNIST from its sources
- ``network``   the 784-H-10 sigmoid network, its gradient and SGD training
- ``kernels``   the compiled SGD loop that trains it fast
- ``params``    the four plain-text parameter files, saved models and snapshots
- ``backquery`` ways of running the network backwards
- ``images``    backqueried images on disk: .npy and greyscale .png
- ``quality``   scores of backqueried images
- ``figures``   deterministic figures (drawing only)
- ``figure_check`` the check of the committed figures against a run's, and the rule graph
- ``layout``    where the pipeline's files are (standard library only: the Snakefile's boundary)
- ``defaults``  every config default, once (standard library only)
- ``sweep``     expanding a compact sweep into named models, and its summary
- ``claim``     the claim study: does a clearer backquery mean a better network?
- ``atomic``, ``errors``, ``runner``: atomic outputs, the error types, the rule-script runner
"""

from mnistnn.errors import MnistnnError

__all__ = ["MnistnnError"]
