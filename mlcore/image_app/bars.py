"""The window's two bars: the tabs with the running job along the top, the messages along the bottom."""

import pygame

from mlcore.image_app.pages.base import job_bar, short_job_text
from mlcore.widgets import ui

TAB_HEIGHT = 56
MESSAGE_HEIGHT = 44  # the message bar with one line: a longer message makes it taller
MESSAGE_SIZE, MORE_SIZE = 27, 20  # its text size, and that of "all N messages: click" on its right
LOG_SIZE, LOG_PITCH = 24, 28  # the list of every message: its text size and line pitch
HINT = "1–5 pages   T train   S stop   N new dataset   L live   wheel: browse   Esc quit"


class TabBar:
    """One tab a page, and on the right what runs now (with its progress) or where things stand."""

    def __init__(self, width, pages):
        self.width = width
        self.tabs = [
            ui.Button((8 + i * 178, 6, 172, TAB_HEIGHT - 12), f"{i + 1} {name}", size=30)
            for i, name in enumerate(pages)
        ]

    def hit(self, x, y):
        """The index of the tab at (x, y), or None."""
        return next((index for index, tab in enumerate(self.tabs) if tab.hit(x, y)), None)

    def draw(self, screen, page, pipeline):
        pygame.draw.rect(screen, ui.PANEL, (0, 0, self.width, TAB_HEIGHT))
        for index, tab in enumerate(self.tabs):
            tab.selected = index == page
            tab.draw(screen)
        right = self.tabs[-1].rect.right
        status = pygame.Rect(right + 16, 6, self.width - right - 24, TAB_HEIGHT - 12)
        job = pipeline.job if pipeline else None
        if job is not None and job.running:
            text = short_job_text(job, status.width, 22)  # a message too long for the bar: its step and count
            ui.label(screen, text, (status.x, status.y), size=22, colour=ui.PANEL_TEXT)
            job_bar(screen, (status.x, status.bottom - 12, status.width, 10), job)
            return
        ready = "ready" if pipeline and pipeline.model is not None else "no model yet"
        text = f"{pipeline.dataset.name}: {ready}" if pipeline and pipeline.dataset else "no data"
        ui.label(
            screen,
            ui.cut(text, status.width, 26),
            (status.x, status.centery),
            size=26,
            colour=ui.PANEL_TEXT,
            anchor="midleft",
        )


class MessageBar:
    """Every message, oldest first; the newest on the bar (red for a problem), all of them on a click."""

    def __init__(self, width, height):
        self.width, self.height = width, height
        self.rect = self.band(0)  # as drawn last: taller while a long message is the newest
        self.log = []  # (text, is_problem)
        self.open = False  # the list of every message shows over the page
        self._seen = 0  # the pipeline's messages already brought here

    def say(self, text, problem=False):
        """A line on the bar (red for a problem), kept in the state JSON; a repeat of the last line is dropped."""
        if not self.log or self.log[-1][0] != text:
            self.log.append((text, problem))

    def collect(self, pipeline):
        """Bring the pipeline's new messages here; a dataset's problems show red (a failure's: `mark_problem`)."""
        dataset = pipeline.dataset
        problems = set(dataset.problems) if dataset is not None else set()
        for text in pipeline.messages[self._seen :]:
            self.say(text, text in problems or text.startswith(("feature cache is", "busy", "no split")))
        self._seen = len(pipeline.messages)

    def mark_problem(self, error, step):
        """Show a failed job's reason in red: the line for it among the last ones, or a new line if none."""
        for index in range(len(self.log) - 1, max(-1, len(self.log) - 20), -1):
            text = self.log[index][0]
            if text in error or error in text:
                self.log[index] = (text, True)
                return
        self.say(f"{step} failed: {error}", problem=True)

    def draw(self, screen):
        """The newest message whole, on as many lines as it needs: a long one makes the bar taller, over the page's
        bottom, while it is the newest. `rect` is the bar as drawn last (a click on it lists every message)."""
        if not self.log:
            self.rect = self.band(0)
            pygame.draw.rect(screen, ui.PANEL, self.rect)
            ui.label(screen, HINT, self.rect.center, size=24, colour=ui.PANEL_TEXT, anchor="center")
            return
        text, problem = self.log[-1]
        more = f"all {len(self.log)} messages: click" if len(self.log) > 1 else ""
        right = ui.text_width(more, MORE_SIZE) + 24 if more else 0
        lines = wrap_whole(text, self.width - 24 - right, MESSAGE_SIZE)
        pitch = ui.line_height(MESSAGE_SIZE) + 4
        self.rect = bar = self.band((len(lines) - 1) * pitch)
        pygame.draw.rect(screen, ui.ERROR if problem else ui.PANEL, bar)
        middle = bar.bottom - MESSAGE_HEIGHT // 2  # of the last line, where a one-line bar has its line
        for i, line in enumerate(lines):
            y = middle - (len(lines) - 1 - i) * pitch
            ui.label(screen, line, (12, y), size=MESSAGE_SIZE, colour=(255, 255, 255), anchor="midleft")
        if more:
            ui.label(screen, more, (bar.right - 12, middle), size=MORE_SIZE, colour=(235, 235, 235), anchor="midright")

    def band(self, grown):
        """The bar along the window's bottom: one line's height, `grown` pixels taller upward."""
        return pygame.Rect(0, self.height - MESSAGE_HEIGHT - grown, self.width, MESSAGE_HEIGHT + grown)

    def draw_log(self, screen):
        """Every message, newest at the bottom, over the page above the bar (a click closes it); a long one wraps
        onto more lines, the lines after its first indented."""
        box = ui.panel(screen, (40, TAB_HEIGHT + 20, self.width - 80, self.rect.top - TAB_HEIGHT - 40), alpha=250)
        ui.label(
            screen, "Messages (click to close)", (box.x + 16, box.y + 10), size=28, colour=ui.PANEL_TEXT, bold=True
        )
        room, pitch, indent = (box.height - 60) // LOG_PITCH, LOG_PITCH, 24
        lines = []  # (text, x, colour), the newest message's last line last
        for text, problem in reversed(self.log):
            colour = (255, 140, 140) if problem else ui.PANEL_TEXT
            first, *rest = wrap_whole(text, box.width - 32, LOG_SIZE, box.width - 32 - indent)
            lines[:0] = [(first, box.x + 16, colour)] + [(line, box.x + 16 + indent, colour) for line in rest]
            if len(lines) >= room:
                break
        for i, (text, x, colour) in enumerate(lines[-room:]):
            ui.label(screen, text, (x, box.y + 50 + i * pitch), size=LOG_SIZE, colour=colour)


def wrap_whole(text, width, size, then=None):
    """`text` in lines of at most `width` pixels at `size` (`then` for the lines after the first), nothing cut: a
    word longer than a line (a path) is broken where the line ends."""
    lines, rest = [], " ".join(str(text).split())
    while rest:
        room = width if not lines else (then or width)
        line = (ui.wrap(rest, room, size) or [""])[0]
        while len(line) > 1 and ui.text_width(line, size) > room:
            line = line[:-1]
        lines.append(line)
        rest = rest[len(line) :].lstrip()
    return lines or [""]
