"""The image classifier's window: five pages (Data, Features, Training, Testing, Deployment) over an ImagePipeline.

`sketches/image_classifier.py` keeps the lesson's steps and its knobs; this module holds the machinery: the tabs,
the message bar, the command line, the queue of steps that a batch run goes through, and the state JSON. The
pages themselves are in `mlcore.image_app.pages`, the thumbnails in `mlcore.widgets.thumbnails`, the New dataset view and
the camera in `mlcore.image_app.collection_view`.

The draw loop never waits on work. Loading, extracting, training and predicting a dropped image are Jobs of the
pipeline, one at a time; steps asked for while one runs wait in `queue` and start, in order, when it ends. A
step that fails or is stopped drops the steps that needed it, and says why on the message bar.

The camera opens only while the New dataset view or Live mode shows; Live runs while the Deployment page does.
"""

import argparse
from pathlib import Path

import pygame

from mlcore.image_app import pages as image_pages

from mlcore.widgets import ui

from mlcore.image_app import collection_view as webcam_page
from mlcore.data.collection import CollectionError
from mlcore.ml.features import EXTRACTORS
from mlcore.image_app.pipeline import DEFAULTS, STORED_CANNOT_PREDICT, ImagePipeline, read_image
from mlcore.image_app.live import LivePredictor
from mlcore.ml.model_io import ModelFileError, save_model
from mlcore.runtime import frames
from mlcore.widgets.thumbnails import Thumbnails
from mlcore.image_app.collection_view import CameraFeed, CollectionView, camera_source_kind
from mlcore.jobs import Job
from mlcore.ml.warmup import preload_torch

PAGES = ["Data", "Features", "Training", "Testing", "Deployment"]
TAB_HEIGHT = 56
MESSAGE_HEIGHT = 44
MARGIN = 16
STEP_NAMES = {"load": "loading", "extract": "extracting features", "train": "training", "predict": "predicting",
              "collection": "using your dataset", "load_model": "loading the model",
              "save_dataset": "saving the dataset"}


# ------------------------------------------------------------------------------------------------ command line


