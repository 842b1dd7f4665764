"""Pen strokes traced from MNIST digits, for replaying them on the explorer's drawing pad.

A digit is thresholded, thinned to a one-pixel-wide skeleton (Zhang and Suen's
algorithm) and the skeleton walked into polylines of pixel centres.
"""

import numpy as np

# the 8 neighbours P2..P9 of a pixel, clockwise from the one above, as (row, column) offsets
NEIGHBOURS = [(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)]


def thin(ink: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a boolean image: a skeleton one pixel wide."""
    image = np.pad(ink.astype(bool), 1)
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            around = np.stack([np.roll(image, (-dr, -dc), axis=(0, 1)) for dr, dc in NEIGHBOURS])
            count = around.sum(axis=0)
            # transitions from background to ink going once round the neighbours
            transitions = (~around & np.roll(around, -1, axis=0)).sum(axis=0)
            p2, p4, p6, p8 = around[0], around[2], around[4], around[6]
            if step == 0:
                clear = ~(p2 & p4 & p6) & ~(p4 & p6 & p8)
            else:
                clear = ~(p2 & p4 & p8) & ~(p2 & p6 & p8)
            remove = image & (count >= 2) & (count <= 6) & (transitions == 1) & clear
            if remove.any():
                image &= ~remove
                changed = True
    return image[1:-1, 1:-1]


def trace(skeleton: np.ndarray) -> list[list[tuple[float, float]]]:
    """Polylines of ``(x, y)`` pixel centres that together cover every skeleton pixel.

    Walks start at the ends of lines (pixels with one neighbour) where there are
    any, and a walk that starts beside an already drawn pixel begins there, so
    that strokes join at junctions as a pen's would.
    """
    remaining = {(int(r), int(c)) for r, c in zip(*np.nonzero(skeleton), strict=True)}
    drawn: set = set()

    def neighbours(pixel):
        r, c = pixel
        # the four edge neighbours first: they make the straighter path
        order = sorted(NEIGHBOURS, key=lambda offset: abs(offset[0]) + abs(offset[1]))
        return [(r + dr, c + dc) for dr, dc in order if (r + dr, c + dc) in remaining | drawn]

    polylines = []
    while remaining:
        ends = sorted(p for p in remaining if len(neighbours(p)) == 1)
        pixel = ends[0] if ends else min(remaining)
        path = [next((n for n in neighbours(pixel) if n in drawn), None), pixel]
        path = [p for p in path if p is not None]
        remaining.discard(pixel)
        drawn.add(pixel)
        while True:
            ahead = [n for n in neighbours(pixel) if n in remaining]
            if not ahead:
                break
            pixel = ahead[0]
            remaining.discard(pixel)
            drawn.add(pixel)
            path.append(pixel)
        # every third pixel is enough for a polyline, and a third of the mouse events is faster
        path = path[:-1:3] + path[-1:]
        polylines.append([(c + 0.5, r + 0.5) for r, c in path])
    return polylines


def digit_strokes(image784: np.ndarray, threshold: int = 128) -> list[list[tuple[float, float]]]:
    """The strokes of one uint8 MNIST digit, in its 28 x 28 pixel coordinates."""
    return trace(thin(np.asarray(image784).reshape(28, 28) >= threshold))
