"""Your own classes, recorded with the camera: the collection behind the New dataset view, made the dataset of
every page (split 80 / 20 per class) or saved as the course's Marcelle files and image folders."""

import re
import sys
import time
from pathlib import Path

from mlcore.data.collection import CollectionError, open_collection
from mlcore.data.marcelle import features_note
from mlcore.files import cannot_write, user_data_dir, writable


def safe_file_name(name):
    """A dataset name as a file name (spaces and odd characters become _)."""
    return re.sub(r"[^\w.-]+", "_", str(name)).strip("._") or "model"


def rescue_folder(collection):
    """Where a collection goes on quit when its own folder cannot be written: a new folder in the user's data
    folder."""
    return user_data_dir() / "collections" / f"{safe_file_name(collection.name)}-{time.strftime('%Y%m%d-%H%M%S')}"


class OwnClasses:
    """The collection (None until New dataset is used), whether the pipeline's dataset is made of it, and its
    steps: split into the dataset, saved as files."""

    def __init__(self, pipeline, steps, say, test_fraction=0.2, opened=None):
        self.pipeline, self.steps, self.say = pipeline, steps, say
        self.test_fraction = test_fraction  # the share of a recorded class held out for testing
        self.opened = opened  # opened(collection): another collection is the one in use (the view picks a class)
        self.collection = None  # a mlcore.data.collection.Collection
        self.used = None  # what the collection held when it last became the dataset
        self.save_to = None  # --save-dataset
        self.folder_writable = True  # whether the collection's folder can be written, looked at when it opens

    def open(self, spec=None):
        """Open (or create) the collection named `spec`; False, with a message, where it is refused."""
        try:
            collection = open_collection(spec)
        except CollectionError as error:
            self.say(f"no collection: {error}", problem=True)
            return False
        if self.collection is not None:
            self.collection.close()
        self.collection, self.used = collection, None
        self._opened()
        for problem in collection.problems:
            self.say(problem, problem=True)
        what = f"{len(collection)} images in {len(collection.classes)} classes" if len(collection) else "empty"
        self.folder_writable = writable(collection.folder)
        if self.folder_writable:
            self.say(f"collection {collection.name} ({what}), autosaved in {collection.folder}")
        else:
            self.say(
                f"collection {collection.name} ({what}): {collection.folder} cannot be written, so recordings "
                f"stay in memory; on quit they are saved in {user_data_dir() / 'collections'}",
                problem=True,
            )
        return True

    def adopt(self, collection):
        """`collection`, opened and split as the dataset elsewhere (by a restored session), becomes the one in use."""
        if self.collection is not None and self.collection is not collection:
            self.collection.close()
        self.collection = collection
        self.used = self.snapshot()
        self.folder_writable = writable(collection.folder)
        self._opened()

    def _opened(self):
        if self.opened is not None:
            self.opened(self.collection)

    def close(self):
        """When the window closes: the last recordings written to the collection's folder, else to a folder of
        their own in the user's data folder. False, with a line on the bar and on stderr saying where it could not
        write, when neither could be written: the window then asks before closing (the recordings would be lost)."""
        collection = self.collection
        if collection is None or collection.flush(timeout=10) or collection.unsaved == 0:
            return self._closed()
        lost = f"{collection.unsaved} recording{'s' if collection.unsaved != 1 else ''}"
        try:
            folder = collection.write_copy(rescue_folder(collection))
        except OSError as error:
            said = f"could not save your {lost}: {collection.save_error}, and {cannot_write(user_data_dir(), error)}"
            print(said, file=sys.stderr, flush=True)
            self.say(said, problem=True)
            return False
        said = f"{collection.save_error}; the collection was saved in {folder} instead (--collection {folder})"
        print(said, file=sys.stderr, flush=True)
        return self._closed()

    def _closed(self):
        if self.collection is not None:
            self.collection.close(timeout=10)
        return True

    def usable(self):
        """True when the recordings can become the dataset (two classes with images), else False with a message."""
        if not self.recorded:
            self.say("record some images first: New dataset on page 1", problem=True)
            return False
        filled = [name for name, count in self.collection.counts().items() if count > 0]
        if len(filled) < 2:
            have = f"only '{filled[0]}' has images" if filled else "no class has images"
            self.say(
                f"a dataset needs at least two classes with at least one image each; {have}: "
                f"record another class first",
                problem=True,
            )
            return False
        return True

    @property
    def recorded(self):
        """True when there are recordings to learn from."""
        return self.collection is not None and len(self.collection) > 0

    def in_use(self):
        """True when the pipeline's dataset is the collection (split into training and test images)."""
        dataset = self.pipeline.dataset
        return (
            self.collection is not None
            and dataset is not None
            and self.used is not None
            and (dataset.name == self.collection.name)
        )

    def snapshot(self):
        collection = self.collection
        return (tuple(collection.classes), tuple(collection.counts().items()), len(collection))

    def has_new_recordings(self, collecting):
        """True when images were recorded since the collection became the dataset, and it is the data in use
        (`collecting`: the New dataset view shows)."""
        return self.recorded and (collecting or self.in_use()) and self.snapshot() != self.used

    def _seed(self):
        return self.pipeline.params.get("seed") or 0

    def start_split(self, _argument=None):
        """The step queue's "collection" step: the split, as a pipeline job."""
        self.used = self.snapshot()
        return self.pipeline.use_collection(self.collection, self.test_fraction, self._seed())

    def folder(self):
        """Where Save dataset writes: --save-dataset, else ./<name>-dataset."""
        if self.save_to:
            return Path(self.save_to)
        name = self.collection.name if self.collection is not None else "my_classes"
        return Path(f"{safe_file_name(name)}-dataset")

    def save(self):
        """Write the collection as Marcelle files (with feature vectors) and image folders, in the background."""
        if not self.recorded:
            self.say("nothing to save: record your own classes first (New dataset on page 1)", problem=True)
            return
        extractor = self.pipeline.trained_extractor or self.pipeline.features_name
        if extractor == "stored":
            extractor = "efficientnet_lite0"
        self.steps.ask("save_dataset", (str(self.folder()), extractor))

    def start_save(self, argument, changes):
        """The step queue's "save_dataset" step, as a pipeline job; `changes`: the edits of the data on page 1
        (the images deleted or moved), kept when the collection is the dataset in use."""
        folder, extractor = argument
        changes = changes if self.in_use() else []
        return self.pipeline.save_collection(
            self.collection, folder, extractor, self.test_fraction, self._seed(), changes
        )

    def saved(self, result):
        """The dataset was written: where, said on the message bar; the paths to remember."""
        self.say(f"saved {result['count']} images to {result['folder']}: Marcelle files and image folders")
        self.say("Marcelle files: " + features_note(result["extractor"], result["dim"]))
        return {"dataset": result["folder"], "marcelle": result["marcelle"], "images": result["images"]}
