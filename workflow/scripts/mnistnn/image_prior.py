"""The image prior: a class-agnostic model of what MNIST images look like, fitted without labels.

Methods ``prior`` and ``mixture`` of :mod:`mnistnn.backquery` search for an
image in its space: the top principal components of the training images
(:func:`principal_components`), and clusters of the images' coefficients
there (k-means).  No label is read: the prior knows what a handwritten
digit looks like, not which digit it is.
"""

import os
from dataclasses import dataclass

import numpy as np
from scipy.cluster.vq import kmeans2

from mnistnn import atomic, defaults
from mnistnn.errors import BackqueryError
from mnistnn.network import HIGH, LOW, N_INPUTS, scale_pixels

#: The arrays of an :class:`ImagePrior`, as named in its ``.npz`` file.
PRIOR_ARRAYS = ("mean", "components", "variances", "centres", "spreads", "weights")


@dataclass(frozen=True)
class ImagePrior:
    """A class-agnostic model of what MNIST images look like, fitted without labels.

    Images are scaled pixels ``(784,)``.  ``mean`` ``(784,)`` is their mean,
    ``components`` ``(k, 784)`` the top ``k`` principal components (orthonormal
    rows) and ``variances`` ``(k,)`` the variance along each.  The clusters
    live in that coefficient space: ``centres`` ``(c, k)``, the per-coordinate
    variance ``spreads`` ``(c, k)`` of their members and ``weights`` ``(c,)``,
    the fraction of images in each.
    """

    mean: np.ndarray
    components: np.ndarray
    variances: np.ndarray
    centres: np.ndarray
    spreads: np.ndarray
    weights: np.ndarray

    def images(self, coefficients: np.ndarray) -> np.ndarray:
        """The images ``(n, 784)`` of coefficient rows ``(n, k)``, clipped to [0.01, 0.99]."""
        return np.clip(self.mean + coefficients @ self.components, LOW, HIGH)

    def save(self, path: str | os.PathLike) -> None:
        """Write the prior as an uncompressed ``.npz`` (atomically)."""
        atomic.save_npz(path, **{name: getattr(self, name) for name in PRIOR_ARRAYS})

    @classmethod
    def load(cls, path: str | os.PathLike) -> "ImagePrior":
        """Read a prior written by :meth:`save`, checking its arrays' names and shapes."""
        with np.load(path, allow_pickle=False) as data:
            missing = [name for name in PRIOR_ARRAYS if name not in data.files]
            if missing:
                raise BackqueryError(f"{path}: not an image prior, missing arrays {missing}")
            prior = cls(**{name: data[name] for name in PRIOR_ARRAYS})
        k, c = len(prior.variances), len(prior.weights)
        shapes = {
            "mean": (N_INPUTS,),
            "components": (k, N_INPUTS),
            "centres": (c, k),
            "spreads": (c, k),
        }
        for name, shape in shapes.items():
            if getattr(prior, name).shape != shape:
                raise BackqueryError(
                    f"{path}: array {name!r} has shape {getattr(prior, name).shape}, "
                    f"expected {shape}"
                )
        return prior


def pixel_moments(images_u8: np.ndarray, chunk: int = 10000) -> tuple[np.ndarray, np.ndarray]:
    """Mean ``(784,)`` and covariance ``(784, 784)`` of the scaled pixels of uint8 images.

    The sums of raw pixels and of their products are integers below 2 ** 53,
    so float64 computes them exactly in any order: the result does not
    depend on how BLAS splits the work.
    """
    n = len(images_u8)
    sums = np.zeros(N_INPUTS)
    products = np.zeros((N_INPUTS, N_INPUTS))
    for start in range(0, n, chunk):
        block = images_u8[start : start + chunk].astype(np.float64)
        sums += block.sum(axis=0)
        products += block.T @ block
    raw_mean = sums / n
    scale = 0.99 / 255.0
    covariance = scale**2 * (products / n - np.outer(raw_mean, raw_mean))
    return scale_pixels(raw_mean), covariance


def principal_components(covariance: np.ndarray, components: int) -> tuple[np.ndarray, np.ndarray]:
    """The top ``components`` eigenvectors ``(k, 784)`` of ``covariance`` and their eigenvalues.

    Only directions in which the images vary count: an eigenvalue at or below
    rounding error (NumPy's ``matrix_rank`` tolerance, ``784 * eps * largest``)
    is left out, so ``k`` is below ``components`` when the images span fewer
    dimensions.  MNIST's training images span 712 (67 pixels are 0 in every
    image; 44 eigenvalues come out <= 0 and 28 more below 1e-15): a direction
    of no variance would make the prior's penalty divide by zero or a negative.
    Each eigenvector is signed so that its largest-magnitude entry is
    positive, which makes the basis independent of the LAPACK build.
    """
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    tolerance = N_INPUTS * np.finfo(np.float64).eps * eigenvalues.max()
    top = np.argsort(eigenvalues)[::-1][:components]
    top = top[eigenvalues[top] > tolerance]
    if len(top) == 0:
        raise BackqueryError("image prior: the training images do not vary, it has no component")
    basis = eigenvectors[:, top].T
    signs = np.sign(basis[np.arange(len(top)), np.argmax(np.abs(basis), axis=1)])
    return basis * signs[:, np.newaxis], eigenvalues[top]


def fit_image_prior(
    images_u8: np.ndarray,
    components: int = defaults.IMAGE_PRIOR.components,
    clusters: int = defaults.IMAGE_PRIOR.clusters,
    sample: int = defaults.IMAGE_PRIOR.sample,
    rng_seed: int = defaults.IMAGE_PRIOR.seed,
) -> ImagePrior:
    """Fit an :class:`ImagePrior` to uint8 images ``(n, 784)``; no labels are involved.

    The principal components come from all images (at most ``components``:
    see :func:`principal_components`).  The clusters come from
    k-means (k-means++ start, 20 iterations) on the coefficients of
    ``sample`` images drawn without replacement: a Generator seeded with
    ``rng_seed`` draws the sample and starts k-means, so the fit is deterministic.
    Each cluster's spread is its members' variance per coefficient, floored at
    1 % of the global variance so that a tight cluster keeps some freedom.
    """
    mean, covariance = pixel_moments(images_u8)
    basis, variances = principal_components(covariance, components)
    rng = np.random.default_rng(rng_seed)
    chosen = np.sort(rng.choice(len(images_u8), size=min(sample, len(images_u8)), replace=False))
    if clusters > len(chosen):
        raise BackqueryError(
            f"backquery.image_prior.clusters: {clusters} clusters cannot be found in "
            f"{len(chosen)} images (the sample, or all the training images)"
        )
    coefficients = (scale_pixels(images_u8[chosen]) - mean) @ basis.T
    centres, members = kmeans2(coefficients, clusters, iter=20, minit="++", seed=rng)
    counts = np.bincount(members, minlength=clusters)
    spreads = np.array(
        [
            np.var(coefficients[members == cluster], axis=0) if counts[cluster] > 1 else variances
            for cluster in range(clusters)
        ]
    )
    return ImagePrior(
        mean=mean,
        components=basis,
        variances=variances,
        centres=centres,
        spreads=np.maximum(spreads, 0.01 * variances),
        weights=counts / len(chosen),
    )
