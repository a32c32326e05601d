"""Every training of the session as a row, so a student can compare: did more data, another layer or fewer epochs
help? Shown with H; the current network's row is marked."""

import time

import pygame

from mlcore.widgets import theme, ui

COLUMNS = [("time", 64), ("samples", 80), ("notes", 60), ("hidden", 96), ("activation", 96), ("rate", 60),
           ("epochs", 66), ("loss", 70), ("val loss", 80), ("metric", 80), ("val metric", 92), ("seconds", 72)]


class RunsTable:
    """The trainings of one session: what was trained, how, and how well."""

    def __init__(self, metric):
        self.metric = metric  # "accuracy" or "mean_error"
        self.rows = []
        self.current = None   # the index of the row of the network in use
        self.visible = False

    def add(self, network):
        """A row for a network that has just finished training; it becomes the current one."""
        history = network.history
        last = {key: float(f"{values[-1]:.4g}") for key, values in history.items() if values}
        options = network.options
        self.rows.append({
            "time": time.strftime("%H:%M:%S"), "samples": len(network.inputs),
            "notes": len({str(output) for output in network.outputs}),
            "hidden_layers": list(options["hidden_layers"]), "activation": options["activation"],
            "learning_rate": options["learning_rate"], "epochs": network.epochs,
            "loss": last.get("loss"), "val_loss": last.get("val_loss"),
            self.metric: last.get(self.metric), "val_" + self.metric: last.get("val_" + self.metric),
            "seconds": round(network.seconds, 3)})
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
        return [row["time"][:5], str(row["samples"]), str(row["notes"]),
                ",".join(map(str, row["hidden_layers"])) or "none", row["activation"], f"{row['learning_rate']:g}",
                str(row["epochs"]), number(row["loss"]), number(row["val_loss"]),
                number(row[self.metric], accuracy), number(row["val_" + self.metric], accuracy),
                f"{row['seconds']:.2f}"]

    def draw(self, screen, rect):
        look = theme.current()
        rect = ui.panel(screen, rect, alpha=250)
        x, y = rect.x + 14, rect.y + 10
        title = ui.label(screen, "Runs of this session", (x, y), size=28, colour=look.panel_text, bold=True)
        ui.label(screen, "H hides this", (rect.right - 14, title.centery), size=look.small, colour=look.panel_dim,
                 anchor="midright")
        metric = "accuracy" if self.metric == "accuracy" else "error Hz"
        headers = [name.replace("metric", metric) for name, _ in COLUMNS]
        pitch = ui.line_height(look.small) + 8
        y = title.bottom + 10
        self._draw_row(screen, x, y, headers, look.panel_dim)
        if not self.rows:
            ui.label(screen, "no training yet: press T", (x, y + pitch + 4), size=look.text, colour=look.panel_text)
        shown = max(1, (rect.bottom - y - pitch) // pitch)
        for index, row in list(enumerate(self.rows))[-shown:]:
            y += pitch
            if index == self.current:
                pygame.draw.rect(screen, look.accent, (rect.x + 4, y - 4, rect.width - 8, pitch), border_radius=4)
            self._draw_row(screen, x, y, self._cells(row), (255, 255, 255))

    def _draw_row(self, screen, x, y, cells, colour):
        size = theme.current().small
        for (name, width), text in zip(COLUMNS, cells):
            ui.label(screen, ui.cut(text, width - 8, size), (x, y), size=size, colour=colour, padding=0)
            x += width
