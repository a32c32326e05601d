"""The image classifier's window: five pages (Data, Features, Training, Testing, Deployment) over an ImagePipeline.

`sketches/image_classifier.py` keeps the lesson (its knobs, `build_model`, `training_done`, the keys); this module
holds the machinery, each part in its own module: the pages (`pages/`), the tab and message bars (`bars`), the
queue of steps a batch run goes through (`steps`), the command line (`command_line`), the camera and Live
(`camera_live`), your own classes (`own_classes`, `collection_view`), the last session (`session`) and the engine
(`pipeline`, no pygame).

The draw loop never waits on work. Loading, extracting, training and predicting a dropped image are Jobs of the
pipeline, one at a time, started in order by the step queue. Nothing here reads the runtime's globals: the sketch
hands in the frame count (`update`) and the mouse position (`page_key`).
"""

import pygame

from mlcore.image_app import command_line
from mlcore.image_app.bars import MESSAGE_HEIGHT, TAB_HEIGHT, MessageBar, TabBar
from mlcore.image_app.camera.live import CameraView
from mlcore.image_app.collection_view import CollectionView
from mlcore.image_app.command_line import PAGES
from mlcore.image_engine.edits import DataEdits
from mlcore.image_app.drops import drop_file
from mlcore.image_app.exports import Exports
from mlcore.image_app.model_files import ModelFiles
from mlcore.image_app.own_classes import OwnClasses
from mlcore.image_app.pages.data import DataPage
from mlcore.image_app.pages.deployment import DeploymentPage
from mlcore.image_app.pages.features import FeaturesPage
from mlcore.image_app.pages.testing import TestingPage
from mlcore.image_app.pages.training import TrainingPage
from mlcore.image_engine.pipeline import DEFAULTS, ImagePipeline, course_model
from mlcore.image_app.predictions import Predictions
from mlcore.image_app.session import Session
from mlcore.image_app.steps import StepQueue, step_name
from mlcore.ml.trainer_process import TrainerProcess
from mlcore.widgets import theme, ui
from mlcore.widgets.thumbnails import Thumbnails

PAGE_CLASSES = [DataPage, FeaturesPage, TrainingPage, TestingPage, DeploymentPage]
MARGIN = 16


