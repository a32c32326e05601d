"""The image classifier's window: five pages (Data, Features, Training, Testing, Deployment) over an ImagePipeline.

`sketches/image_classifier.py` keeps the lesson (its knobs, `build_model`, `training_done`, the keys); the app
reads them from the sketch (`ImageApp.from_sketch(globals())`, as Pygame Zero reads WIDTH). This module holds the
machinery, each part in its own module: the pages (`pages/`), the tab and message bars (`bars`), the queue of steps
a batch run goes through (`steps`), the command line (`command_line`), the camera and Live (`camera/`), your own
classes (`own_classes`, `collection_view`), exports and model files (`files`), the last session (`session`), the
sketch's knobs checked (`knobs`), a saved sketch taking over the running window (`reload`), a run with no person
at the keyboard (`batch`) and the engine (`mlcore.image_engine`, no pygame).

The app builds the parts and hands each one what it draws and the few actions it may take; none of them sees the
app. The draw loop never waits on work. Loading, extracting, training and predicting a dropped image are Jobs of
the pipeline, one at a time, started in order by the step queue. Nothing here reads the runtime's globals: the
sketch hands in the frame count (`update`) and the mouse position (`page_key`).
"""

import copy

import pygame

from mlcore.image_app import command_line, knobs, reload
from mlcore.image_app.app_steps import add_steps, ask_with_data, finish_step
from mlcore.image_app.bars import MESSAGE_HEIGHT, TAB_HEIGHT, MessageBar, TabBar
from mlcore.image_app.batch import Batch
from mlcore.image_app.camera.live import CameraView
from mlcore.image_app.camera.picker import use_file_source
from mlcore.image_app.collection_view import CollectionView
from mlcore.image_app.command_line import PAGES
from mlcore.image_app.files import DroppedDataset, Exports, ModelFiles, dropped_kind
from mlcore.image_app.lesson_report import ImageReport
from mlcore.image_app.own_classes import OwnClasses
from mlcore.image_app.pages.data import DataPage
from mlcore.image_app.pages.deployment import DeploymentPage
from mlcore.image_app.pages.features import FeaturesPage
from mlcore.image_app.pages.testing import TestingPage
from mlcore.image_app.pages.training import TrainingPage
from mlcore.image_app.predictions import Predictions
from mlcore.image_app.session import Session
from mlcore.image_app.steps import StepQueue, job_running
from mlcore.image_engine.edits import DataEdits
from mlcore.image_engine.pipeline import ImagePipeline
from mlcore.ml.trainer_process import TrainerProcess
from mlcore.widgets import theme, ui
from mlcore.widgets.thumbnails import Thumbnails

MARGIN = 16
DATA, DEPLOYMENT = PAGES.index("Data"), PAGES.index("Deployment")
KNOBS = knobs.KNOBS


