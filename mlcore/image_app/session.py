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
from pathlib import Path

import pygame

from mlcore.image_app import command_line, knobs
from mlcore.image_app.bars import MESSAGE_HEIGHT, wrap_whole
from mlcore.image_app.command_line import PAGES
from mlcore.image_engine.session_file import SessionError, read_session, session_path
from mlcore.image_engine.session_state import SessionWriter, camera_spec, dataset_spec, describe, restore, snapshot
from mlcore.widgets import ui

OFFER_HEIGHT = 52  # the band's height for one line of text: two lines make it taller
OFFER_SIZE = 26
ENTER_KEYS = ("return", "enter")  # pygame's names for Enter and the keypad's Enter


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
        edited = knobs.edited_since(session.get("knobs") or {}, self.app.knob_values)
        if edited:  # the file's knob, edited since the session was kept, wins over the session's setting
            pipeline.params.update(copy.deepcopy(edited))
            self.app.say(
                f"the file changed {knobs.listed({key.upper(): value for key, value in edited.items()})} "
                f"since the last session: used instead of the session's"
            )
        return pipeline.start_job("restore", lambda job: restore(pipeline, job, session, models))

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
            self.source = {
                "collection": str(Path(own.collection.folder).absolute()),
                "test_fraction": own.test_fraction,
            }
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
            app.say(
                f"{result['missed']} of the last session's edits could not be made again: the dataset has "
                f"changed since",
                problem=True,
            )
        app.say(f"continued the last session: {describe(session)}")

    def _signature(self):
        """What the session is made of, cheaply compared each frame."""
        app, pipeline = self.app, self.app.pipeline
        return (
            id(pipeline.dataset),
            repr(self.source),
            repr(app.camera.source),
            pipeline.features_name,
            pipeline.extracted,
            id(pipeline.model),
            len(pipeline.runs),
            pipeline.run_shown,
            app.page,
            repr(sorted(pipeline.params.items())),
        )

    def update(self):
        """Once a frame: when something worth keeping changed and nothing runs, the writer gets a snapshot."""
        app = self.app
        if self.restoring and not app.steps.pending("restore"):
            self.restoring = False  # another dataset was asked for before the restore could start
        if self.writer is not None and self.writer.error and self.writer.error != self.told_error:
            self.told_error = self.writer.error
            app.say(f"{self.writer.error}: the session is not kept ({self.path.name})", problem=True)
        if (
            not self.keep
            or self.offered
            or self.restoring
            or self.source is None
            or not app.idle
            or (app.pipeline.dataset is None)
        ):
            return
        signature = self._signature()
        if signature != self.written:
            self.written = signature
            session, models = snapshot(
                app.pipeline, self.source, app.edits.changes(), PAGES[app.page], app.camera.source
            )
            session["knobs"] = knobs.training(
                app.knob_values
            )  # what the file said: a knob edited since wins on continuing
            self.writer.save(session, models)

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
        self.rect.bottom = self.app.messages.rect.top  # on the bar, however many lines its newest message takes
        self.button.rect.bottom = self.rect.bottom - 8
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
            ui.label(
                screen,
                line,
                (12, top + i * pitch + pitch // 2),
                size=OFFER_SIZE,
                colour=ui.PANEL_TEXT,
                anchor="midleft",
                padding=0,
            )
        self.button.draw(screen)

    def state(self):
        pipeline = self.app.pipeline
        up_to_date = bool(pipeline and self.written == self._signature() and not (self.writer and self.writer.busy))
        return {
            "session": {
                "path": str(self.path) if self.path else None,
                "keep": self.keep,
                "offer": describe(self.offered[0]) if self.offered else None,
                "restoring": self.restoring,
                "up_to_date": up_to_date,
                "error": self.writer.error if self.writer else "",
            }
        }
