"""Your own classes, recorded with the camera: the collection behind the New dataset view, made the dataset of
every page (split 80 / 20 per class) or saved as the course's Marcelle files and image folders."""

import re
from pathlib import Path

from mlcore.data.collection import Collection, CollectionError, check_class_name
from mlcore.data.datasets import cache_dir
from mlcore.data.marcelle import features_note
from mlcore.image_app.command_line import PAGES

DEFAULT_COLLECTION = "my_classes"


def collection_folder(spec=None):
    """Where `--collection` keeps its images: a folder path as given, a bare name under <cache>/collections/."""
    spec = str(spec or DEFAULT_COLLECTION).strip()
    path = Path(spec).expanduser()
    if path.is_dir() or "/" in spec or "\\" in spec or spec.startswith("."):
        return path, None
    return cache_dir() / "collections" / check_class_name(spec), spec


def open_collection(spec=None):
    """The collection named by `spec` (opened if it exists, created empty if not); CollectionError if refused."""
    folder, name = collection_folder(spec)
    try:
        return Collection(name=name, folder=folder)
    except OSError as error:
        raise CollectionError(f"cannot open {folder} ({error.strerror or error})") from None


def safe_file_name(name):
    """A dataset name as a file name (spaces and odd characters become _)."""
    return re.sub(r"[^\w.-]+", "_", str(name)).strip("._") or "model"


class OwnClasses:
    """The collection (None until New dataset is used), and whether the pipeline's dataset is made of it."""

    def __init__(self, app, test_fraction=0.2):
        self.app = app
        self.test_fraction = test_fraction  # the share of a recorded class held out for testing
        self.collection = None  # a mlcore.data.collection.Collection
        self.used = None  # what the collection held when it last became the dataset
        self.save_to = None  # --save-dataset

    def open(self, spec=None):
        """Open (or create) the collection named `spec`; False, with a message, where it is refused."""
        app = self.app
        try:
            collection = open_collection(spec)
        except CollectionError as error:
            app.say(f"no collection: {error}", problem=True)
            return False
        if self.collection is not None:
            self.collection.close()
        self.collection, self.used = collection, None
        app.collector.selected = collection.classes[0] if collection.classes else None
        for problem in collection.problems:
            app.say(problem, problem=True)
        what = f"{len(collection)} images in {len(collection.classes)} classes" if len(collection) else "empty"
        app.say(f"collection {collection.name} ({what}), autosaved in {collection.folder}")
        return True

    def adopt(self, collection):
        """`collection`, opened and split as the dataset elsewhere (by a restored session), becomes the one in use."""
        if self.collection is not None and self.collection is not collection:
            self.collection.close()
        self.collection = collection
        self.used = self.snapshot()
        self.app.collector.selected = collection.classes[0] if collection.classes else None

    def close(self):
        """When the window closes: the last recordings written to the collection's folder (or a line saying why not)."""
        collection = self.collection
        if collection is not None and not collection.close(timeout=10):
            print(f"not every recording could be saved: {collection.save_error}")

    def show(self, spec=None, page=True, show=True):
        """Show the New dataset view on the Data page, opening (or creating) the collection and the camera."""
        app = self.app
        if (self.collection is None or spec is not None) and not self.open(spec):
            return
        if not show:
            return
        app.data_page.collecting = True
        app.collector.picker.look()  # the webcams plugged in now
        if page:
            app.show_page("Data")
        app.camera.open()

    def use(self):
        """Split the recordings into training and test images and make them the dataset of every page."""
        if not self.recorded:
            self.app.say("record some images first: New dataset on page 1", problem=True)
            return
        filled = [name for name, count in self.collection.counts().items() if count > 0]
        if len(filled) < 2:
            have = f"only '{filled[0]}' has images" if filled else "no class has images"
            self.app.say(f"a dataset needs at least two classes with at least one image each; {have}: "
                         f"record another class first", problem=True)
            return
        self.app.stop_for("collection")

    def record(self, start=True):
        """Hold to record (R, Space, the Record button): frames go to the chosen class at a steady rate."""
        app = self.app
        if not start:
            app.collector.stop_recording()
        elif app.page == PAGES.index("Data") and app.data_page.collecting:
            app.collector.start_recording()
        else:
            app.say("to record, open New dataset on page 1, pick a class, then hold R", problem=True)

    @property
    def recorded(self):
        """True when there are recordings to learn from."""
        return self.collection is not None and len(self.collection) > 0

    def in_use(self):
        """True when the pipeline's dataset is the collection (split into training and test images)."""
        pipeline = self.app.pipeline
        dataset = pipeline.dataset if pipeline else None
        return self.collection is not None and dataset is not None and self.used is not None and (
            dataset.name == self.collection.name)

    def snapshot(self):
        collection = self.collection
        return (tuple(collection.classes), tuple(collection.counts().items()), len(collection))

    def start_split(self, seed):
        """The step queue's "collection" step: the split, as a pipeline job."""
        self.used = self.snapshot()
        return self.app.pipeline.use_collection(self.collection, self.test_fraction, seed)

    def new_recordings(self):
        """Before extracting or training: images recorded since the collection became the dataset join it."""
        app = self.app
        if not self.recorded or not (app.data_page.collecting or self.in_use()):
            return
        if self.snapshot() != self.used and "collection" not in app.steps:
            app.collector.stop_recording()
            app.steps.ask("collection")

    def folder(self):
        """Where Save dataset writes: --save-dataset, else ./<name>-dataset."""
        if self.save_to:
            return Path(self.save_to)
        name = self.collection.name if self.collection is not None else "my_classes"
        return Path(f"{safe_file_name(name)}-dataset")

    def save(self):
        """Write the collection as Marcelle files (with feature vectors) and image folders, in the background."""
        app = self.app
        if not self.recorded:
            app.say("nothing to save: record your own classes first (New dataset on page 1)", problem=True)
            return
        extractor = app.pipeline.trained_extractor or app.pipeline.features_name
        if extractor == "stored":
            extractor = "efficientnet_lite0"
        app.collector.stop_recording()
        app.steps.ask("save_dataset", (str(self.folder()), extractor))

    def start_save(self, argument, seed):
        """The step queue's "save_dataset" step, as a pipeline job."""
        folder, extractor = argument
        changes = self.app.edits.changes() if self.in_use() else []  # the images deleted or moved on page 1
        return self.app.pipeline.save_collection(self.collection, folder, extractor, self.test_fraction, seed, changes)

    def saved(self, result):
        """The dataset was written: where, said on the message bar."""
        self.app.saved.update(dataset=result["folder"], marcelle=result["marcelle"], images=result["images"])
        self.app.say(f"saved {result['count']} images to {result['folder']}: Marcelle files and image folders")
        self.app.say("Marcelle files: " + features_note(result["extractor"], result["dim"]))