def _setting(key):
    """An argparse type that reads a training setting as the Training page does."""

    def convert(text):
        try:
            return image_pages.parse_param(key, text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from None

    return convert


def add_arguments(parser):
    """The image classifier's own options (the runtime adds --headless, --seed, --screenshot…)."""
    parser.add_argument("--dataset", metavar="NAME|DIR",
                        help="builtin, a course dataset (miniMASK, miniROAD, miniTRASH, miniRETINA, miniSKIN, "
                             "miniFRUIT) or a folder")
    parser.add_argument("--features", choices=EXTRACTORS, help="the feature extractor")
    parser.add_argument("--layers", type=_setting("hidden_layers"), metavar="64,32", help="hidden layer sizes")
    parser.add_argument("--epochs", type=_setting("epochs"), metavar="N")
    parser.add_argument("--batch-size", type=_setting("batch_size"), metavar="N")
    parser.add_argument("--learning-rate", type=_setting("learning_rate"), metavar="F")
    parser.add_argument("--validation-split", type=_setting("validation_split"), metavar="F",
                        help="the share of training images held out to watch for overfitting")
    parser.add_argument("--train", action="store_true", help="load, extract, train and test with no clicks")
    parser.add_argument("--predict", metavar="IMAGE", help="classify this image file once a model is trained")
    parser.add_argument("--quit-when-idle", action="store_true",
                        help="exit once nothing is running and nothing more is queued")
    parser.add_argument("--page", type=str.capitalize, choices=PAGES, help="the page to start on")
    parser.add_argument("--camera", metavar="N|PATH",
                        help="the webcam number (0: the first), or a video file or a folder of images to play as one")
    parser.add_argument("--collection", metavar="NAME|DIR",
                        help="record your own classes into this collection (a name under the cache, or a folder)")
    parser.add_argument("--save-dataset", metavar="DIR", help="where Save dataset writes (default ./NAME-dataset)")
    parser.add_argument("--save-model", metavar="PATH", help="where Save model writes (default ./NAME.model.pt)")
    parser.add_argument("--load-model", metavar="PATH", help="start with this saved model")
    parser.add_argument("--live", action="store_true", help="classify the camera live once a model is ready")


# ------------------------------------------------------------------------------------------------ the app


class ImageApp:
    """Tabs, pages, messages and the queue of steps, over one ImagePipeline."""

    def __init__(self, width, height, dataset="builtin", features=None, camera=0, record_rate=8.0,
                 test_fraction=0.2, **params):
        self.width, self.height = width, height
        self.dataset_spec = dataset
        self.features = features
        self.test_fraction = test_fraction  # the share of a recorded class held out for testing
        self.camera = CameraFeed(camera)  # opened only when a view needs it
        self.collection = None  # your own classes (mlcore.data.collection.Collection), once New dataset is used
        self.collection_used = None  # what the collection held when it last became the dataset
        self.live = None  # the LivePredictor while Live runs
        self.live_wanted = False
        self.live_extractor = None
        self.saved = {}  # the paths written by Save dataset and Save model
        self.save_dataset_to = None
        self.save_model_to = None
        self.model_file = None  # the last model file asked for
        self.params = {**DEFAULTS, **params}
        self.pipeline = None
        self.thumbnails = Thumbnails()
        self.page = 0
        self.queue = []                # (step, argument) waiting for the running job to end
        self.current = None            # (step, argument, job) started from the queue
        self.preview = None            # a Job decoding a dropped image for display
        self.predictions = []          # what the model answered, for the screen and the state JSON
        self.log = []                  # (text, is_problem), every message, oldest first
        self._pipeline_seen = 0
        self.show_log = False
        self.quit_when_idle = False
        self.quit_posted = False
        self.torch_thread = None
        self.content = pygame.Rect(MARGIN, TAB_HEIGHT + 12, width - 2 * MARGIN,
                                   height - TAB_HEIGHT - MESSAGE_HEIGHT - 20)
        self.tabs = [ui.Button((8 + i * 178, 6, 172, TAB_HEIGHT - 12), f"{i + 1} {name}", size=30)
                     for i, name in enumerate(PAGES)]
        self.message_bar = pygame.Rect(0, height - MESSAGE_HEIGHT, width, MESSAGE_HEIGHT)
        self.pages = [page(self, self.content) for page in image_pages.PAGE_CLASSES]
        self.settings = self.pages[PAGES.index("Training")]  # the page whose boxes take typed values
        self.data_page = self.pages[PAGES.index("Data")]
        self.collector = self.data_page.collector = CollectionView(self, self.data_page.collection_area, record_rate)

    # -- starting ---------------------------------------------------------------------------------------------
    def start(self, args):
        """Read the command line and queue the steps it asks for; the first is loading the dataset."""
        self.pipeline = ImagePipeline()
        params = dict(self.params)
        for option, key in (("layers", "hidden_layers"), ("epochs", "epochs"), ("batch_size", "batch_size"),
                            ("learning_rate", "learning_rate"), ("validation_split", "validation_split"),
                            ("seed", "seed")):
            if getattr(args, option, None) is not None:
                params[key] = getattr(args, option)
        self.pipeline.params.update(params)
        features = getattr(args, "features", None) or self.features
        if features:
            self.pipeline.features_name = features
        self.quit_when_idle = getattr(args, "quit_when_idle", False)
        if getattr(args, "page", None):
            self.page = PAGES.index(args.page)
        if getattr(args, "camera", None) is not None:
            self.camera = CameraFeed(args.camera)
        self.save_dataset_to = getattr(args, "save_dataset", None)
        self.save_model_to = getattr(args, "save_model", None)
        self.model_file = getattr(args, "load_model", None)
        dataset = getattr(args, "dataset", None)
        saved = getattr(args, "load", None)  # the common --load: a saved model, or a saved dataset
        if saved and str(saved).endswith(".pt"):
            self.model_file = self.model_file or saved
        elif saved:
            dataset = dataset or saved
        if getattr(args, "collection", None):
            # A batch run trains on the recordings and never needs the New dataset view, nor its camera.
            batch = any(getattr(args, option, None) for option in ("train", "predict", "quit_when_idle"))
            self.open_collection(args.collection, page=not getattr(args, "page", None), show=not batch)
            if self.collection is not None and len(self.collection) and not dataset:
                self.queue.append(("collection", None))
        if dataset or not self.queue:
            self.queue.append(("load", dataset or self.dataset_spec))
        predict = getattr(args, "predict", None)
        if getattr(args, "train", False) or (predict and not self.model_file):
            self.queue.append(("train", None))  # extracts first when the features are not there yet
        elif getattr(args, "features", None):
            self.queue.append(("extract", args.features))
        if self.model_file:
            self.queue.append(("load_model", self.model_file))
        if getattr(args, "live", False):
            self.live_wanted = True
            if not getattr(args, "page", None):
                self.page = PAGES.index("Deployment")
        if predict:
            self.queue.append(("predict", predict))
            self.start_preview(predict)
            if not getattr(args, "page", None):
                self.page = PAGES.index("Deployment")

    # -- messages ---------------------------------------------------------------------------------------------
    def say(self, text, problem=False):
        """A line on the message bar (red for a problem), kept in the state JSON."""
        if not self.log or self.log[-1][0] != text:
            self.log.append((text, problem))

    def _collect_pipeline_messages(self):
        """Bring the pipeline's new messages to the bar; a dataset's problems show red (a failure's: see below)."""
        messages = self.pipeline.messages
        dataset = self.pipeline.dataset
        problems = set(dataset.problems) if dataset is not None else set()
        for text in messages[self._pipeline_seen:]:
            self.say(text, text in problems or text.startswith(("feature cache is", "busy", "no split")))
        self._pipeline_seen = len(messages)

    def _mark_problem(self, error, step):
        """Show a failed job's reason in red: the pipeline's line for it, or a new line if it wrote none."""
        for index in range(len(self.log) - 1, max(-1, len(self.log) - 20), -1):
            text = self.log[index][0]
            if text in error or error in text:
                self.log[index] = (text, True)
                return
        self.say(f"{step} failed: {error}", problem=True)

    # -- the queue of steps -------------------------------------------------------------------------------------
    @property
    def job(self):
        """The pipeline's job now (running or last), or None."""
        return self.pipeline.job if self.pipeline else None

    @property
    def busy(self):
        return bool(self.job and self.job.running)

    @property
    def idle(self):
        """Nothing running, nothing queued, no preview being decoded."""
        return not self.busy and not self.queue and not (self.preview and self.preview.running)

    def ask(self, step, argument=None):
        """Queue a step; it starts as soon as nothing else runs (a step already waiting is not queued twice)."""
        if (step, argument) in self.queue:
            self.say(f"{STEP_NAMES.get(step, step)} is already waiting its turn")
            return
        self.queue.append((step, argument))

    def _start_next(self):
        if self.busy or not self.queue:
            return
        step, argument = self.queue.pop(0)
        pipeline = self.pipeline
        if step == "load":
            job = pipeline.load(argument)
        elif step == "extract":
            job = pipeline.extract(argument)
        elif step == "train":
            job = pipeline.train()
        elif step == "collection":
            self.collection_used = self._collection_snapshot()
            job = pipeline.use_collection(self.collection, self.test_fraction,
                                                   pipeline.params.get("seed") or 0)
        elif step == "load_model":
            job = pipeline.load_model_file(argument)
        elif step == "save_dataset":
            folder, extractor = argument
            job = pipeline.save_collection(self.collection, folder, extractor, self.test_fraction,
                                                 pipeline.params.get("seed") or 0)
        else:
            job = pipeline.predict_image(argument)
        self.current = (step, argument, job)

    def _finish_current(self):
        """Once the started step has ended: drop the steps that needed it if it failed, note what it gave."""
        if self.current is None or self.current[2].running:
            return
        step, argument, job = self.current
        self.current = None
        if job.status in ("failed", "cancelled"):
            self._collect_pipeline_messages()
            if job.error:
                self._mark_problem(job.error, STEP_NAMES.get(step, step))
            if self.queue:
                dropped = ", ".join(STEP_NAMES.get(s, s) for s, _ in self.queue)
                self.say(f"not done, since {STEP_NAMES.get(step, step)} did not finish: {dropped}", problem=True)
                self.queue.clear()
            return
        if step == "predict":
            self.add_prediction(job.result, source=str(argument), image=("file", str(argument)))
        elif step == "save_dataset":
            result = job.result
            self.saved.update(dataset=result["folder"], marcelle=result["marcelle"], images=result["images"])
            self.say(f"saved {result['count']} images to {result['folder']}: Marcelle files and image folders")
            self.say("Marcelle files: " + webcam_page.MARCELLE_NOTE.format(**result))
        elif step == "load_model":
            self.saved["loaded_model"] = job.result["path"]

    def update(self):
        """Once a frame: start torch loading after the first frame, move the queue on, quit when asked and idle."""
        if self.torch_thread is None and frames.count >= 1:
            self.torch_thread = preload_torch()
        if self.pipeline is None:
            return
        self._finish_current()
        self._start_next()
        self._collect_pipeline_messages()
        if self.thumbnails.dataset is not self.pipeline.dataset:
            self.thumbnails.use(self.pipeline.dataset)
            self.predictions.clear()  # they were answers about the images of the data that is gone
        for page in self.pages:
            page.update()
        self._update_camera()
        if self.quit_when_idle and self.idle and self.current is None and not self.quit_posted and frames.count > 1:
            self.quit_posted = True
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    # -- what the pages ask for ---------------------------------------------------------------------------------
    def load(self, spec):
        """Load another dataset, stopping whatever runs now (its results belong to the old data)."""
        self.collector.stop_recording()
        self.data_page.collecting = False
        if self.busy:
            self.pipeline.stop()
            self.current = None  # stopped on purpose: its end must not cancel the load queued after it
        self.queue = [("load", spec)]

    def extract(self, name=None):
        self._use_new_recordings()
        if self.pipeline.dataset is None and not any(step in ("load", "collection") for step, _ in self.queue):
            self.say("load a dataset first (page 1)", problem=True)
            return
        self.ask("extract", name or self.pipeline.features_name)

    def train(self):
        if self.busy and self.job.name == "train":
            self.say("already training: press Stop to stop it", problem=True)
            return
        self._use_new_recordings()
        if self.pipeline.dataset is None and not any(step in ("load", "collection") for step, _ in self.queue):
            self.say("load a dataset first (page 1)", problem=True)
            return
        self.ask("train")

    def stop(self):
        """Stop the running step and forget the queued ones."""
        if self.queue:
            self.say(f"cancelled: {', '.join(STEP_NAMES.get(s, s) for s, _ in self.queue)}")
            self.queue.clear()
        elif not self.busy:
            self.say("nothing is running")
        if self.busy:
            self.pipeline.stop()

    def predict_sample(self, split, index):
        """The model's confidence for one dataset image (fast: its features are already there)."""
        if self.pipeline.model is None:
            training = self.busy and self.job.name == "train"
            self.say("training: wait for it to finish, then click an image" if training else
                     "no model yet: train one on page 3, then click an image", problem=True)
            return
        if not self.pipeline.state()["features"]["ready"]:
            self.say(f"this model needs the dataset's {self.pipeline.features_name} features: extract them "
                     f"(page 2, E), then click an image", problem=True)
            return
        ranked = self.pipeline.predict_sample(split, index)
        if ranked:
            where = "training" if split == "train" else "test"
            self.add_prediction(ranked, source=f"{where} image {index + 1}", image=(split, index),
                                true=self.thumbnails.sample(split, index).label)

    def predict_file(self, path):
        """Classify an image file (dropped on the window or given with --predict) in the background."""
        self.show_page("Deployment")
        if self.pipeline.model is None and not any(step == "train" for step, _ in self.queue) and not (
                self.busy and self.job.name == "train"):
            self.say("no model yet: train one on page 3, then drop the image again", problem=True)
            return
        self.ask("predict", str(path))
        self.start_preview(path)

    def start_preview(self, path):
        """Decode a new image for display on a worker thread (a large photo takes a moment)."""
        self.preview = Job("preview", lambda job: read_image(path)).start()

    def add_prediction(self, ranked, source, image, true=None):
        best, confidence = ranked[0]
        entry = {"source": source, "label": best, "confidence": round(float(confidence), 4),
                 "probabilities": {label: round(float(p), 4) for label, p in ranked}, "image": list(image)}
        if true is not None:
            entry["true"] = true
        self.predictions.append(entry)
        self.say(f"{Path(source).name}: {best} ({confidence:.0%})")

    def show_page(self, page):
        """Go to a page, by number (0–4) or name. Live runs only while the Deployment page shows."""
        self.page = PAGES.index(page) if isinstance(page, str) else page % len(PAGES)
        self.show_log = False
        self.collector.editing = False
        if self.page != PAGES.index("Deployment") and self.live_wanted:
            self.stop_live()

    # -- your own classes ---------------------------------------------------------------------------------------
    def open_collection(self, spec=None, page=True, show=True):
        """Show the New dataset view on the Data page, opening (or creating) the collection and the camera."""
        if self.collection is None or spec is not None:
            try:
                collection = webcam_page.open_collection(spec)
            except CollectionError as error:
                self.say(f"no collection: {error}", problem=True)
                return
            if self.collection is not None:
                self.collection.close()
            self.collection, self.collection_used = collection, None
            self.collector.selected = collection.classes[0] if collection.classes else None
            for problem in collection.problems:
                self.say(problem, problem=True)
            what = f"{len(collection)} images in {len(collection.classes)} classes" if len(collection) else "empty"
            self.say(f"collection {collection.name} ({what}), autosaved in {collection.folder}")
        if not show:
            return
        self.data_page.collecting = True
        if page:
            self.show_page("Data")
        self.camera.open()

    def collection_in_use(self):
        """True when the pipeline's dataset is the collection (split into training and test images)."""
        dataset = self.pipeline.dataset if self.pipeline else None
        return self.collection is not None and dataset is not None and self.collection_used is not None and (
            dataset.name == self.collection.name)

    def _collection_snapshot(self):
        collection = self.collection
        return (tuple(collection.classes), tuple(collection.counts().items()), len(collection))

    def use_collection(self):
        """Split the recordings into training and test images and make them the dataset of every page."""
        if self.collection is None or not len(self.collection):
            self.say("record some images first: New dataset on page 1", problem=True)
            return
        self.collector.stop_recording()
        self.data_page.collecting = False
        if self.busy:
            self.pipeline.stop()
            self.current = None
        self.queue = [("collection", None)]

    def _use_new_recordings(self):
        """Before extracting or training: images recorded since the collection became the dataset join it."""
        if self.collection is None or not len(self.collection):
            return
        if not (self.data_page.collecting or self.collection_in_use()):
            return
        if self._collection_snapshot() != self.collection_used and ("collection", None) not in self.queue:
            self.collector.stop_recording()
            self.ask("collection")

    def dataset_folder(self):
        """Where Save dataset writes: --save-dataset, else ./<name>-dataset."""
        if self.save_dataset_to:
            return Path(self.save_dataset_to)
        name = self.collection.name if self.collection is not None else "my_classes"
        return Path(f"{webcam_page.safe_file_name(name)}-dataset")

    def save_dataset(self):
        """Write the collection as Marcelle files (with feature vectors) and image folders, in the background."""
        if self.collection is None or not len(self.collection):
            self.say("nothing to save: record your own classes first (New dataset on page 1)", problem=True)
            return
        extractor = self.pipeline.trained_extractor or self.pipeline.features_name
        if extractor == "stored":
            extractor = "efficientnet_lite0"
        self.collector.stop_recording()
        self.ask("save_dataset", (str(self.dataset_folder()), extractor))

    def save_model(self):
        """Write the model with its classes, extractor and settings: --save-model, else ./<dataset>.model.pt."""
        model = self.pipeline.model
        if model is None:
            self.say("no model to save yet: train one on page 3", problem=True)
            return
        dataset = self.pipeline.dataset
        name = dataset.name if dataset is not None else "model"
        path = Path(self.save_model_to or f"{webcam_page.safe_file_name(name)}.model.pt")
        try:
            save_model(path, model, model.classes_, self.pipeline.trained_extractor, params=None)
        except ModelFileError as error:
            self.say(f"model not saved: {error}", problem=True)
            return
        self.saved["model"] = str(path)
        self.say(f"model saved to {path} (classes {', '.join(model.classes_)}); load it with --load-model "
                 f"or drop the file on the window")

    def load_model(self, path=None):
        """Load a saved model in the background: `path`, else --load-model, else where Save model writes."""
        if path is None:
            dataset = self.pipeline.dataset
            path = self.model_file or self.save_model_to or (
                f"{webcam_page.safe_file_name(dataset.name)}.model.pt" if dataset is not None else None)
        if path is None:
            self.say("no model file named: use --load-model PATH or drop a .pt file on the window", problem=True)
            return
        if self.busy and self.job.name == "train":
            self.say("training: wait for it to finish, or stop it, then load the model", problem=True)
            return
        self.model_file = str(path)
        self.ask("load_model", str(path))

    # -- recording and live ---------------------------------------------------------------------------------
    def record(self, start=True):
        """Hold to record (R, Space, the Record button): frames go to the chosen class at a steady rate."""
        if not start:
            self.collector.stop_recording()
            return
        if not (self.page == PAGES.index("Data") and self.data_page.collecting):
            self.say("to record, open New dataset on page 1, pick a class, then hold R", problem=True)
            return
        self.collector.start_recording()

    def release(self, x, y, button=1):
        """A mouse button let go: the Record button stops recording."""
        if button == 1:
            self.collector.stop_recording()

    def toggle_live(self):
        """Live on the Deployment page: the camera classified continuously, the bars moving."""
        if self.live_wanted:
            self.stop_live()
            self.say("live stopped")
            return
        model = self.pipeline.model
        if model is None:
            self.say("no model yet: train one (page 3) or load one, then press Live", problem=True)
            return
        if self.pipeline.trained_extractor == "stored":
            self.say(STORED_CANNOT_PREDICT, problem=True)
            return
        self.show_page("Deployment")
        self.live_wanted = True

    def stop_live(self):
        self.live_wanted = False
        if self.live is not None:
            self.live.stop()
            self.live = None

    def _update_camera(self):
        """Once a frame: record, start or restart Live for the current model, close the camera nobody needs."""
        collecting = self.data_page.collecting and self.page == PAGES.index("Data")
        if not collecting:
            self.collector.stop_recording()
        elif self.camera.camera is None:
            self.camera.open()  # back on the New dataset view: its camera was closed while away
        news = self.camera.news()  # the camera failed, or a video ended: said once
        if news:
            if self.collector.recording:
                self.collector.stop_recording(news)
            else:
                self.say(news, problem=True)
            if self.live_wanted and self.camera.camera.status == "failed":
                self.stop_live()
        self.collector.update()
        model, extractor = self.pipeline.model, self.pipeline.trained_extractor
        live = self.live
        if self.live_wanted and live is not None and (live.model is not model
                                                      or live.camera.camera is not self.camera.camera):
            # Trained again, another model loaded, no model while training, another camera: the answers are stale.
            live.stop()
            self.live = live = None
        if live is not None and live.error:
            self.say(live.error, problem=True)
            self.stop_live()
            live = None
        if self.live_wanted and live is None and model is not None:
            if extractor == "stored":
                self.say(STORED_CANNOT_PREDICT, problem=True)
                self.stop_live()
            else:
                self.camera.open(loop=True)  # a video or a folder plays on and on for a demo
                self.live = LivePredictor(self.camera.squared(), model, extractor,
                                          device=self.pipeline.device).start()
                self.live_extractor = extractor
        if not collecting and not self.live_wanted and self.camera.camera is not None:
            self.camera.close()

    def drop(self, path):
        """A file dropped on the window: a model file loads, a video or folder becomes the camera, an image is
        classified."""
        source = Path(path)
        if source.suffix.lower() in webcam_page.MODEL_EXTENSIONS:
            self.load_model(path)
        elif camera_source_kind(source):
            self.camera.use(source)
            self.say(f"camera: {source.name} (a {camera_source_kind(source)} played as the camera)")
        else:
            self.predict_file(path)

    def quit(self):
        """When the window closes: stop recording and Live, release the camera, write the last recordings."""
        self.collector.stop_recording()
        # Stopped, not forgotten: the state JSON written after this still tells what Live and the camera did.
        if self.live is not None:
            self.live.stop()
        if self.camera.camera is not None:
            self.camera.camera.stop(timeout=0.5)
        if self.collection is not None and not self.collection.close(timeout=10):
            print(f"not every recording could be saved: {self.collection.save_error}")

    # -- events -----------------------------------------------------------------------------------------------
    @property
    def editing(self):
        """True while a setting's box, or the class name box of New dataset, has the keyboard."""
        return self.settings.editing is not None or (self.collector.editing and self.data_page.collecting)

    def type_key(self, key, unicode):
        """A key for the box being typed in (digits, letters, Backspace, Enter, Tab)."""
        if self.collector.editing:
            self.collector.type_key(key, unicode)
        else:
            self.settings.type_key(key, unicode)

    def click(self, x, y, button=1):
        if button != 1:
            return
        if self.show_log:
            self.show_log = False
            return
        if self.pages[self.page].click_overlay(x, y):
            return
        self.collector.editing = False
        for index, tab in enumerate(self.tabs):
            if tab.hit(x, y):
                self.settings.commit()
                self.show_page(index)
                return
        if self.message_bar.collidepoint(x, y):
            self.show_log = bool(self.log)
            return
        self.pages[self.page].click(x, y)

    def wheel(self, x, y, dy):
        self.pages[self.page].wheel(x, y, dy)

    def page_key(self, key):
        """Page Up / Page Down browse the grid under the mouse."""
        self.pages[self.page].page_key(key)

    # -- drawing ----------------------------------------------------------------------------------------------
    def draw(self, screen):
        self.thumbnails.new_frame()
        screen.fill(ui.PAPER)
        self.pages[self.page].draw(screen)
        self._draw_tabs(screen)
        self._draw_message_bar(screen)
        self.pages[self.page].draw_overlay(screen)
        if self.show_log:
            self._draw_log(screen)

    def _draw_tabs(self, screen):
        pygame.draw.rect(screen, ui.PANEL, (0, 0, self.width, TAB_HEIGHT))
        for index, tab in enumerate(self.tabs):
            tab.selected = index == self.page
            tab.draw(screen)
        status = pygame.Rect(self.tabs[-1].rect.right + 16, 6, self.width - self.tabs[-1].rect.right - 24,
                             TAB_HEIGHT - 12)
        job = self.job
        if self.busy:
            text = job.message or STEP_NAMES.get(job.name, job.name)
            ui.label(screen, ui.cut(text, status.width, 22), (status.x, status.y), size=22, colour=ui.PANEL_TEXT)
            image_pages.job_bar(screen, (status.x, status.bottom - 12, status.width, 10), job)
        else:
            ready = "ready" if self.pipeline and self.pipeline.model is not None else "no model yet"
            text = f"{self.pipeline.dataset.name}: {ready}" if self.pipeline and self.pipeline.dataset else "no data"
            ui.label(screen, ui.cut(text, status.width, 26), (status.x, status.centery), size=26,
                     colour=ui.PANEL_TEXT, anchor="midleft")

    def _draw_message_bar(self, screen):
        bar = self.message_bar
        if not self.log:
            pygame.draw.rect(screen, ui.PANEL, bar)
            ui.label(screen, "1–5 pages   T train   S stop   N new dataset   L live   wheel: browse   Esc quit",
                     (bar.centerx, bar.centery), size=24, colour=ui.PANEL_TEXT, anchor="center")
            return
        text, problem = self.log[-1]
        pygame.draw.rect(screen, ui.ERROR if problem else ui.PANEL, bar)
        more = f"all {len(self.log)} messages: click" if len(self.log) > 1 else ""
        right = ui.text_width(more, 20) + 24 if more else 0
        ui.label(screen, ui.cut(text, bar.width - 24 - right, 27), (12, bar.centery), size=27,
                 colour=(255, 255, 255), anchor="midleft")
        if more:
            ui.label(screen, more, (bar.right - 12, bar.centery), size=20, colour=(235, 235, 235), anchor="midright")

    def _draw_log(self, screen):
        """Every message, newest at the bottom, over the page (a click closes it)."""
        box = ui.panel(screen, (40, TAB_HEIGHT + 20, self.width - 80, self.height - TAB_HEIGHT - MESSAGE_HEIGHT - 40),
                       alpha=250)
        ui.label(screen, "Messages (click to close)", (box.x + 16, box.y + 10), size=28, colour=ui.PANEL_TEXT,
                 bold=True)
        lines = (box.height - 60) // 28
        y = box.y + 50
        for text, problem in self.log[-lines:]:
            ui.label(screen, ui.cut(text, box.width - 32, 24), (box.x + 16, y), size=24,
                     colour=(255, 140, 140) if problem else ui.PANEL_TEXT)
            y += 28

    # -- state ------------------------------------------------------------------------------------------------
    def state(self):
        """The pipeline's state plus what the window knows: page, predictions, queue, messages, selections."""
        state = self.pipeline.state() if self.pipeline else {}
        state.update(
            sketch="image_classifier",
            page=PAGES[self.page],
            params=dict(self.pipeline.params) if self.pipeline else dict(self.params),
            predictions=list(self.predictions),
            queue=[step for step, _ in self.queue],
            idle=self.idle if self.pipeline else True,
            messages=[text for text, _ in self.log],
            problem_messages=[text for text, problem in self.log if problem],
        )
        if self.pipeline:
            state["training"].update(self.pipeline.history)  # the whole curves: one value per epoch
        state["enlarged"] = list(self.pages[self.page].enlarged) if self.pages[self.page].enlarged else None
        for page in self.pages:
            state.update(page.state())
        live = self.live
        state.update(
            collection=self.collector.state(),
            camera=self.camera.state(),
            live={"running": bool(live and live.running), "wanted": self.live_wanted,
                  "rate": round(live.rate, 1) if live else 0.0, "count": live.count if live else 0,
                  "ready": bool(live and live.result),
                  "result": [[label, round(p, 4)] for label, p in live.result] if live else [],
                  "extractor": self.live_extractor if live else None, "error": live.error if live else ""},
            saved=dict(self.saved),
        )
        return state
