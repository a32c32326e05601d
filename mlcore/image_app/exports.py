"""Export (X, or the Data page's Export button): any dataset (a course file, the built-in one, image folders, your
own classes) as one file in the course's Marcelle format, with the current extractor's vectors as `x`. Dropping
that file on the window, or `--dataset FILE`, opens it again."""

from pathlib import Path

from mlcore.data.marcelle import features_note
from mlcore.image_app.own_classes import safe_file_name

EXPORT_SUFFIX = "-marcelle.json"


class Exports:
    """Where Export writes, the export step of the queue, and what is said when it is done."""

    def __init__(self, app):
        self.app = app
        self.path = None  # --export: where the file goes; None: ./<dataset>-marcelle.json

    def target(self):
        if self.path:
            return Path(self.path)
        dataset = self.app.pipeline.dataset
        return Path(safe_file_name(dataset.name if dataset is not None else "dataset") + EXPORT_SUFFIX)

    def start(self):
        """X or Export: queue the export of the dataset now loaded (after whatever runs or waits)."""
        app = self.app
        if app.pipeline.dataset is None and "load" not in app.steps:
            app.say("nothing to export: load a dataset first (page 1)", problem=True)
            return
        app.steps.ask("export")

    def start_job(self, _argument=None):
        """The step queue's "export" step, as a pipeline job (the dataset is read when it starts), with the
        features the pages use now as `x`."""
        pipeline = self.app.pipeline
        return pipeline.export_dataset(self.target(), pipeline.features_name, features_note)

    def saved(self, result):
        """The file was written: where, how many images, and what its `x` holds."""
        app = self.app
        app.saved["export"] = result["path"]
        app.say(f"exported {result['train']} training and {result['test']} test images to {result['path']} "
                f"(drop it on the window or use --dataset to open it)")
        app.say("Marcelle file: " + features_note(result["extractor"], result["dim"]))
