"""The engine's steps for model files: the current model written with its classes and extractor, or a saved one
read back (refused, in one line, when it cannot be used here). Each runs on a job's thread."""

from pathlib import Path

from mlcore.image_engine.images import PipelineError
from mlcore.ml import features
from mlcore.ml.model_io import ModelFileError
from mlcore.ml.trainer_process import TrainingError


def save_model(job, worker, path, model, extractor):
    """Write `model` as a model file at `path`: {"path", "classes"}."""
    job.report(0, None, f"saving the model to {path}")
    try:
        written = worker.save_model(path, model, list(model.classes_), extractor)
    except (ModelFileError, TrainingError) as error:
        said = str(error)  # a folder that cannot be written is said as such; anything else is named
        raise PipelineError(said if said.startswith("cannot write") else f"model not saved: {said}") from None
    return {"path": str(written), "classes": list(model.classes_)}


def load_model(job, worker, path):
    """(model, facts) read from the model file at `path`; its extractor must be one this sketch computes."""
    path = Path(path)
    job.report(0, None, f"loading {path.name}")
    try:
        model, info = worker.load_model(path)
    except (ModelFileError, TrainingError) as error:
        raise PipelineError(str(error)) from None
    extractor = info["extractor"]
    if extractor not in features.EXTRACTORS:
        raise PipelineError(
            f"{path.name}: refused: trained on {extractor!r} features, which this sketch "
            f"cannot compute ({', '.join(features.EXTRACTORS)})"
        )
    return model, info
