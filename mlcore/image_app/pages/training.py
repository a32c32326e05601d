"""Step 3, the Training page: set the network's knobs, train, and watch the loss and accuracy curves.

The values typed here are checked by `mlcore.ml.settings`, the same rules the command line and the pipeline use;
the sketch's `build_model(settings)` receives them when a training starts. When it ends, the boxes show the network
that `build_model` made: a setting it did not take from them shows as the network has it. A training of a few
images is over in a blink: its curves draw in over CURVE_SECONDS (`CurvePace`), so a class sees them grow.
"""

import time

import pygame

from mlcore.image_app.pages.base import Page, accent_button, draw_job_progress, percent
from mlcore.image_app.pages.runs_table import RunsTable
from mlcore.ml import settings
from mlcore.widgets import charts, ui
from mlcore.widgets.curve_pace import CurvePace
from mlcore.widgets.text_edit import TextEdit

CURVE_SECONDS = 2.0  # a training's curves draw in over at least this long, however fast it trained

MODEL_SETTINGS = (
    "hidden_layers",
    "epochs",
    "batch_size",
    "learning_rate",
    "validation_split",
    "seed",
    "activation",
    "dropout",
)  # the settings a network carries (augmentation belongs to the training set)


class Field:
    """One training setting: a caption, a box to type in, and - / + buttons."""

    def __init__(self, key, caption, x, y, height=44):
        self.key, self.caption = key, caption
        self.box = pygame.Rect(x + 250, y, 180, height)
        self.minus = ui.Button((x + 440, y, 44, height), "-", size=34)
        self.plus = ui.Button((x + 492, y, 44, height), "+", size=34)
        self.y = y
        self.text = TextEdit(allowed=None if key == "activation" else ".,- e")