class ImageApp:
    """Tabs, pages, messages and the queue of steps, over one ImagePipeline."""

    @classmethod
    def from_sketch(cls, sketch):
        """The app a sketch describes: its knobs in capitals (DATASET, HIDDEN_LAYERS, EPOCHS, WIDTH…), its
        `build_model(settings)` and its `training_done(results)`. `sketch` is the sketch's `globals()`."""
        if not callable(sketch.get("build_model")):
            raise TypeError(
                "the image classifier sketch needs its build_model(settings) function: it makes the "
                "network each training starts from"
            )
        values = {name: sketch[name] for name in KNOBS if name in sketch}
        app = cls(
            build_model=sketch["build_model"], training_done=sketch.get("training_done"), **knobs.keywords(values)
        )
        app.knob_values = copy.deepcopy(values)  # as the file sets them: a reload compares its own with these
        return app

    def __init__(
        self,
        build_model,
        training_done=None,
        width=1200,
        height=660,
        dataset="builtin",
        features=None,
        camera=0,
        record_rate=8.0,
        test_fraction=0.2,
        **settings,
    ):
        self.width, self.height = width, height
        self.dataset_spec, self.features = dataset, features  # what loads when the command line names none
        self.training_done = training_done  # called with the results when a training ends, on the window's thread
        # Features, training and model files in a process of its own, started after the first frame (`update`):
        # torch never enters the window's. `build_model` makes the network of every training.
        self.pipeline = pipeline = ImagePipeline(build_model=build_model, worker=TrainerProcess())
        pipeline.params.update(copy.deepcopy(settings))  # the sketch's; the command line's come in `start`
        self.messages = MessageBar(width, height)
        self.say = say = self.messages.say
        self.thumbnails = Thumbnails()
        self.live = CameraView(camera, say, worker=pipeline.worker)
        # The steps of the queue, each with what starts its job; the parts made next bring their own steps.
        self.steps = steps = StepQueue(
            {
                "load": pipeline.load,
                "extract": pipeline.extract,
                "train": lambda _: knobs.start_training(pipeline, self.knob_problems),
            },
            say,
        )
        self.own = OwnClasses(
            pipeline, steps, say, test_fraction, opened=lambda collection: self.collector.select_first(collection)
        )
        self.exports = Exports(pipeline, steps, say)
        self.models = ModelFiles(pipeline, steps, say)
        self.dropped = DroppedDataset(lambda: self.busy, self.load, say)
        self.predictions = Predictions(pipeline, steps, say, self.thumbnails, train=self.train)
        self.edits = DataEdits(pipeline, say, lambda: steps.running(pipeline.job))  # page 1's edits, with undo
        self.saved = {}  # the paths written by Save dataset, Save model and Export
        add_steps(self)
        self.page = 0
        self.batch = Batch()  # --quit-when-idle: quit once idle, a line and an exit status for a failed step
        self.worker_started = False
        self.tab_bar = TabBar(width, PAGES)
        self.tabs = self.tab_bar.tabs
        make_pages(
            self,
            pygame.Rect(MARGIN, TAB_HEIGHT + 12, width - 2 * MARGIN, height - TAB_HEIGHT - MESSAGE_HEIGHT - 20),
            record_rate,
        )
        self.session = Session(self)  # the last session: offered on start, kept while working
        self.knob_values = {}  # the sketch's knobs as its file sets them ({"EPOCHS": 15…}), bad ones included
        self.knob_problems = []  # a sentence per bad knob: T refuses with the first until the file is fixed

    # -- what other parts read --------------------------------------------------------------------------------
    camera = property(lambda self: self.live.feed, doc="The one camera feed (New dataset records it, Live reads it).")
    job = property(lambda self: self.pipeline.job, doc="The pipeline's job now (running or last), or None.")
    busy = property(lambda self: job_running(self.pipeline))
    training = property(lambda self: job_running(self.pipeline, "train"))

    @property
    def idle(self):
        """Nothing running, nothing queued, no preview being decoded."""
        preview = self.predictions.preview
        return not self.busy and not self.steps.waiting and not (preview and preview.running)

    def animating(self):
        """Whether the picture moves on its own (the start, steps queued, a camera open, thumbnails still to make, a
        report's pictures being drawn, a page's curves drawing in): the runtime draws at full speed. Otherwise, with no one at the keys or the
        mouse, fewer frames a second come (a progress bar still moves on while work runs) and the cores go to the
        work."""
        return (
            not self.worker_started
            or bool(self.steps.waiting)
            or self.camera.camera is not None
            or self.thumbnails.owed
            or self.reports.drawing
            or self.pages[self.page].animating
        )

    # -- starting ---------------------------------------------------------------------------------------------
    def start(self, args):
        """Read the command line and queue the steps it asks for (`command_line.start`)."""
        command_line.start(self, args)

    # -- once a frame -----------------------------------------------------------------------------------------
    def update(self, frame_count):
        """Once a frame: start the torch process after the first frame, move the queue on, quit when idle."""
        pipeline = self.pipeline
        if not self.worker_started and frame_count >= 1:
            self.worker_started = bool(pipeline.worker.start())  # it loads torch while the window runs
        finish_step(self)
        self.steps.start_next(self.busy)
        self.messages.collect(pipeline)
        if self.thumbnails.dataset is not pipeline.dataset:
            self.thumbnails.use(pipeline.dataset)
            self.predictions.answers.clear()  # they were answers about the images of the data that is gone
        for part in (*self.pages, self.reports, self.dropped):  # the pages, a report being written, a file read
            part.update()
        collecting = self.data_page.collecting and self.page == DATA
        self.live.update(self.collector, collecting, pipeline.model, pipeline.trained_extractor, pipeline.device)
        self.session.update()
        self.batch.update(self.idle and self.steps.current is None, frame_count)

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

    def extract(self, name=None):
        ask_with_data(self, "extract", name or self.pipeline.features_name)

    def train(self, page=False):
        """Queue a training; `page`: show the Training page too, where the class watches its curves (T does)."""
        if self.knob_problems:
            self.say(self.knob_problems[0], problem=True)
            return
        if self.training:  # not a problem: what was asked for is under way
            doing = self.job.message or ""
            self.say(
                "already training: press Stop (S) to stop it"
                if doing.startswith("epoch")
                else f"training is already waiting its turn ({doing or 'starting'})"
            )
        else:
            ask_with_data(self, "train")
        if page and self.steps.pending("train"):
            self.show_page("Training")

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
        if self.page != DEPLOYMENT and self.live.wanted:
            self.live.stop()

    # -- your own classes, models, the camera ----------------------------------------------------------------
    def open_collection(self, spec=None, page=True, show=True):
        """Show the New dataset view on the Data page, opening (or creating) the collection and the camera."""
        if (self.own.collection is None or spec is not None) and not self.own.open(spec):
            return
        if not show:
            return
        self.data_page.collecting = True
        self.collector.picker.look()  # the webcams plugged in now
        if page:
            self.show_page("Data")
        self.camera.open()

    def use_collection(self):
        """Split the recordings into training and test images and make them the dataset of every page."""
        if self.own.usable():
            self.stop_for("collection")

    def save_dataset(self):
        if self.own.recorded:
            self.collector.stop_recording()
        self.own.save()

    def record(self, start=True):
        """Hold to record (R, Space, the Record button): frames go to the chosen class at a steady rate."""
        if not start:
            self.collector.stop_recording()
        elif self.page == DATA and self.data_page.collecting:
            self.collector.start_recording()
        else:
            self.say("to record, open New dataset on page 1, pick a class, then hold R", problem=True)

    def release(self, x, y, button=1):
        """A mouse button let go: the Record button stops recording."""
        if button == 1:
            self.collector.stop_recording()

    def toggle_live(self):
        """Live on the Deployment page: the camera classified continuously, the bars moving."""
        if self.live.toggle(self.pipeline.model, self.pipeline.trained_extractor):
            self.show_page("Deployment")
            self.deployment_page.show_answers()  # Live shows there, not under Noise or bias?

    def drop(self, path):
        """A file dropped on the window (`drop_file`)."""
        drop_file(self, path)

    def knobs(self, values):
        """The runtime's check of the sketch's knobs (at the start, at each reload): a sentence per bad one."""
        self.knob_problems = knobs.problems({name: value for name, value in values.items() if name in KNOBS})
        return self.knob_problems

    def carry_over(self, old):
        """After the sketch's file is reloaded: the old window goes on (`reload.take_over`), with the new code."""
        reload.take_over(self, old)

    def notice(self, text, error=False):
        """The runtime's news (a window made smaller to fit, a reload), on the message bar."""
        self.say(text, problem=error)

    def quitting(self):
        """When the window closes: stop recording and Live, release the camera, write the recordings, the session and
        the report asked for (--report). False: recordings could not be written anywhere (a second Esc, exit 3); a
        batch run's failed step's status."""
        self.collector.stop_recording()
        self.live.quit()
        saved = self.own.close()
        self.session.quit()
        self.reports.quitting()
        return self.batch.exit_status if saved else False

    # -- events -----------------------------------------------------------------------------------------------
    @property
    def editing(self):
        """True while a setting's box, or the class name box of New dataset, has the keyboard."""
        return self.training_page.editing is not None or (self.collector.editing and self.data_page.collecting)

    def type_key(self, key, unicode):
        """A key for the box being typed in (digits, letters, Backspace, Enter, Tab)."""
        if self.collector.editing:
            self.collector.type_key(key, unicode)
        else:
            self.training_page.type_key(key, unicode)

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
            self.training_page.commit()
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


