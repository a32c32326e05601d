"""The window's files: Export (any dataset as one Marcelle file), Save model and Load model, and what a file dropped
on the window is, and a dataset file dropped while work runs.

Export (X, or the Data page's Export button) writes the dataset now loaded (a course file, the built-in one, image
folders, your own classes) in the course's Marcelle format, with the current extractor's vectors as `x`; dropping
that file on the window, or `--dataset FILE`, opens it again. Save model (M) writes the current model with its
classes, extractor and settings; Load model reads one back. Each is a step of the queue, run by the pipeline.
"""

from pathlib import Path

from mlcore.data.marcelle import features_note
from mlcore.image_app.camera.feed import camera_source_kind
from mlcore.image_app.own_classes import safe_file_name
from mlcore.image_engine.dataset_files import read_dataset
from mlcore.jobs import DONE, FAILED, Job

EXPORT_SUFFIX = "-marcelle.json"
MODEL_EXTENSIONS = (".pt", ".pth")
DATASET_EXTENSIONS = (".json",)  # an Export of this sketch, or any course file


def dropped_kind(path):
    """What a file dropped on the window is: "model" (it loads), "dataset" (a Marcelle file: the dataset),
    "camera" (a video or a folder: the New dataset view's camera) or "image" (classified)."""
    source = Path(path)
    suffix = source.suffix.lower()
    if suffix in MODEL_EXTENSIONS:
        return "model"
    if suffix in DATASET_EXTENSIONS and source.is_file():
        return "dataset"
    if camera_source_kind(source):
        return "camera"
    return "image"


def _name_of(dataset, otherwise):
    return safe_file_name(dataset.name if dataset is not None else otherwise)


class Exports:
    """Where Export writes, the export step of the queue, and what is said when it is done."""

    def __init__(self, pipeline, steps, say):
        self.pipeline, self.steps, self.say = pipeline, steps, say
        self.path = None  # --export: where the file goes; None: ./<dataset>-marcelle.json

    def target(self):
        if self.path:
            return Path(self.path)
        return Path(_name_of(self.pipeline.dataset, "dataset") + EXPORT_SUFFIX)

    def start(self):
        """X or Export: queue the export of the dataset now loaded (after whatever runs or waits)."""
        if self.pipeline.dataset is None and "load" not in self.steps:
            self.say("nothing to export: load a dataset first (page 1)", problem=True)
            return
        self.steps.ask("export")

    def start_job(self, _argument=None):
        """The step queue's "export" step, as a pipeline job (the dataset is read when it starts), with the
        features the pages use now as `x`."""
        pipeline = self.pipeline
        return pipeline.export_dataset(self.target(), pipeline.features_name, features_note)

    def saved(self, result):
        """The file was written: say where, how many images and what its `x` holds; the path to remember."""
        self.say(
            f"exported {result['train']} training and {result['test']} test images to {result['path']} "
            f"(drop it on the window or use --dataset to open it)"
        )
        self.say("Marcelle file: " + features_note(result["extractor"], result["dim"]))
        return {"export": result["path"]}


class ModelFiles:
    """Where models are written and read: --save-model, --load-model, else ./<dataset>.model.pt."""

    def __init__(self, pipeline, steps, say):
        self.pipeline, self.steps, self.say = pipeline, steps, say
        self.save_to = None  # --save-model
        self.last = None  # the last model file asked for (--load-model, --load, a dropped file)

    def default_path(self):
        return f"{_name_of(self.pipeline.dataset, 'model')}.model.pt"

    def save(self):
        """Write the model with its classes, extractor and settings, in the background (its turn in the queue)."""
        if self.pipeline.model is None:
            self.say("no model to save yet: train one on page 3", problem=True)
            return
        self.steps.ask("save_model", str(Path(self.save_to or self.default_path())))

    def saved(self, result):
        """The save step ended well: say where the file is; the path to remember."""
        self.say(
            f"model saved to {result['path']} (classes {', '.join(result['classes'])}); load it with "
            f"--load-model or drop the file on the window"
        )
        return {"model": result["path"]}

    def load(self, path=None):
        """Load a saved model in the background: `path`, else --load-model, else where Save model writes."""
        if path is None:
            path = self.last or self.save_to or (self.default_path() if self.pipeline.dataset is not None else None)
        if path is None:
            self.say("no model file named: use --load-model PATH or drop a .pt file on the window", problem=True)
            return
        job = self.pipeline.job
        if job is not None and job.running and job.name == "train":
            self.say("training: wait for it to finish, or stop it, then load the model", problem=True)
            return
        self.last = str(path)
        self.steps.ask("load_model", str(path))


class DroppedDataset:
    """A dataset file dropped on the window. With nothing running it loads at once; while work runs (an extraction,
    a training) the file is read beside it first: a good one then replaces the dataset (stopping the work, as any
    new dataset does), a broken one is one message, and the dataset and its work go on untouched."""

    def __init__(self, busy, load, say):
        self.busy, self.load, self.say = busy, load, say
        self.reading = None  # the job reading a file dropped while work ran

    def open(self, path):
        name = Path(path).name
        if not self.busy():
            self.say(f"opening {name} as the dataset")
            self.load(str(Path(path)))
            return
        self.say(f"reading {name}; what runs now goes on until it is read")
        self.reading = Job("read dataset", read_dataset, path).start()

    def update(self):
        """Once a frame: a file read well is loaded; a broken one is said, and nothing else changes."""
        job = self.reading
        if job is None or job.running:
            return
        self.reading = None
        if job.status == DONE:
            self.say(f"opening {Path(job.result).name} as the dataset")
            self.load(job.result)
        elif job.status == FAILED:
            name = Path(*job.args).name
            self.say(f"{name} was not opened: {job.error} (the dataset and its work go on)", problem=True)
