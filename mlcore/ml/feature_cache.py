"""The disk cache of feature vectors: one small file per (extractor, image), named by the image's pixels.

>>> cache = FeatureCache(cache_dir() / "features")
>>> extract("efficientnet_lite0", images, cache=cache)      # the second run reads every vector back
"""

from __future__ import annotations

import errno
import hashlib
from pathlib import Path

import numpy as np

from mlcore.files import write_atomically

# Part of every cache key: change an extractor's entry when its numbers change (weights, preprocessing), so
# that vectors computed the old way are never read back.
VERSIONS = {
    "efficientnet_lite0": "lite0-57934424 squash224 (p-127)/128 v1",
    "mobilenet_v3_small": "IMAGENET1K_V1 short256 crop224 v1",
    "color_histogram": "rgb8x8x8 v1",
    "pixels": "rgb16x16 area v1",
}


class FeatureCache:
    """Vectors already computed, one small file per (extractor, image) under `folder`.

    An image is known by the SHA-1 of its pixels and shape, together with the extractor's name and version.
    The folder is created on the first write, and every file is written whole (a temporary file, then a
    rename), so a crash never leaves half a vector behind. A folder that cannot be written does not stop
    extraction: the vectors are still returned, and `warning` says, in one line, that they were not kept.
    """

    def __init__(self, folder):
        self.folder = Path(folder)
        self.warning = ""
        self._writable = True

    def key(self, name, image):
        """The hex digest that names `image`'s vector for extractor `name`."""
        image = np.ascontiguousarray(image)
        digest = hashlib.sha1(f"{name}|{VERSIONS.get(name, '')}|{image.shape}|{image.dtype}|".encode())
        digest.update(image.data)
        return digest.hexdigest()

    def path(self, name, key):
        """Where the vector for (`name`, `key`) lives."""
        return self.folder / name / f"{key}.npy"

    def get(self, name, key):
        """The stored vector, or None if there is none (or it cannot be read)."""
        try:
            vector = np.load(self.path(name, key), allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        if vector.ndim != 1 or vector.dtype != np.float32:
            return None
        return vector

    def put(self, name, key, vector):
        """Keep `vector`; on a folder that cannot be written, set `warning` and keep nothing more."""
        if not self._writable:
            return
        target = self.path(name, key)
        try:
            write_atomically(target, lambda file: np.save(file, np.asarray(vector, dtype=np.float32)))
        except OSError as error:
            self._writable = False
            state = "full" if error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)) else "read-only"
            reason = error.strerror or type(error).__name__
            self.warning = f"feature cache is {state} ({self.folder}: {reason}): features will be recomputed next time"