def make_pages(app, content, record_rate):
    """The five pages, each handed what it draws and the actions it may take, and the New dataset view."""
    pipeline, say, thumbnails = app.pipeline, app.say, app.thumbnails
    app.reports = ImageReport(pipeline, say)  # K, the Report button, --report DIR
    app.data_page = DataPage(
        content,
        pipeline,
        thumbnails,
        own=app.own,
        edits=app.edits,
        load=app.load,
        open_collection=app.open_collection,
        export=app.exports.start,
        screen_size=(app.width, app.height),
    )
    app.training_page = TrainingPage(content, pipeline, say=say, train=app.train, stop=app.stop)
    app.deployment_page = DeploymentPage(
        content,
        pipeline,
        thumbnails,
        steps=app.steps,
        live=app.live,
        predictions=app.predictions,
        toggle_live=app.toggle_live,
        save_model=app.models.save,
        load_model=app.models.load,
        retrain=app.predictions.retrain_computable,
    )
    app.pages = [
        app.data_page,
        FeaturesPage(content, pipeline, say=say, extract=app.extract, stop=app.stop),
        app.training_page,
        TestingPage(content, pipeline, thumbnails, report=app.reports.write),
        app.deployment_page,
    ]
    app.collector = app.data_page.collector = CollectionView(
        app.data_page.collection_area,
        app.own,
        app.camera,
        say,
        record_rate,
        shown=lambda: app.page == DATA,
        use=app.use_collection,
        save=app.save_dataset,
    )


