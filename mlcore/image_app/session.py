"""Continue where the last session stopped, as Marcelle keeps its state and Teachable Machine users ask for.

While a person works, the session (the dataset and its edits, the chosen features, the trained model, the runs
table, the page, the settings, the camera) is written to the cache folder each time one of these changes and
nothing runs, by a thread of its own (`session_file` says what the file holds). On the next start, one line above
the message bar offers to continue it: Enter or its button accepts, any other key or click dismisses it.
`--restore` accepts without asking. Accepting queues one "restore" step: it loads the dataset again, extracts the
features (from the feature cache, so quickly), makes the edits again, then brings back the models as `NumpyMLP`s,
scored again; the camera comes back unless `--camera` names one.

Runs with no person at the keyboard (`--train`, `--predict`, `--quit-when-idle`) neither offer the session nor
write it, so a script never replaces what a student left.
"""

import copy
import threading
from pathlib import Path

import pygame

from mlcore.data.collection import CollectionError
from mlcore.data.course import course_name
from mlcore.image_app import command_line
from mlcore.image_app.bars import MESSAGE_HEIGHT, wrap_whole
from mlcore.image_app.command_line import PAGES
from mlcore.image_engine.edits import replay
from mlcore.image_engine.images import PipelineError
from mlcore.image_app.own_classes import open_collection
from mlcore.image_engine.results import HISTORY_KEYS
from mlcore.image_engine.runs import KEPT
from mlcore.image_engine.session_file import SessionError, read_session, session_path, write_session
from mlcore.widgets import ui

OFFER_HEIGHT = 52  # the band's height for one line of text: two lines make it taller
OFFER_SIZE = 26
ENTER_KEYS = ("return", "enter")  # pygame's names for Enter and the keypad's Enter


def dataset_spec(spec):
    """A dataset as the session names it: a course name as it is, a file or folder by its full path (so that the
    next session, started from another folder, finds it)."""
    text = str(spec).strip()
    if text.lower() == "builtin" or course_name(text) is not None:
        return text
    return str(Path(text).expanduser().absolute())


def camera_spec(source):
    """The camera as the session keeps it: a webcam's number, or a video's or a folder's full path."""
    return source if isinstance(source, int) else str(Path(source).expanduser().absolute())


def describe(session):
    """What a session holds, in a few words: "builtin, 1 edit, color_histogram features, 2 runs, Training page"."""
    edits, runs = len(session["edits"]), len(session["runs"])
    parts = [session["dataset"]]
    if edits:
        parts.append(f"{edits} edit{'s' * (edits != 1)}")
    if session["extracted"]:
        parts.append(f"{session['extracted']} features")
    if session["model"] is not None and session["model"]["model"] is not None:
        parts.append("a trained model")
    if runs:
        parts.append(f"{runs} run{'s' * (runs != 1)}")
    return ", ".join(parts + [f"{session['page']} page"])


