"""The pipeline's slow steps, each run as a job by `ImagePipeline` (`step(job, pipeline, …)` on the job's thread):
extract, train, load and train, predict a new image, load a model file."""

import dataclasses

from mlcore.image_engine import model_files
from mlcore.image_engine.images import PipelineError, read_image
from mlcore.image_engine.run import Shown
from mlcore.ml.settings import SettingError, checked


def extract(job, pipeline, name):
    """Extract: the features of the dataset loaded, with extractor `name` (then the one chosen), or the chosen one."""
    if name is not None:  # chosen here, not by the caller: a request refused as busy changes nothing
        pipeline.features_name = name
    return pipeline.extract_step(job, name)


def train(job, pipeline):
    """Train: a fresh model on the features (extracted first where missing or made by another extractor), scored
    on both sets, added to the runs table and shown."""
    dataset = pipeline.dataset
    if dataset is None:
        raise PipelineError("load a dataset first")
    try:
        settings = checked(pipeline.params)
    except SettingError as error:
        raise PipelineError(str(error)) from None
    pipeline.shown = dataclasses.replace(pipeline.shown, status="running")  # the run in the table stays as it was
    name = pipeline.features_name
    if pipeline.features is None or pipeline.features.extractor != name:
        pipeline.extract_step(job, name)
        pipeline.shown.status = "running"  # the extraction cleared the previous results, status included
    run = pipeline.training.run(
        job, dataset, pipeline.features, settings, lambda run: pipeline.bring_back(Shown(run, None))
    )
    run.make_row(len(pipeline.runs) + 1, settings, pipeline.training.augmentation["copies"])
    pipeline.bring_back(Shown(run, pipeline.runs.add(run)))
    pipeline.note(trained_line(run))
    return {
        "train_accuracy": run.train_accuracy,
        "test_accuracy": run.test_accuracy,
        "epochs": len(run.history["loss"]),
        "status": run.status,
        "history": run.curves(),
    }


def run_all(job, pipeline, spec, name):
    """Load `spec`, then train (with extractor `name`, or the dataset's natural one)."""
    pipeline.load_step(job, spec)
    if name is not None:
        pipeline.features_name = name
    return train(job, pipeline)


def predict_image(job, pipeline, source):
    """The model shown, on a new image (an RGB array or an image file's path)."""
    return pipeline.shown.predict_image(
        job, pipeline.extraction, read_image(source) if pipeline.model is not None else None
    )


def load_model(job, pipeline, path):
    """A saved model becomes the model shown, scored on the data loaded where it fits."""
    model, info = model_files.load_model(job, pipeline.worker, path)
    extractor = info["extractor"]
    pipeline.clear_results()
    pipeline.features_name = extractor
    run = pipeline.model_run(model, extractor, info["feature_dim"])
    pipeline.note(
        f"loaded {path.name}: classes {', '.join(model.classes_)}, {extractor} features"
        + ("" if run.scored else "; Live (L) or drop an image to use it")
    )
    return {"path": str(path), "classes": list(model.classes_), "extractor": extractor}


def trained_line(run):
    """What a training that ended says: how many epochs, and both accuracies."""
    done, planned = len(run.history["loss"]), run.epochs_planned
    stopped = f"stopped after {done} of {planned} epochs" if done < planned else f"trained {done} epochs"
    return f"{stopped}: train accuracy {percent(run.train_accuracy)}, test accuracy {percent(run.test_accuracy)}"


def percent(value):
    return "n/a" if value is None else f"{value:.0%}"
