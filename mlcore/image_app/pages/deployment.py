"""Step 5, the Deployment page: click any image, drop an image file, or turn on Live: the model's confidence for
every class, as bars in the classes' colours. "Noise or bias?" then shows every run's answers on slightly changed
copies of that image, and the test errors grouped (`pages.noise_or_bias`)."""

from pathlib import Path

import pygame

from mlcore.image_app.camera.feed import draw_feed
from mlcore.image_app.pages.base import Page, accent_button, draw_answer, white_panel
from mlcore.image_app.pages.noise_or_bias import NoiseOrBiasView
from mlcore.image_app.pages.runs_table import run_caption
from mlcore.image_app.steps import job_running
from mlcore.image_engine.pipeline import RETRAIN_CAPTION
from mlcore.widgets import theme, ui
from mlcore.widgets.thumbnails import ThumbnailGrid, class_colour, image_surface


class DeploymentPage(Page):
    """Step 5: click any image, drop an image file, or turn on Live: the model's confidence for every class."""

    BUTTONS = ["Live", "Save model", "Load model"]
    TOP = 88  # the row of buttons at the top of the panel, then the line naming the run that answers
    SIDE = 180  # the picture of the image that was classified
    NOISE = "Noise or bias?"

    def __init__(
        self, rect, pipeline, thumbnails, *, steps, live, predictions, toggle_live, save_model, load_model, retrain
    ):
        super().__init__(rect, pipeline, thumbnails)
        self.live = live  # the camera and Live (mlcore.image_app.camera.live.CameraView)
        self.predictions = predictions  # the answers shown here (mlcore.image_app.predictions.Predictions)
        self.actions = {"Live": toggle_live, "Save model": save_model, "Load model": load_model}
        self.retrain = retrain  # extract features a new image can have and train again (a model of stored ones)
        width = 604
        height = (self.rect.height - 20) // 2
        self.train_grid = ThumbnailGrid((self.rect.x, self.rect.y, width, height), "Training set", size=64)
        self.test_grid = ThumbnailGrid((self.rect.x, self.rect.y + height + 20, width, height), "Test set", size=64)
        self.panel = pygame.Rect(
            self.rect.x + width + 24, self.rect.y, self.rect.right - self.rect.x - width - 24, self.rect.height
        )
        room = (self.panel.width - 36 - 2 * 10) // 3
        self.buttons = [
            ui.Button((self.panel.x + 18 + i * (room + 10), self.panel.y + 14, room, 44), name, size=27)
            for i, name in enumerate(self.BUTTONS)
        ]
        self.retrain_button = accent_button(
            (self.panel.x + 18, self.panel.bottom - 62, self.panel.width - 36, 48), RETRAIN_CAPTION, size=26
        )
        self._picture = (None, None)
        self._dataset = None  # the dataset the page last showed
        self.noise = NoiseOrBiasView(self.rect, self.panel, pipeline, steps, thumbnails, show_answer=predictions.sample)
        answer_x = self.panel.x + 18 + self.SIDE + 16  # under the answer, beside the picture
        self.noise_button = ui.Button(
            (answer_x, self.panel.y + 14 + self.TOP + self.SIDE - 38, self.panel.right - answer_x - 12, 38),
            self.NOISE,
            size=26,
        )

    @property
    def offers_retrain(self):
        """A model of stored vectors cannot see a new image: the page offers to extract and retrain."""
        return self.pipeline.trained_extractor == "stored" and not self.busy

    def button_center(self, name):
        if name == RETRAIN_CAPTION:
            return self.retrain_button.rect.center
        if name in (self.NOISE, "Back"):
            return (self.noise_button if name == self.NOISE else self.noise.back).rect.center
        return self.buttons[self.BUTTONS.index(name)].rect.center

    def grids(self):
        return [] if self.noise.shown else [self.train_grid, self.test_grid]

    def wheel(self, x, y, dy):
        if self.noise.shown:
            self.noise.wheel(x, y, dy)
        else:
            super().wheel(x, y, dy)

    def _noise_source(self, latest):
        """What the noise-or-bias check is asked for: the image of the answer shown, if a model can check it."""
        if latest is None or self.pipeline.model is None or self.live.wanted:
            return None
        kind, where = latest["image"]
        return (kind, where) if kind in ("train", "test") else where

    def show_answers(self):
        """Leave the Noise or bias? view for the answers view (where Live shows)."""
        self.noise.shown = False

    def update(self):
        super().update()
        if self._dataset is not self.pipeline.dataset:  # another dataset: the check was about the one gone
            self._dataset = self.pipeline.dataset
            self.show_answers()
        self.show_dataset(self.train_grid, self.test_grid)

    def click_overlay(self, x, y):
        return False  # clicking an image predicts here; nothing is enlarged

    def click(self, x, y):
        if self.noise.shown:
            self.noise.click(x, y)
            return
        source = self._noise_source(self.predictions.latest)
        if source is not None and self.noise_button.hit(x, y):
            self.noise.open(source)
            return
        if self.offers_retrain and self.retrain_button.hit(x, y):
            self.retrain()
            return
        for button in self.buttons:
            if button.hit(x, y):
                self.actions[button.caption]()
                return
        for grid in self.grids():
            item = grid.click(x, y)
            if item not in (None, "page"):
                self.predictions.sample(*item)
                return

    def draw(self, screen):
        if self.noise.shown:
            self.noise.draw(screen)
            return
        dataset = self.pipeline.dataset
        latest = self.predictions.latest
        chosen = tuple(latest["image"]) if latest and latest["image"][0] in ("train", "test") else None
        if dataset is not None:
            self.train_grid.draw(screen, self.thumbnails, dataset.classes, highlight=chosen)
            self.test_grid.draw(screen, self.thumbnails, dataset.classes, highlight=chosen)
        self._draw_panel(screen, latest)

    def _draw_panel(self, screen, latest):
        panel = self.panel
        white_panel(screen, panel)
        wanted = self.live.wanted
        for button in self.buttons:
            button.selected = button.caption == "Live" and wanted
            button.enabled = (
                button.caption == "Load model"
                or self.pipeline.model is not None
                or (button.caption == "Live" and wanted)
            )
            button.draw(screen)
        self._draw_run_line(screen)
        if self.offers_retrain:
            ui.label(
                screen,
                "this model knows only the stored vectors: a new image needs computed ones",
                (panel.x + 18, self.retrain_button.rect.y - 30),
                size=22,
                colour=ui.DIM,
            )
            self.retrain_button.draw(screen)
        x, y = panel.x + 18, panel.y + 14 + self.TOP
        if wanted:
            self._draw_live(screen, x, y)
            return
        if job_running(self.pipeline, "predict"):
            ui.label(screen, "predicting the new image…", (x, y), size=28, bold=True)
            return
        if latest is None:
            ui.label(screen, "Click a picture, drop an image", (x, y), size=30, bold=True)
            ui.label(screen, "file on the window, or press Live", (x, y + 34), size=30, bold=True)
            hint = (
                "the network's confidence for every class appears here"
                if self.pipeline.model is not None
                else "train a model first (page 3), or drop a saved model file (.pt) on the window"
            )
            for i, line in enumerate(ui.wrap(hint, panel.width - 36, 26)):
                ui.label(screen, line, (x, y + 84 + 28 * i), size=26, colour=ui.DIM)
            return
        side = self.SIDE
        picture = self._picture_of(latest, side)
        if picture is not None:
            screen.blit(picture, (x, y))
        pygame.draw.rect(screen, (200, 200, 206), (x, y, side, side), 1)
        tx = x + side + 16
        draw_answer(
            screen, tx, y, latest["label"], latest["confidence"], panel.right - tx - 12, self.colour_of(latest["label"])
        )
        lines = [ui.cut(Path(latest["source"]).name, panel.right - tx - 12, 24)]
        if "true" in latest:
            right = "right" if latest["true"] == latest["label"] else "wrong"
            lines.append(f"true class: {latest['true']} ({right})")
        pitch = ui.line_height(24) + 2  # as drawn (a theme may enlarge it), and a little air
        top = max(y + 86, self.noise_button.rect.y - 2 - pitch * len(lines))  # above the Noise or bias? button
        for i, line in enumerate(lines):
            ui.label(screen, line, (tx, top + pitch * i), size=24, colour=ui.DIM, padding=0)
        if self._noise_source(latest) is not None:
            self.noise_button.draw(screen)
        self._draw_bars(screen, latest["probabilities"])

    def _draw_run_line(self, screen):
        """Under the buttons, which run of the runs table answers here, once the table has two or more."""
        pipeline, size = self.pipeline, theme.current().small
        room = self.panel.width - 36
        line = run_caption(pipeline.runs_state(), pipeline.run_shown, room, size) if pipeline.model is not None else ""
        if line:
            ui.label(
                screen,
                ui.cut(line, room, size, True),
                (self.panel.x + 18, self.buttons[0].rect.bottom + 6),
                size=size,
                bold=True,
                colour=ui.ACCENT,
            )

    def _draw_live(self, screen, x, y):
        """The camera as it is now, the model's answer for its newest frame, and how often it answers."""
        side = self.SIDE
        feed, live = self.live.feed, self.live.predictor
        draw_feed(screen, (x, y, side, side), feed, waiting="opening…", square=True)
        tx = x + side + 16
        room = self.panel.right - tx - 12
        result = live.result if live is not None else []
        if result:
            draw_answer(screen, tx, y, *result[0], room, self.colour_of(result[0][0]))
        elif live is None:
            ui.label(screen, "waiting for a model", (tx, y + 4), size=30, bold=True)
        else:
            ui.label(screen, "starting…", (tx, y + 4), size=30, bold=True)
        rate = f"live: {live.rate:.0f} predictions/s" if live is not None and live.rate else "live"
        ui.label(screen, rate, (tx, y + 96), size=28, bold=True, colour=ui.INK)
        ui.label(
            screen,
            ui.cut(f"{feed.name}, {self.live.extractor or '–'}", room, 22),
            (tx, y + 130),
            size=22,
            colour=ui.DIM,
        )
        if result:
            self._draw_bars(screen, dict(result))

    def bar_rect(self, row, rows):
        """Where the bar of the `row`-th class (likeliest first) lies when there are `rows` classes."""
        top = self.panel.y + 14 + self.TOP + self.SIDE + 20
        bottom = self.retrain_button.rect.y - 36 if self.offers_retrain else self.panel.bottom - 14
        area = pygame.Rect(self.panel.x + 18, top, self.panel.width - 36, bottom - top)
        pitch = max(22, min(44, area.height // max(1, rows)))
        name_width = 130
        return pygame.Rect(area.x + name_width, area.y + row * pitch + 5, area.width - name_width - 70, pitch - 10)

    def colour_of(self, name):
        """The colour of class `name`, as its pictures' captions and its bar have it."""
        return class_colour(name, self.classes) if name in self.classes else ui.ACCENT

    def _draw_bars(self, screen, probabilities):
        """One bar per class, likeliest first, in the class's colour."""
        rows = list(probabilities.items())
        for i, (name, p) in enumerate(rows):
            bar = self.bar_rect(i, len(rows))
            if bar.bottom > (self.retrain_button.rect.y - 36 if self.offers_retrain else self.panel.bottom - 8):
                break
            ui.label(
                screen, ui.cut(name, 122, 26), (self.panel.x + 18, bar.centery), size=26, anchor="midleft", bold=i == 0
            )
            pygame.draw.rect(screen, (232, 232, 236), bar)
            colour = self.colour_of(name)
            filled = bar.copy()
            filled.width = round(bar.width * max(0.0, min(1.0, p)))
            if filled.width:
                pygame.draw.rect(screen, colour, filled)
            ui.label(screen, f"{p:.0%}", (bar.right + 8, bar.centery), size=26, anchor="midleft", bold=i == 0)

    def _picture_of(self, prediction, side):
        """The image a prediction was made for: a dataset image, or the decoded new file."""
        kind, where = prediction["image"]
        key = (kind, where, side, id(self.pipeline.dataset))
        if self._picture[0] == key:
            return self._picture[1]
        if kind in ("train", "test"):
            if self.pipeline.dataset is None:
                return None
            picture = self.thumbnails.get(kind, where, side, wait=True)
        else:
            preview = self.predictions.preview
            if preview is None or preview.status != "done":
                return None
            picture = image_surface(preview.result, side)
        self._picture = (key, picture)
        return picture

    def state(self):
        return {"deployment": self.noise.state()}