class SessionWriter:
    """Writes the newest snapshot to the session file on a thread of its own: the draw loop never waits on a disk.

    Snapshots asked for while one is being written replace one another: only the newest is written next.
    """

    def __init__(self, path):
        self.path = path
        self.error = ""  # why the last write failed, in one line; "" once one succeeds
        self._pending = None
        self._thread = None
        self._lock = threading.Lock()

    def save(self, session, models):
        with self._lock:
            self._pending = (session, models)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="session writer", daemon=True)
                self._thread.start()

    @property
    def busy(self):
        """True while a snapshot waits or is being written."""
        with self._lock:
            return self._thread is not None

    def _run(self):
        while True:
            with self._lock:
                pending, self._pending = self._pending, None
                if pending is None:
                    self._thread = None
                    return
            try:
                write_session(self.path, *pending)
                self.error = ""
            except OSError as error:
                self.error = f"{error.strerror or error}"
            except Exception as error:  # a bug, not the disk: still one line, and the writer goes on
                self.error = f"{type(error).__name__}: {error}"

    def flush(self, timeout=10.0):
        """Wait until the newest snapshot is on disk (at most `timeout` seconds)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)


def snapshot(app, source):
    """The session now, as plain values naming its models, and the models by name (written by `SessionWriter`)."""
    pipeline = app.pipeline
    models, names = {}, {}

    def entry(model, trained_on, history, epochs, status):
        name = names.setdefault(id(model), f"model{len(names)}")
        models[name] = model
        return {"model": name, "trained_on": trained_on, "history": {key: list(history.get(key, ()))
                                                                     for key in HISTORY_KEYS},
                "epochs": epochs, "status": status}

    runs = []
    for row, kept, dataset in pipeline._runs:
        run = {"row": dict(row), "model": None}
        # Only a run of the data now loaded, on the features now extracted, can be brought back whole.
        if dataset is pipeline.dataset and kept.get("model") is not None and pipeline._extracted is not None and (
                kept.get("_extracted") == pipeline._extracted):
            run.update(entry(kept["model"], kept["_trained_on"], kept["_history"], kept["_epochs_planned"], "done"))
        runs.append(run)
    model = pipeline.model
    current = None if model is None else entry(model, pipeline._trained_on, pipeline.history,
                                                pipeline._epochs_planned, pipeline._training)
    extracted = pipeline._extracted if pipeline.train_features is not None else None
    return {"source": dict(source), "dataset": pipeline.dataset.name, "edits": app.edits.changes(),
            "features": pipeline.features_name, "extracted": extracted, "params": copy.deepcopy(pipeline.params),
            "page": PAGES[app.page], "model": current, "runs": runs, "run_shown": pipeline.run_shown,
            "camera": camera_spec(app.camera.source)}, models


def restore(pipeline, job, session, models):
    """The "restore" step, on the pipeline's worker thread: the dataset, its features and edits, then the runs and
    the model. Returns what the window takes over: the edits (to undo them), how many were missed, the collection."""
    source, collection = session["source"], None
    if "collection" in source:
        job.report(0, None, f"opening {source['collection']}")
        try:
            collection = open_collection(source["collection"])
            dataset = collection.split(test_fraction=source["test_fraction"], seed=pipeline.params.get("seed") or 0)
        except CollectionError as error:
            raise PipelineError(f"the last session's own classes cannot be opened: {error}") from None
        pipeline._set_dataset(dataset)
    else:
        pipeline._load_step(job, source["dataset"])
    pipeline.features_name = session["features"]
    if session["extracted"]:
        pipeline._extract_step(job, session["extracted"])
    data = (pipeline.dataset, pipeline.train_features, pipeline.test_features, pipeline._extracted)
    data, edits, missed = replay(data, session["edits"])
    pipeline.dataset, pipeline.train_features, pipeline.test_features, pipeline._extracted = data
    _restore_runs(pipeline, session, models)
    return {"edits": edits, "missed": missed, "collection": collection}


def _restore_runs(pipeline, session, models):
    """The runs table (each run of these data and features whole, the others as rows), then the model shown."""
    pipeline._runs = []
    for run in session["runs"]:
        kept, dataset = {}, None
        if run["model"] is not None and _use_model(pipeline, models[run["model"]], run):
            kept, dataset = {name: getattr(pipeline, name) for name in KEPT}, pipeline.dataset
        pipeline._runs.append((dict(run["row"]), kept, dataset))
    pipeline._clear_results()
    current = session["model"]
    if current is not None and current["model"] is not None:
        _use_model(pipeline, models[current["model"]], current, scored_only=False)
        shown = session["run_shown"]
        if isinstance(shown, int) and 0 <= shown < len(pipeline._runs) and pipeline._runs[shown][2] is not None:
            pipeline.run_shown = shown


def _use_model(pipeline, model, entry, scored_only=True):
    """Make `model` the pipeline's, scored on the features when it was trained on them (its confusion matrices and
    accuracies come back), with its curves; True if scored. `scored_only`: leave an unscored model out."""
    name, vectors = entry["trained_on"], pipeline.train_features
    scored = vectors is not None and pipeline._extracted == name and vectors.shape[1] == model.weights[0].shape[1] and (
        set(model.classes_) <= set(pipeline.dataset.classes))
    if scored:
        pipeline._evaluate(model, pipeline.dataset, name)
    elif scored_only:
        return False
    else:
        pipeline.model, pipeline._trained_on = model, name
    pipeline._history = {key: list(entry["history"].get(key, ())) for key in HISTORY_KEYS}
    pipeline._epochs_planned = entry["epochs"]
    pipeline._training = entry.get("status") if entry.get("status") in ("done", "cancelled", "idle") else "done"
    return scored


class Session:
    """The last session for one ImageApp: offered on start, restored as a step, written while the person works."""

    def __init__(self, app):
        self.app = app
        app.steps.add_step("restore", self.start_restore)
        self.path = self.writer = None  # set by `start`, from the pipeline's cache folder
        self.offered = None  # (session, models) while the line offering it shows
        self.source = None  # where the dataset now loaded came from: {"dataset": spec} or {"collection": folder…}
        self.keep = False  # whether this run writes the session (not a batch run)
        self.restoring = False
        self.page_asked = False  # --page (or --live, --predict) chose the page: a restore keeps it
        self.camera_asked = False  # --camera chose the camera: a restore keeps it
        self.written = None  # what the last snapshot asked of the writer was made of
        self.told_error = ""
        rect = pygame.Rect(0, app.height - MESSAGE_HEIGHT - OFFER_HEIGHT, app.width, OFFER_HEIGHT)
        self.rect = rect
        self.button = ui.Button((rect.right - 250, rect.y + 8, 238, rect.height - 16), "Continue (Enter)", size=28)
        self.button.selected = True

    # -- starting -------------------------------------------------------------------------------------------------
    def start(self, args):
        """After the command line's steps are queued: offer the last session, or restore it for `--restore`."""
        app = self.app
        self.path = session_path(app.pipeline.cache_folder)
        self.writer = SessionWriter(self.path)
        restore = command_line.option(args, "restore", False)
        self.keep = not command_line.is_batch(args)
        self.page_asked = command_line.first_page(args) is not None
        self.camera_asked = command_line.option(args, "camera") is not None  # --camera wins over the session's
        if not restore and not (self.keep and self.path.exists()):
            return
        if not self.path.exists():
            app.say(f"no last session to continue ({self.path} does not exist): starting afresh", problem=True)
            return
        try:
            saved = read_session(self.path)
        except SessionError as error:
            app.say(f"{error}: starting afresh", problem=True)
            return
        if restore:
            self.accept(saved)
        elif self._worth_offering(saved[0]):
            self.offered = saved

    def _worth_offering(self, session):
        """True unless the session holds nothing this start does not do anyway (the same dataset, untouched)."""
        loads = [dataset_spec(argument) for step, argument in self.app.steps.waiting if step == "load"]
        same_data = loads[:1] == [session["source"].get("dataset")]
        return bool(session["edits"] or session["extracted"] or session["model"] or session["runs"]) or not same_data

    def accept(self, saved):
        """Continue the last session: whatever loads now stops, and the "restore" step is next."""
        app = self.app
        self.offered = None
        later = [(step, argument) for step, argument in app.steps.waiting if step in ("load_model", "predict")]
        app.stop_for("restore", saved)
        app.steps.waiting += later
        self.restoring = True
        self._restore_camera(saved[0].get("camera"))
        app.say(f"continuing the last session: {describe(saved[0])}")

    def _restore_camera(self, source):
        """The camera picked in the last session, unless --camera chose one (a path gone since is left out)."""
        if self.camera_asked or source is None or source == camera_spec(self.app.camera.source):
            return
        if isinstance(source, int) or Path(source).exists():
            self.app.camera.use(source)
            self.app.say(f"camera: {self.app.camera.name} (as in the last session)")

    def dismiss(self):
        self.offered = None

    def start_restore(self, saved):
        """The step queue's "restore" step, as a pipeline job; the saved settings first."""
        session, models = saved
        pipeline = self.app.pipeline
        pipeline.params.update({key: value for key, value in session["params"].items() if key in pipeline.params})
        return pipeline._start("restore", lambda job: restore(pipeline, job, session, models))

    # -- steps that ended, and writing ------------------------------------------------------------------------------
    def step_ended(self, step, argument, job):
        """A step of the queue ended: note where the dataset came from, or take over what a restore brought."""
        app = self.app
        if job.status != "done":
            if step == "restore":
                self.restoring = False
                self.written = self._signature()  # a half-restored session does not replace the file yet
            return
        if step == "load":
            self.source = {"dataset": dataset_spec(argument)}
        elif step == "collection":
            own = app.own
            self.source = {"collection": str(Path(own.collection.folder).absolute()),
                           "test_fraction": own.test_fraction}
        elif step == "restore":
            self._restored(argument[0], job.result)

    def _restored(self, session, result):
        app = self.app
        app.messages.collect(app.pipeline)  # what the restore said (loaded, features) comes before its last line
        self.restoring = False
        self.source = dict(session["source"])
        app.edits.done = list(result["edits"])
        if result["collection"] is not None:
            app.own.adopt(result["collection"])
        if not self.page_asked and session["page"] in PAGES:
            app.show_page(session["page"])
        if result["missed"]:
            app.say(f"{result['missed']} of the last session's edits could not be made again: the dataset has "
                    f"changed since", problem=True)
        app.say(f"continued the last session: {describe(session)}")

    def _signature(self):
        """What the session is made of, cheaply compared each frame."""
        app, pipeline = self.app, self.app.pipeline
        return (id(pipeline.dataset), repr(self.source), repr(app.camera.source), pipeline.features_name,
                pipeline._extracted,
                id(pipeline.model), len(pipeline._runs), pipeline.run_shown, app.page,
                repr(sorted(pipeline.params.items())))

    def update(self):
        """Once a frame: when something worth keeping changed and nothing runs, the writer gets a snapshot."""
        app = self.app
        if self.restoring and not app.steps.pending("restore"):
            self.restoring = False  # another dataset was asked for before the restore could start
        if self.writer is not None and self.writer.error and self.writer.error != self.told_error:
            self.told_error = self.writer.error
            app.say(f"the session cannot be kept in {self.path} ({self.writer.error})", problem=True)
        if not self.keep or self.offered or self.restoring or self.source is None or not app.idle or (
                app.pipeline.dataset is None):
            return
        signature = self._signature()
        if signature != self.written:
            self.written = signature
            self.writer.save(*snapshot(app, self.source))

    def quit(self):
        """When the window closes: the last change written, and the writer done."""
        if self.app.pipeline is not None and self.writer is not None:
            self.update()
            self.writer.flush()

    # -- the line that offers it ------------------------------------------------------------------------------------
    def answer(self, key):
        """A key pressed while the line shows: Enter continues the last session, any other key dismisses it."""
        if self.offered is not None:
            if key in ENTER_KEYS:
                self.accept(self.offered)
            else:
                self.dismiss()

    def click(self, x, y):
        """A click while the line shows: True when it was on Continue; anywhere else dismisses the line."""
        if self.offered is None:
            return False
        if self.button.hit(x, y):
            self.accept(self.offered)
            return True
        self.dismiss()
        return False

    def draw(self, screen):
        """The offer above the message bar; a description too long for one line takes two (the band grows up)."""
        if self.offered is None:
            return
        hint = "any other key: no"
        hint_x = self.button.rect.x - 12
        room = hint_x - ui.text_width(hint, 22) - 36
        lines = wrap_whole(f"Continue the last session? {describe(self.offered[0])}", room, OFFER_SIZE)
        pitch = ui.line_height(OFFER_SIZE) + 2
        height = max(OFFER_HEIGHT, len(lines) * pitch + 12)
        rect = pygame.Rect(self.rect.x, self.rect.bottom - height, self.rect.width, height)
        pygame.draw.rect(screen, ui.PANEL, rect)
        pygame.draw.line(screen, ui.ACCENT, rect.topleft, rect.topright, 3)
        ui.label(screen, hint, (hint_x, self.button.rect.centery), size=22, colour=ui.PANEL_DIM, anchor="midright")
        top = rect.centery - len(lines) * pitch // 2
        for i, line in enumerate(lines):
            ui.label(screen, line, (12, top + i * pitch + pitch // 2), size=OFFER_SIZE, colour=ui.PANEL_TEXT,
                     anchor="midleft", padding=0)
        self.button.draw(screen)

    def state(self):
        pipeline = self.app.pipeline
        up_to_date = bool(pipeline and self.written == self._signature() and not (self.writer and self.writer.busy))
        return {"session": {"path": str(self.path) if self.path else None, "keep": self.keep,
                            "offer": describe(self.offered[0]) if self.offered else None,
                            "restoring": self.restoring, "up_to_date": up_to_date,
                            "error": self.writer.error if self.writer else ""}}
