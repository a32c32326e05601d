"""The Deployment page's "Noise or bias?" view: one image and five slightly changed copies, the answer of every
model of the runs table on each, how often it flips; beside it, the test errors grouped by (true, predicted).

A noisy model flips its answer between copies a person would call the same picture; a biased one gives the same
wrong answer on every copy, and its errors gather in a few groups. The answers are computed by the pipeline in the
background (`ImagePipeline.check_noise`, a step of the queue); this view only reads `pipeline.noise_check`.
"""

import pygame

from mlcore.image_app.pages.base import draw_job_progress
from mlcore.image_app.pages.error_groups import ErrorGroups
from mlcore.widgets import theme, ui
from mlcore.widgets.thumbnails import class_colour, image_surface

STEP = "noise or bias"  # the step of the queue, and the pipeline's job
LABEL = 70  # the column of run numbers
FLIPS = 56  # the column of flip counts
ROW = 36
LEGEND = (
    "Framed: a flip, an answer other than the original's. Flips on copies a person would call the same "
    "picture: a noisy model. The same wrong answer on every copy, and errors that gather in a few large "
    "groups: a biased one."
)


class NoiseOrBiasView:
    """The table of answers on the left of the page, the grouped test errors on the right, and a Back button."""

    def __init__(self, rect, panel, pipeline, steps, thumbnails, show_answer):
        self.pipeline, self.steps, self.thumbnails = pipeline, steps, thumbnails
        self.show_answer = show_answer  # show_answer(split, index): the model's answer on the answers view
        # The check is a step of the window's queue: asked for while a training runs, it starts when that ends.
        steps.add_step(STEP, lambda source: pipeline.check_noise(source))
        self.rect = pygame.Rect(rect.x, rect.y, panel.x - 24 - rect.x, rect.height)
        self.shown = False
        self.back = ui.Button((self.rect.right - 100, self.rect.y, 100, 40), "Back", size=28)
        self.errors = ErrorGroups(panel)
        self.column = (self.rect.width - LABEL - FLIPS) // 6
        self._pictures = (None, [])  # (the check they show, their surfaces)

    def open(self, source):
        """Show the view and check `source`: ("train" or "test", index), or the path of an image file."""
        self.shown = True
        self.steps.ask(STEP, source)

    def click(self, x, y):
        if self.back.hit(x, y):
            self.shown = False
            return
        index = self.errors.click(x, y, self.pipeline.test_errors())
        if index is not None:
            self.show_answer("test", index)  # its answer, on the answers view too
            self.open(("test", index))

    def wheel(self, x, y, dy):
        if self.errors.rect.collidepoint(x, y):
            self.errors.scroll(-dy, self.pipeline.test_errors())

    def draw(self, screen):
        pipeline = self.pipeline
        check = pipeline.noise_check
        self.back.draw(screen)
        ui.label(screen, "Noise or bias?", (self.rect.x, self.rect.y + 4), size=34, bold=True)
        chosen = check["item"][1] if check and check["item"] and check["item"][0] == "test" else None
        classes = pipeline.dataset.classes if pipeline.dataset else []
        self.errors.draw(screen, pipeline.test_errors(), self.thumbnails, classes, self._errors_line(), chosen)
        top = self.rect.y + 48
        if draw_job_progress(screen, (self.rect.x, top + 30, self.rect.width, 60), pipeline.job, (STEP,)):
            return
        if self.steps.pending(STEP) or check is None:
            waiting = (
                "waiting its turn…"
                if self.steps.pending(STEP)
                else ("click a test error on the right, or go Back, click any picture, then Noise or bias?")
            )
            for i, line in enumerate(ui.wrap(waiting, self.rect.width, theme.current().text)):
                ui.label(screen, line, (self.rect.x, top + 30 * i), size=theme.current().text, colour=ui.DIM)
            return
        self._draw_table(screen, check, top)

    def _errors_line(self):
        pipeline = self.pipeline
        dataset, groups = pipeline.dataset, pipeline.test_errors()
        if pipeline.model is None or dataset is None:
            return "no model yet: train one (page 3)"
        run = f"run {pipeline.run_shown + 1}: " if pipeline.run_shown is not None else ""
        wrong = sum(len(group["indices"]) for group in groups)
        hint = "; click one to check it" if groups else ": no errors to show"
        return f"{run}{wrong} of {len(dataset.test)} test images wrong{hint}"

    def _draw_table(self, screen, check, top):
        """Who the image is, the copies, then a row per run: its answer on each copy, framed where it flips."""
        look = theme.current()
        true = f", true class {check['true']}" if check["true"] else ""
        ui.label(
            screen,
            ui.cut(f"{check['source']}{true}", self.rect.width - 110, look.small),
            (self.rect.x, top),
            size=look.small,
            colour=ui.DIM,
        )
        side = self.column - 6
        y = top + 30
        for i, (name, picture) in enumerate(zip(check["copies"], self._surfaces(check, side))):
            x = self.rect.x + LABEL + i * self.column
            screen.blit(picture, (x, y))
            for j, line in enumerate(ui.wrap(name, self.column - 4, look.tick)[:2]):
                ui.label(
                    screen,
                    line,
                    (x + side // 2, y + side + 2 + j * ui.line_height(look.tick)),
                    size=look.tick,
                    anchor="midtop",
                    padding=0,
                )
        ui.label(
            screen,
            "flips",
            (self.rect.right - FLIPS // 2, y + side + 2),
            size=look.tick,
            anchor="midtop",
            padding=0,
            bold=True,
        )
        first = y + side + 2 * ui.line_height(look.tick) + 10
        legend = ui.wrap(LEGEND, self.rect.width, look.small)
        pitch = ui.line_height(look.small) + 3
        room = max(0, (self.rect.bottom - len(legend) * pitch - 16 - first) // ROW)
        rows = check["runs"][-room:] if room else []  # the newest runs, when there are more than fit
        for i, answers in enumerate(rows):
            self._draw_row(screen, answers, first + i * ROW)
        for i, line in enumerate(legend):
            ui.label(
                screen,
                line,
                (self.rect.x, first + len(rows) * ROW + 16 + i * pitch),
                size=look.small,
                colour=ui.DIM,
                padding=0,
            )

    def _draw_row(self, screen, answers, y):
        look = theme.current()
        middle = y + ROW // 2
        ui.label(screen, f"run {answers['run']}", (self.rect.x, middle), size=look.text, bold=True, anchor="midleft")
        if "skipped" in answers:
            ui.label(
                screen,
                ui.cut(answers["skipped"], self.rect.width - LABEL, look.small),
                (self.rect.x + LABEL, middle),
                size=look.small,
                colour=ui.DIM,
                anchor="midleft",
            )
            return
        classes = self.pipeline.dataset.classes
        for i, answer in enumerate(answers["answers"]):
            chip = pygame.Rect(self.rect.x + LABEL + i * self.column, y + 3, self.column - 6, ROW - 6)
            colour = class_colour(answer, classes)
            pygame.draw.rect(screen, colour, chip, border_radius=4)
            ui.label(
                screen,
                ui.cut(answer, chip.width - 6, look.tick, True),
                chip.center,
                size=look.tick,
                colour=ui.text_colour(colour),
                anchor="center",
                bold=True,
                padding=0,
            )
            if answer != answers["answers"][0]:
                pygame.draw.rect(screen, ui.INK, chip.inflate(4, 4), 3, border_radius=5)
        ui.label(
            screen,
            f"{answers['flips']}/{len(answers['answers']) - 1}",
            (self.rect.right - FLIPS // 2, middle),
            size=look.text,
            bold=True,
            anchor="center",
        )

    def _surfaces(self, check, side):
        """The copies' pictures, made once per check."""
        if self._pictures[0] is not check:
            self._pictures = (check, [image_surface(picture, side) for picture in check["pictures"]])
        return self._pictures[1]

    def state(self):
        return {
            "view": "noise_or_bias" if self.shown else "answers",
            "back": list(self.back.rect.center),
            "first_error": list(self.errors.first_picture_center()),
        }