class TrainingPage(Page):
    """Step 3: set the network's knobs, train, and watch the loss and accuracy curves."""

    SETTINGS = [
        ("hidden_layers", "hidden layers"),
        ("epochs", "epochs"),
        ("batch_size", "batch size"),
        ("learning_rate", "learning rate"),
        ("validation_split", "validation split"),
        ("seed", "seed"),
        ("activation", "activation"),
        ("dropout", "dropout"),
        ("augmentation", "augmented copies"),
    ]
    PITCH = 40  # from one setting's row to the next

    def __init__(self, rect, pipeline, *, say, train, stop):
        super().__init__(rect, pipeline)
        self.say = say  # say(text, problem=False): a line on the message bar
        self.train, self.stop = train, stop  # the Train and Stop buttons (T and S)
        x, y = self.rect.x, self.rect.y + 42
        self.fields = [
            Field(key, caption, x, y + i * self.PITCH, self.PITCH - 6) for i, (key, caption) in enumerate(self.SETTINGS)
        ]
        buttons_y = y + len(self.fields) * self.PITCH + 8
        self.train_button = accent_button((x, buttons_y, 260, 50), "Train")
        self.stop_button = ui.Button((x + 276, buttons_y, 260, 50), "Stop", size=30)
        self.progress = pygame.Rect(x, buttons_y + 62, 536, 60)
        self.charts = pygame.Rect(x + 556, self.rect.y, self.rect.right - x - 556, self.rect.height)
        self.runs = RunsTable(self.charts)  # moved under the curves once there are runs (`_layout`)
        self.editing = None
        self.pace, self.curves_shown = CurvePace(CURVE_SECONDS), 0  # the epochs drawn at the last frame

    def field(self, key):
        return next(field for field in self.fields if field.key == key)

    def button_center(self, name):
        return {"Train": self.train_button, "Stop": self.stop_button}[name].rect.center

    # -- typing ---------------------------------------------------------------------------------------------
    def edit(self, field):
        self.commit()
        self.editing = field
        field.text.set(settings.show(field.key, self.pipeline.params[field.key]))

    def type_key(self, key, unicode):
        """A key typed into the field being edited: Enter keeps the value, Backspace erases, Tab moves on."""
        field = self.editing
        if field is None:
            return
        ending = field.text.type(key, unicode)
        if ending == "enter":
            self.commit()
        elif ending == "tab":
            index = self.fields.index(field)
            self.commit()
            self.edit(self.fields[(index + 1) % len(self.fields)])

    def commit(self):
        """Check the typed value: a good one becomes the setting, a bad one is explained and the old one kept."""
        field, self.editing = self.editing, None
        if field is None or field.text.fresh:
            return
        old = self.pipeline.params[field.key]
        try:
            value = settings.parse(field.key, field.text.text)
        except ValueError as error:
            self.say(f"{field.caption}: {error}; kept {settings.show(field.key, old)}", problem=True)
            return
        self.pipeline.params[field.key] = value
        if value != old:
            self.say(f"{field.caption}: {settings.show(field.key, value)} (press Train to use it)")

    def show_model(self, model):
        """A training ended: the boxes show the network `build_model` made from them, so that the page says what
        trained (a sketch's `build_model` may set a value of its own). A value the boxes cannot hold is left out."""
        params = self.pipeline.params
        for key in MODEL_SETTINGS:
            if model is not None and hasattr(model, key):
                try:
                    params[key] = settings.check(key, getattr(model, key))
                except settings.SettingError:
                    pass

    def _layout(self):
        """The curves' panel, with the runs table under it once there is a run: (curves, table)."""
        rows = self.pipeline.runs_state()
        room = RunsTable.height(len(rows))
        curves = pygame.Rect(self.charts.x, self.charts.y, self.charts.width, self.charts.height - room)
        self.runs.rect = pygame.Rect(curves.x + 6, curves.bottom + 8, curves.width - 6, room - 8)
        return curves, rows

    # -- clicks ---------------------------------------------------------------------------------------------
    def click(self, x, y):
        _, rows = self._layout()
        index = self.runs.hit(rows, x, y)
        if index is not None and self.busy:
            self.say("wait for the running step to finish (or Stop it), then click the run again", problem=True)
            return
        if index is not None:
            self.pipeline.show_run(index)  # its model, curves and confusion matrices come back
            return
        for field in self.fields:
            if field.box.collidepoint(x, y):
                self.edit(field)
                return
            for button, up in ((field.minus, False), (field.plus, True)):
                if button.hit(x, y):
                    self.commit()
                    params = self.pipeline.params
                    params[field.key] = settings.step(field.key, params[field.key], up)
                    return
        self.commit()
        if self.train_button.hit(x, y):
            self.train()
        elif self.stop_button.hit(x, y):
            self.stop()

    # -- drawing --------------------------------------------------------------------------------------------
    def draw(self, screen):
        ui.label(screen, "Network and training", (self.rect.x, self.rect.y), size=32, bold=True)
        for field in self.fields:
            self._draw_field(screen, field)
        self.stop_button.enabled = self.busy
        self.train_button.draw(screen)
        self.stop_button.draw(screen)
        pipeline = self.pipeline
        if not draw_job_progress(screen, self.progress, pipeline.job, ("train", "run_all", "extract", "load")):
            status = pipeline.training_status
            if status != "idle":
                ui.label(
                    screen,
                    f"{status}: {len(pipeline.history['loss'])} epochs",
                    self.progress.topleft,
                    size=28,
                    bold=True,
                )
                accuracies = (
                    f"accuracy: training set {percent(self.pipeline.train_accuracy)}, "
                    f"test set {percent(self.pipeline.test_accuracy)}"
                )
                ui.label(screen, accuracies, (self.progress.x, self.progress.y + 32), size=26)
            else:
                ui.label(
                    screen, "click a box to type a value, then Enter", self.progress.topleft, size=26, colour=ui.DIM
                )
        self._draw_charts(screen)

    def _draw_field(self, screen, field):
        ui.label(screen, field.caption, (self.rect.x, field.y + field.box.height // 2), size=30, anchor="midleft")
        field.text.draw(
            screen, field.box, self.editing is field, shown=settings.show(field.key, self.pipeline.params[field.key])
        )
        field.minus.draw(screen)
        field.plus.draw(screen)

    def _draw_charts(self, screen):
        curves, rows = self._layout()
        if rows:
            self.runs.draw(screen, rows, self.pipeline.run_shown)
        panel = ui.panel(screen, curves)
        history = self._history_drawn()
        epochs = self.pipeline.epochs_planned or self.pipeline.params["epochs"]
        inner = panel.inflate(-32, -24)
        half = (inner.height - 16) // 2
        loss = {
            "loss": (history["loss"], ui.SERIES_COLOURS[0]),
            "validation loss": (history["val_loss"], ui.SERIES_COLOURS[1]),
        }
        charts.line_chart(screen, (inner.x, inner.y, inner.width, half), loss, "loss (lower is better)", x_max=epochs)
        accuracy = {
            "accuracy": (history["accuracy"], ui.SERIES_COLOURS[0]),
            "validation accuracy": (history["val_accuracy"], ui.SERIES_COLOURS[1]),
        }
        charts.line_chart(
            screen,
            (inner.x, inner.y + half + 16, inner.width, half),
            accuracy,
            "accuracy (higher is better)",
            y_range=(0, 1),
            x_max=epochs,
        )
        if not history["loss"]:
            ui.label(
                screen,
                "the curves grow here, one point per epoch",
                (inner.centerx, inner.y + half // 2),
                size=26,
                colour=ui.PANEL_TEXT,
                anchor="center",
            )

    def _history_drawn(self):
        """The curves of the training shown, up to the epoch its pace has reached."""
        history, run = self.pipeline.history, self.pipeline.shown
        done = len(history["loss"])
        self.curves_shown = self.pace.shown(run, done, run.epochs_planned, time.monotonic())
        return {key: values[: self.curves_shown] for key, values in history.items()}

    @property
    def animating(self):
        """True while the curves draw in."""
        return self.curves_shown < len(self.pipeline.history["loss"])

    def state(self):
        return {"editing": self.editing.key if self.editing else None, "curves_shown": self.curves_shown}
