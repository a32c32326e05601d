"""Every training of the session as a row, so a student can compare: did more data, another layer or fewer epochs
help? Shown with H; the current network's row is marked."""

import time

import pygame

from mlcore.notes.text_sizes import sizes
from mlcore.widgets import theme, ui

# Every column, in the table's order, with how much the lesson needs it (1: most): where the window is too narrow
# for all, the least needed ones are left out (and named), never cut short.
COLUMNS = [
    ("time", 5),
    ("samples", 1),
    ("notes", 3),
    ("hidden", 2),
    ("activation", 2),
    ("rate", 4),
    ("epochs", 3),
    ("loss", 1),
    ("val loss", 2),
    ("metric", 1),
    ("val metric", 1),
    ("seconds", 4),
]
GAP = 16


class RunsTable:
    """The trainings of one session: what was trained, how, and how well."""

    def __init__(self, metric):
        self.metric = metric  # "accuracy" or "mean_error"
        self.rows = []
        self.current = None  # the index of the row of the network in use
        self.visible = False

    def add(self, network):
        """A row for a network that has just finished training; it becomes the current one."""
        history = network.history
        last = {key: float(f"{values[-1]:.4g}") for key, values in history.items() if values}
        options = network.options
        self.rows.append(
            {
                "time": time.strftime("%H:%M:%S"),
                "samples": len(network.inputs),
                "notes": len({str(output) for output in network.outputs}),
                "hidden_layers": list(options["hidden_layers"]),
                "activation": options["activation"],
                "learning_rate": options["learning_rate"],
                "epochs": network.epochs,
                "loss": last.get("loss"),
                "val_loss": last.get("val_loss"),
                self.metric: last.get(self.metric),
                "val_" + self.metric: last.get("val_" + self.metric),
                "seconds": round(network.seconds, 3),
            }
        )
        self.current = len(self.rows) - 1

    def forget_current(self):
        self.current = None

    def state(self):
        return [dict(row, current=index == self.current) for index, row in enumerate(self.rows)]

    def _cells(self, row):
        def number(value, accuracy=False):
            if value is None:
                return "–"
            return f"{value:.0%}" if accuracy else f"{value:.3g}"

        accuracy = self.metric == "accuracy"
        return [
            row["time"][:5],
            str(row["samples"]),
            str(row["notes"]),
            ",".join(map(str, row["hidden_layers"])) or "none",
            row["activation"],
            f"{row['learning_rate']:g}",
            str(row["epochs"]),
            number(row["loss"]),
            number(row["val_loss"]),
            number(row[self.metric], accuracy),
            number(row["val_" + self.metric], accuracy),
            f"{row['seconds']:.2f}",
        ]

    def draw(self, screen, rect):
        """The table inside `rect`: the columns that fit, each as wide as its widest text, headings on two lines
        where they have two words."""
        look, size = theme.current(), sizes().small
        rect = ui.panel(screen, rect, alpha=255)
        x, y = rect.x + 14, rect.y + 10
        title = ui.label(screen, "Runs of this session", (x, y), size=sizes().text, colour=look.panel_text, bold=True)
        ui.label(
            screen,
            "H hides this",
            (rect.right - 14, title.centery),
            size=size,
            colour=look.panel_dim,
            anchor="midright",
        )
        metric = "accuracy" if self.metric == "accuracy" else "error Hz"
        headers = [name.replace("metric", metric) for name, _ in COLUMNS]
        rows = [self._cells(row) for row in self.rows]
        shown, widths = self.columns(headers, rows, rect.width - 28)
        y = title.bottom + 6
        left_out = [headers[i] for i in range(len(COLUMNS)) if i not in shown]
        if left_out:
            for line in ui.wrap("left out for room: " + ", ".join(left_out), rect.width - 28, size):
                y = ui.label(screen, line, (x, y), size=size, colour=look.panel_dim, padding=0).bottom
            y += 4
        pitch = ui.line_height(size) + 8
        heading_lines = max(len(headers[i].split()) for i in shown)
        self._draw_row(screen, x, y, [headers[i].split() for i in shown], widths, look.panel_dim)
        y += heading_lines * ui.line_height(size) + 8
        if not self.rows:
            ui.label(screen, "no training yet: press T", (x, y + 4), size=sizes().text, colour=look.panel_text)
        fits = max(1, (rect.bottom - y) // pitch)
        for index, cells in list(enumerate(rows))[-fits:]:
            if index == self.current:
                pygame.draw.rect(screen, look.accent, (rect.x + 4, y - 4, rect.width - 8, pitch), border_radius=4)
            self._draw_row(screen, x, y, [[cells[i]] for i in shown], widths, (255, 255, 255))
            y += pitch

    @staticmethod
    def columns(headers, rows, room):
        """The indices of the columns that fit in `room` pixels (the least needed left out first), and their widths."""
        size = sizes().small
        widths = [
            max([ui.text_width(word, size) for word in header.split()] + [ui.text_width(row[i], size) for row in rows])
            + GAP
            for i, header in enumerate(headers)
        ]
        shown = list(range(len(COLUMNS)))
        for index in sorted(shown, key=lambda i: (-COLUMNS[i][1], -i)):
            if sum(widths[i] for i in shown) <= room:
                break
            shown.remove(index)
        return shown, [widths[i] for i in shown]

    def _draw_row(self, screen, x, y, cells, widths, colour):
        size = sizes().small
        for lines, width in zip(cells, widths):
            for number, text in enumerate(lines):
                ui.label(screen, text, (x, y + number * ui.line_height(size)), size=size, colour=colour, padding=0)
            x += width
