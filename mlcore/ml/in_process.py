"""The torch work of a classifier done right here, in this process: for a notebook, a script or a test.

A window hands the same work to `mlcore.ml.trainer_process.TrainerProcess`, so that its frames never wait on
torch; both answer the same calls with the same results:

    worker.extract(name, images, ...)     -> (vectors, {"compute_device", "cache_hits", "warning"})
    worker.fit_model(model, X, y, ...)    -> the trained model
    worker.save_model(path, model, classes, extractor) -> the path written
    worker.load_model(path)               -> (model, metadata)
"""

from pathlib import Path

import numpy as np


class InProcess:
    """Feature extraction, training and model files with torch loaded in this process."""

    def start(self):
        return self

    def extract(self, name, images, stored=None, cache_folder=None, device=None, progress=None,
                should_stop=lambda: False, on_wait=None):
        """`mlcore.ml.features.extract`, through the disk cache under `cache_folder` when one is given. (`on_wait`:
        nothing is ever waited for here; a process of its own calls it until torch is loaded.)"""
        from mlcore.ml import features

        cache = features.FeatureCache(Path(cache_folder)) if cache_folder is not None else None
        vectors = features.extract(name, images, stored=stored, progress=progress, cancel=_StopFlag(should_stop),
                                   cache=cache, device=device)
        facts = {"compute_device": vectors.compute_device, "cache_hits": int(vectors.cache_hits),
                 "warning": cache.warning if cache is not None else ""}
        return np.asarray(vectors), facts

    def fit_model(self, model, inputs, outputs, on_epoch=None, should_stop=lambda: False, groups=None, on_wait=None):
        return model.fit(inputs, outputs, on_epoch=on_epoch, should_stop=should_stop, groups=groups)

    def save_model(self, path, model, classes, extractor):
        from mlcore.ml.model_io import save_model
        from mlcore.ml.models import MLPClassifier
        from mlcore.ml.numpy_mlp import NumpyMLP, restore

        if isinstance(model, NumpyMLP):  # a model trained in another process, or restored from a session
            model = restore(model.exported, MLPClassifier(**model.settings()))
        return save_model(path, model, classes, extractor)

    def load_model(self, path):
        from mlcore.ml.model_io import load_model

        return load_model(path)


class _StopFlag:
    """A `should_stop()` function seen as the `threading.Event` that `features.extract` polls."""

    def __init__(self, should_stop):
        self.should_stop = should_stop or (lambda: False)

    def is_set(self):
        return bool(self.should_stop())