class ImageApp:
    """Tabs, pages, messages and the queue of steps, over one ImagePipeline."""

    def __init__(self, width, height, dataset="builtin", features=None, camera=0, record_rate=8.0,
                 test_fraction=0.2, build_model=course_model, training_done=None, **params):
        self.width, self.height = width, height
        self.dataset_spec, self.features = dataset, features
        self.build_model = build_model  # settings -> the network each training fits
        self.training_done = training_done  # called with the results when a training ends, on the window's thread
        self.params = {**DEFAULTS, **params}
        self.pipeline = None
        self.messages = MessageBar(width, height)
        self.say = self.messages.say
        self.live = CameraView(camera, self.say)
        self.own = OwnClasses(self, test_fraction)
        self.steps = StepQueue({"load": lambda spec: self.pipeline.load(spec),
                                "extract": lambda name: self.pipeline.extract(name),
                                "train": lambda _: self.pipeline.train(),
                                "collection": lambda _: self.own.start_split(self._seed()),
                                "save_dataset": lambda argument: self.own.start_save(argument, self._seed()),
                                "load_model": lambda path: self.pipeline.load_model_file(path),
                                "save_model": lambda path: self.pipeline.save_model_file(path),
                                "predict": lambda path: self.predictions.start(path),
                                "export": lambda _: self.exports.start_job()}, self.say)
        self.exports = Exports(self)
        self.edits = DataEdits(self)  # delete an image or move it to another class or set, with undo
        self.models = ModelFiles(self)
        self.predictions = Predictions(self)
        self.session = Session(self)  # the last session: offered on start, kept while working
        self.saved = {}  # the paths written by Save dataset and Save model
        self.thumbnails = Thumbnails()
        self.page = 0
        self.quit_when_idle = self.quit_posted = False
        self.worker_started = False
        content = pygame.Rect(MARGIN, TAB_HEIGHT + 12, width - 2 * MARGIN, height - TAB_HEIGHT - MESSAGE_HEIGHT - 20)
        self.tab_bar = TabBar(width, PAGES)
        self.tabs = self.tab_bar.tabs
        self.pages = [page(self, content) for page in PAGE_CLASSES]
        self.settings = self.pages[PAGES.index("Training")]  # the page whose boxes take typed values
        self.data_page = self.pages[PAGES.index("Data")]
        self.collector = self.data_page.collector = CollectionView(self, self.data_page.collection_area, record_rate)

    # -- what other parts read --------------------------------------------------------------------------------
    @property
    def camera(self):
        return self.live.feed

    @property
    def job(self):
        """The pipeline's job now (running or last), or None."""
        return self.pipeline.job if self.pipeline else None

    @property
    def busy(self):
        return bool(self.job and self.job.running)

    @property
    def training(self):
        return self.busy and self.job.name == "train"

    @property
    def idle(self):
        """Nothing running, nothing queued, no preview being decoded."""
        preview = self.predictions.preview
        return not self.busy and not self.steps.waiting and not (preview and preview.running)

    def _seed(self):
        return self.pipeline.params.get("seed") or 0

    # -- starting ---------------------------------------------------------------------------------------------
    def start(self, args):
        """Read the command line and queue the steps it asks for; the first is loading the dataset."""
        predict = command_line.option(args, "predict", [])
        command_line.check_images(predict)  # a missing or broken image ends the run before any work
        # Features, training and model files in a process of its own: torch never enters the window's.
        self.pipeline = ImagePipeline(build_model=self.build_model, worker=TrainerProcess())
        self.live.worker = self.pipeline.worker
        self.pipeline.params.update(command_line.settings_from(args, self.params))
        features = command_line.option(args, "features") or self.features
        if features:
            self.pipeline.features_name = features
        self.quit_when_idle = command_line.option(args, "quit_when_idle", False)
        theme.use("projector" if command_line.option(args, "projector", False) else theme.current())
        if command_line.option(args, "camera") is not None:
            self.live.use_source(args.camera)
        self.own.save_to = command_line.option(args, "save_dataset")
        self.models.save_to = command_line.option(args, "save_model")
        self.exports.path = command_line.option(args, "export")
        dataset, self.models.last = command_line.saved_files(args)
        if command_line.option(args, "collection"):
            self.open_collection(args.collection, page=not command_line.option(args, "page"),
                                 show=not command_line.is_batch(args))
        self.steps.waiting = command_line.steps_from(args, dataset, self.models.last, self.dataset_spec,
                                                     recorded=self.own.recorded)
        self.live.wanted = bool(command_line.option(args, "live", False))
        self.predictions.printed = {str(path) for path in predict}
        page = command_line.first_page(args)
        if page:
            self.page = PAGES.index(page)
        self.session.start(args)

    # -- once a frame -----------------------------------------------------------------------------------------
    def update(self, frame_count):
        """Once a frame: start the torch process after the first frame, move the queue on, quit when idle."""
        if self.pipeline is None:
            return
        if not self.worker_started and frame_count >= 1:
            self.worker_started = bool(self.pipeline.worker.start())  # it loads torch while the window runs
        self._finish_step()
        self.steps.start_next(self.busy)
        self.messages.collect(self.pipeline)
        if self.thumbnails.dataset is not self.pipeline.dataset:
            self.thumbnails.use(self.pipeline.dataset)
            self.predictions.answers.clear()  # they were answers about the images of the data that is gone
        for page in self.pages:
            page.update()
        collecting = self.data_page.collecting and self.page == PAGES.index("Data")
        self.live.update(self.collector, collecting, self.pipeline.model, self.pipeline.trained_extractor,
                         self.pipeline.device)
        self.session.update()
        if self.quit_when_idle and self.idle and self.steps.current is None and not self.quit_posted and (
                frame_count > 1):
            self.quit_posted = True
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    def _finish_step(self):
        """Once the started step has ended: drop the steps that needed it if it failed, hand on what it gave."""
        ended = self.steps.ended()
        if ended is None:
            return
        step, argument, job = ended
        self.session.step_ended(step, argument, job)
        if step == "train" and job.result is not None and self.training_done is not None:
            self.training_done(job.result)  # a stopped training has results too: what it learned so far
        if job.status in ("failed", "cancelled"):
            self.messages.collect(self.pipeline)
            if job.error:
                self.messages.mark_problem(job.error, step_name(step))
            self.steps.drop_after(step)
            return
        if step == "predict":
            self.predictions.finished(argument, job.result)
        elif step == "save_dataset":
            self.own.saved(job.result)
        elif step == "load_model":
            self.saved["loaded_model"] = job.result["path"]
        elif step == "save_model":
            self.models.saved(job.result)
        elif step == "export":
            self.exports.saved(job.result)

    # -- what the pages ask for -------------------------------------------------------------------------------
    def stop_for(self, step, argument=None):
        """Stop recording and whatever runs (its results belong to the old data): `step` is next."""
        self.collector.stop_recording()
        self.data_page.collecting = False
        stopped = self.busy
        if stopped:
            self.pipeline.stop()
        self.steps.instead(step, argument, stopped)

    def load(self, spec):
        """Load another dataset, stopping whatever runs now."""
        self.stop_for("load", spec)

    def _needs_data(self):
        """True, with a message, when there is no dataset and none on its way."""
        if self.pipeline.dataset is None and not (self.steps.pending("load") or self.steps.pending("collection")):
            self.say("load a dataset first (page 1)", problem=True)
            return True
        return False

    def extract(self, name=None):
        self.own.new_recordings()
        if not self._needs_data():
            self.steps.ask("extract", name or self.pipeline.features_name)

    def train(self):
        if self.training:  # not a problem: what was asked for is under way
            doing = self.job.message or ""
            self.say("already training: press Stop (S) to stop it" if doing.startswith("epoch") else
                     f"training is already waiting its turn ({doing or 'starting'})")
            return
        self.own.new_recordings()
        if not self._needs_data():
            self.steps.ask("train")

    def stop(self):
        """Stop the running step and forget the queued ones."""
        if not self.steps.cancel() and not self.busy:
            self.say("nothing is running")
        if self.busy:
            self.pipeline.stop()

    def show_page(self, page):
        """Go to a page, by number (0–4) or name. Live runs only while the Deployment page shows."""
        self.page = PAGES.index(page) if isinstance(page, str) else page % len(PAGES)
        self.messages.open = False
        self.collector.editing = False
        if self.page != PAGES.index("Deployment") and self.live.wanted:
            self.live.stop()

    # -- your own classes, models, the camera ----------------------------------------------------------------
    def open_collection(self, spec=None, page=True, show=True):
        self.own.show(spec, page, show)

    def save_dataset(self):
        self.own.save()

    def save_model(self):
        self.models.save()

    def load_model(self, path=None):
        self.models.load(path)

    def record(self, start=True):
        self.own.record(start)

    def release(self, x, y, button=1):
        """A mouse button let go: the Record button stops recording."""
        if button == 1:
            self.collector.stop_recording()

    def toggle_live(self):
        """Live on the Deployment page: the camera classified continuously, the bars moving."""
        if self.live.toggle(self.pipeline.model, self.pipeline.trained_extractor):
            self.show_page("Deployment")
            self.pages[PAGES.index("Deployment")].show_answers()  # Live shows there, not under Noise or bias?

    def drop(self, path):
        """A file dropped on the window: a model, a dataset file, a video or folder for the camera, an image."""
        drop_file(self, path)

    def quit(self):
        """When the window closes: stop recording and Live, release the camera, write the last recordings and the
        session."""
        self.collector.stop_recording()
        self.live.quit()
        self.own.close()
        self.session.quit()

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
        if self.messages.open:
            self.messages.open = False
            return
        if self.session.click(x, y) or self.pages[self.page].click_overlay(x, y):
            return
        self.collector.editing = False
        tab = self.tab_bar.hit(x, y)
        if tab is not None:
            self.settings.commit()
            self.show_page(tab)
        elif self.messages.rect.collidepoint(x, y):
            self.messages.open = bool(self.messages.log)
        else:
            self.pages[self.page].click(x, y)

    def wheel(self, x, y, dy):
        self.pages[self.page].wheel(x, y, dy)

    def page_key(self, key, x, y):
        """Page Up / Page Down browse the grid under the mouse, at (x, y)."""
        self.pages[self.page].page_key(key, x, y)

    # -- drawing and state ------------------------------------------------------------------------------------
    def draw(self, screen):
        theme.begin_frame(screen)
        self.thumbnails.new_frame()
        screen.fill(ui.PAPER)
        self.pages[self.page].draw(screen)
        self.tab_bar.draw(screen, self.page, self.pipeline)
        self.messages.draw(screen)
        self.session.draw(screen)
        self.pages[self.page].draw_overlay(screen)
        if self.messages.open:
            self.messages.draw_log(screen)

    def state(self):
        """The pipeline's state plus what the window knows: page, predictions, queue, messages, selections."""
        return window_state(self)


def window_state(app):
    """`app`'s state: the pipeline's, plus what the window knows (page, predictions, queue, messages, selections)."""
    pipeline = app.pipeline
    state = pipeline.state() if pipeline else {}
    log = app.messages.log
    state.update(sketch="image_classifier", page=PAGES[app.page],
                 params=dict(pipeline.params) if pipeline else dict(app.params),
                 predictions=list(app.predictions.answers), queue=[step for step, _ in app.steps.waiting],
                 idle=app.idle if pipeline else True, messages=[text for text, _ in log],
                 problem_messages=[text for text, problem in log if problem], display=theme.report())
    if pipeline:
        state["training"].update(pipeline.history)  # the whole curves: one value per epoch
    enlarged = app.pages[app.page].enlarged
    state["enlarged"] = list(enlarged) if enlarged else None
    for page in app.pages:
        state.update(page.state())
    state.update(collection=app.collector.state(), camera=app.camera.state(), live=app.live.state(),
                 saved=dict(app.saved), **app.session.state())
    return state


def toggle_theme(app):
    """F2: the projector theme (larger text, stronger colours), or back to the default one."""
    app.say(f"{theme.toggle().name} theme (F2 switches)")
