"""The torch work of a network done right here, in this process: for a notebook, a script or a test.

A window hands the same work to `mlcore.ml.trainer_process.TrainerProcess`, so that its frames never wait on
torch; both answer the same calls with the same results:

    worker.fit(model, X, y, on_epoch, should_stop, groups, on_wait) -> the trained model
    worker.extract(name, images, ...)     -> (vectors, {"compute_device", "cache_hits", "warning"})
    worker.save_model(path, model, classes, extractor) -> the path written
    worker.load_model(path)               -> (model, metadata)
"""

from pathlib import Path

import numpy as np

from mlcore.jobs import StopFlag


class InProcess:
    """Feature extraction, training and model files with torch loaded in this process."""

    def start(self):
        return self

    def fit(self, model, inputs, outputs, on_epoch=None, should_stop=lambda: False, groups=None, on_wait=None):
        """Train `model` (an unfitted MLPClassifier or MLPRegressor, or a class of one's own); returns it trained.

        `on_epoch(epoch, logs)` as epochs end; `should_stop()` ends the training after the current epoch.
        (`on_wait`: nothing is ever waited for here; a process of its own calls it until torch is loaded.)"""
        return model.fit(inputs, outputs, on_epoch=on_epoch, should_stop=should_stop, groups=groups)

    def extract(
        self,
        name,
        images,
        stored=None,
        cache_folder=None,
        device=None,
        progress=None,
        should_stop=lambda: False,
        on_wait=None,
    ):
        """`mlcore.ml.features.extract`, through the disk cache under `cache_folder` when one is given."""
        from mlcore.ml import features

        cache = features.FeatureCache(Path(cache_folder)) if cache_folder is not None else None
        vectors = features.extract(
            name, images, stored=stored, progress=progress, cancel=StopFlag(should_stop), cache=cache, device=device
        )
        facts = {
            "compute_device": vectors.compute_device,
            "cache_hits": int(vectors.cache_hits),
            "warning": cache.warning if cache is not None else "",
        }
        return np.asarray(vectors), facts

    def save_model(self, path, model, classes=None, extractor=""):
        """Write a trained model as a model file (`mlcore.ml.model_io`); returns the path as text."""
        from mlcore.ml.model_io import save_model
        from mlcore.ml.models import MLPClassifier, MLPRegressor
        from mlcore.ml.numpy_mlp import NumpyMLP, restore

        if isinstance(model, NumpyMLP):  # a model trained in another process, or restored from a session
            kind = MLPClassifier if model.classes_ else MLPRegressor
            model = restore(model.exported, kind(**model.settings()))
        return str(save_model(path, model, classes, extractor))

    def load_model(self, path):
        """(model, metadata) of a model file; a file that cannot be used raises ModelFileError with why."""
        from mlcore.ml.model_io import load_model

        return load_model(path)