def drop_file(app, path):
    """A file dropped on the window: a model, a dataset file, a video or folder for the camera, an image."""
    kind = dropped_kind(path)
    if kind == "model":
        app.models.load(path)
    elif kind == "dataset":
        app.dropped.open(path)
    elif kind == "camera":
        if use_file_source(app.camera, app.say, path):
            app.collector.picker.editing = False  # a path half typed in the picker's box is answered by the drop
    else:
        app.show_page("Deployment")
        app.predictions.file(path)


def window_state(app):
    """`app`'s state: the pipeline's, plus what the window knows (page, predictions, queue, messages, selections)."""
    pipeline = app.pipeline
    state = pipeline.state()
    log = app.messages.log
    state.update(
        sketch="image_classifier",
        page=PAGES[app.page],
        params=dict(pipeline.params),
        predictions=list(app.predictions.answers),
        queue=[step for step, _ in app.steps.waiting],
        idle=app.idle,
        messages=[text for text, _ in log],
        problem_messages=[text for text, problem in log if problem],
        message_bar=list(app.messages.rect),  # x, y, width, height: taller while the newest message needs more lines
        display=theme.report(),
    )
    state["training"].update(pipeline.history)  # the whole curves: one value per epoch
    enlarged = app.pages[app.page].enlarged
    state["enlarged"] = list(enlarged) if enlarged else None
    for page in app.pages:
        state.update(page.state())
    state.update(
        collection=app.collector.state(),
        camera=app.camera.state(),
        live=app.live.state(),
        saved=dict(app.saved),
        reports=list(app.reports.written),
        **app.session.state(),
    )
    return state


def toggle_theme(app):
    """F2: the projector theme (larger text, stronger colours), or back to the default one."""
    app.say(f"{theme.toggle().name} theme (F2 switches)")
