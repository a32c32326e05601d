"""What a training fits on: the training images' features, then those of their augmented copies, with labels.

The copies (`mlcore.ml.augmentation`) are made of training images only, never of test images, and their features
are computed as the dataset's own are (`ImagePipeline._features`: the same extractor, the same disk cache), so a
second training with the same seed reads them back from the cache.
"""

import numpy as np

from mlcore.ml import augmentation
from mlcore.ml.features import FeatureError

STORED_CANNOT_AUGMENT = "augmentation needs features computed from pixels: trained on the stored vectors alone"


class AugmentedTraining:
    """The augmentation part of `ImagePipeline` (which supplies `dataset`, `train_features`, `_features`, `_note`)."""

    _augmented = (0, 0, 0)  # the last training's (copies of each image, vectors added, vectors from the cache)

    @property
    def augmentation(self) -> dict:
        """The last training's augmentation: copies of each training image, vectors added, read from the cache."""
        copies, vectors, cache_hits = self._augmented
        return {"copies": copies, "vectors": vectors, "cache_hits": cache_hits}

    def _training_set(self, job, name, params, labels):
        """(inputs, labels, groups) to fit: the training features and `labels`, then `params["augmentation"]`
        changed copies of each training image; `groups` gives each copy its image's number, so that a validation
        split holds an image out with its copies."""
        count = params.get("augmentation", 0)
        if count and name == "stored":
            self._note(STORED_CANNOT_AUGMENT)
            count = 0
        self._augmented = (count, 0, 0)
        groups = np.arange(len(labels))
        if not count:
            return self.train_features, list(labels), groups
        images = augmentation.copies([sample.image for sample in self.dataset.train], count, params["seed"])
        total = len(images)

        def progress(done, _):
            job.report(done, total, f"{name} features of the augmented copies: {done}/{total}")

        progress(0, total)
        vectors = self._features(job, name, images, progress)
        if not np.isfinite(vectors).all():
            raise FeatureError(f"{name} gave features that are not finite numbers: choose another extractor")
        self._augmented = (count, total, int(getattr(vectors, "cache_hits", 0)))
        hits = f", {self._augmented[2]} from the cache" if self._augmented[2] else ""
        self._note(f"augmentation: {count} changed copies of each of {len(labels)} training images, "
                   f"{total} more {name} vectors{hits}")
        inputs = np.concatenate([np.asarray(self.train_features), np.asarray(vectors)])
        copied = [label for label in labels for _ in range(count)]  # copies lie image after image, as labels do
        return inputs, list(labels) + copied, np.concatenate([groups, np.repeat(groups, count)])
