"""The model's answers: for a dataset image (at once, its features are there) or a new image file (a step of the
queue), kept for the Deployment page and the state JSON; `--predict` answers also go to standard output."""

from pathlib import Path

from mlcore.image_app import command_line
from mlcore.image_app.steps import job_running
from mlcore.image_engine.images import read_image
from mlcore.image_engine.pipeline import DEFAULT_FEATURES, RETRAIN_CAPTION
from mlcore.jobs import Job


class Predictions:
    """Every answer, oldest first, and the picture of the newest new image."""

    def __init__(self, pipeline, steps, say, thumbnails, train):
        self.pipeline, self.steps, self.say = pipeline, steps, say
        self.thumbnails = thumbnails  # a dataset image's true class
        self.train = train  # train(): T, as the Training page's button does it
        self.answers = []  # {"source", "label", "confidence", "probabilities", "image"[, "true"]}
        self.preview = None  # a Job decoding a new image for display
        self.printed = set()  # the --predict images
        self.pending = None  # a file dropped on a model of stored features: classified after the retraining

    @property
    def latest(self):
        return self.answers[-1] if self.answers else None

    def sample(self, split, index):
        """The model's confidence for one dataset image."""
        pipeline = self.pipeline
        if pipeline.model is None:
            self.say(
                "training: wait for it to finish, then click an image"
                if job_running(pipeline, "train")
                else "no model yet: train one on page 3, then click an image",
                problem=True,
            )
            return
        if not pipeline.features_facts()["ready"]:
            self.say(
                f"this model needs the dataset's {pipeline.features_name} features: extract them "
                f"(page 2, E), then click an image",
                problem=True,
            )
            return
        ranked = pipeline.predict_sample(split, index)
        if ranked:
            where = "training" if split == "train" else "test"
            self.add(
                ranked,
                source=f"{where} image {index + 1}",
                image=(split, index),
                true=self.thumbnails.sample(split, index).label,
            )

    def file(self, path):
        """Classify an image file (dropped on the window) in the background."""
        pipeline, steps = self.pipeline, self.steps
        if pipeline.model is None and "train" not in steps and not job_running(pipeline, "train"):
            self.say("no model yet: train one on page 3, then drop the image again", problem=True)
            return
        if pipeline.trained_extractor == "stored" and "train" not in steps:
            self.pending = str(path)
            self.say(
                f"this model knows only the stored vectors, which a new image lacks: press "
                f"'{RETRAIN_CAPTION}' (page 5) and it is classified after",
                problem=True,
            )
            return
        steps.ask("predict", str(path))

    def retrain_computable(self):
        """The way out of a model trained on stored vectors: extract EfficientNet-Lite0 features and train again;
        a file dropped meanwhile is classified after."""
        self.pipeline.features_name = DEFAULT_FEATURES
        self.train()
        pending, self.pending = self.pending, None
        if pending is not None:
            self.steps.ask("predict", pending)

    def start(self, path):
        """The step queue's "predict" step; its picture is decoded for display on another thread meanwhile."""
        self.preview = Job("preview", lambda job: read_image(path)).start()
        return self.pipeline.predict_image(path)

    def finished(self, path, ranked):
        """A new image's answer: kept, and printed when the command line asked for it."""
        self.add(ranked, source=str(path), image=("file", str(path)))
        if str(path) in self.printed:
            print(command_line.prediction_line(path, ranked), flush=True)

    def add(self, ranked, source, image, true=None):
        best, confidence = ranked[0]
        entry = {
            "source": source,
            "label": best,
            "confidence": round(float(confidence), 4),
            "probabilities": {label: round(float(p), 4) for label, p in ranked},
            "image": list(image),
        }
        if true is not None:
            entry["true"] = true
        self.answers.append(entry)
        self.say(f"{Path(source).name}: {best} ({confidence:.0%})")
