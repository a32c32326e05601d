"""The engine's state as plain JSON-ready values: what the headless sketch reports and what tests read."""

import numpy as np

from mlcore.image_engine.extraction import has_stored
from mlcore.ml import features
from mlcore.ml.confusion import random_baseline


def pipeline_state(pipeline) -> dict:
    """Everything a screen or a script reports about `pipeline` (an ImagePipeline), lists instead of arrays."""
    dataset, job, model = pipeline.dataset, pipeline.job, pipeline.model
    history = pipeline.history
    return {
        "dataset": dataset.name if dataset is not None else None,
        "classes": list(dataset.classes) if dataset is not None else [],
        "counts": dataset.counts() if dataset is not None else {"train": {}, "test": {}},
        "features": pipeline.features_facts(),
        "training": {
            "status": pipeline.training_status,
            "epochs_done": len(history["loss"]),
            "epochs": pipeline.epochs_planned,
            **{key: (values[-1] if values else None) for key, values in history.items()},
        },
        "model": None
        if model is None
        else {
            "hidden_layers": list(getattr(model, "hidden_layers", [])),
            "activation": getattr(model, "activation", None),
            "dropout": getattr(model, "dropout", None),
        },
        "train_accuracy": pipeline.train_accuracy,
        "test_accuracy": pipeline.test_accuracy,
        "confusion_train": _as_list(pipeline.confusion_train),
        "confusion_test": _as_list(pipeline.confusion_test),
        "baseline": pipeline.baseline(),
        "job": None
        if job is None
        else {
            "name": job.name,
            "status": job.status,
            "done": job.done,
            "total": job.total,
            "message": job.message,
            "error": job.error,
        },
        "messages": list(pipeline.messages),
        "problems": list(dataset.problems) if dataset is not None else [],
        "runs": pipeline.runs_state(),
        "augmentation": pipeline.augmentation,
        "run_shown": pipeline.run_shown,
        "noise_or_bias": pipeline.noise_state(),
    }


def _as_list(matrix):
    return None if matrix is None else np.asarray(matrix).tolist()


def baseline(dataset) -> dict:
    """The random baseline of `dataset`'s test set (its training set's when there are no test images)."""
    counts = dataset.counts() if dataset is not None else {"train": {}, "test": {}}
    which = "test" if sum(counts["test"].values()) else "train"
    return {**random_baseline(counts[which]), "set": which}


def features_facts(name, dataset, loaded) -> dict:
    """Extractor `name`: its vectors' width, where they were computed, whether they are ready (`loaded`, the
    FeatureSet of `dataset` now loaded, is its), and how many came from the cache."""
    ready = loaded is not None and loaded.extractor == name
    if ready:
        width = int(loaded.train.shape[1])
    elif name == "stored" and has_stored(dataset):
        width = int(len(dataset.train[0].x if dataset.train else dataset.test[0].x))
    else:
        width = features.dim(name) if name in features.EXTRACTORS else None
    return {
        "name": name,
        "dim": width,
        "device": loaded.compute_device if ready else None,
        "ready": ready,
        "cache_hits": loaded.cache_hits if ready else 0,
        "images_per_second": round(loaded.per_second, 1) if ready and loaded.per_second else None,
    }
