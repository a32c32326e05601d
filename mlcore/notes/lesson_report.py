"""K in the note sketches: the lesson's record for the reflection log (`mlcore.report` writes it).

In order: the canvas with its samples (and the decision or pitch map once trained), the training curves (drawn at
twice the screen's resolution), the model, the runs of the session, the knobs the sketch ran with, and the samples
as a file of their own (`samples.json`, for `--load`). The course's questions sit under the figures that answer them.
Everything is read when K is pressed, the canvas drawn then; the curves are drawn in the frames after
(`figures.later`), and `mlcore.report` writes the folder once they are.
"""

import json

import pygame

from mlcore.knob_rules import shown
from mlcore.notes.popup import summary_lines
from mlcore.notes.sample_files import to_ml5
from mlcore.notes.scene import Scene
from mlcore.report import Report
from mlcore.widgets import theme
from mlcore.widgets.figures import DENSITY, chart_picture, later, pixels

# The course's questions, each beside the figure that answers it.
QUESTIONS = {
    "canvas": "Where does the network hesitate between two notes, and why there?",
    "regression canvas": "Between two notes, which pitches does the network glide through?",
    "curves": "Does the validation loss follow the training loss, or part from it (overfitting)?",
    "runs": "Did more data, another layer or fewer epochs help?",
}
RUN_COLUMNS = [
    "run",
    "time",
    "samples",
    "notes",
    "hidden_layers",
    "activation",
    "learning_rate",
    "epochs",
    "loss",
    "val_loss",
]
CHART_SIZE = (800, 420)  # screen pixels; the PNG is DENSITY times larger


def build(canvas):
    """The report of a note canvas as it stands: its figures, tables, files and questions."""
    task, network = canvas.task, canvas.network
    trained = network is not None and network.trained
    report = Report(f"{'Notes classifier' if task.name == 'classification' else 'Notes regression'}: my lesson")
    report.heading("The canvas")
    count = len(canvas.samples)
    what = "the decision map" if task.name == "classification" else "the pitch map"
    report.figure(
        "canvas.png",
        pixels(canvas_picture(canvas)),
        f"{count} sample{'s' if count != 1 else ''} of {len({s.note for s in canvas.samples})} notes"
        + (f", over {what} of the trained network" if trained else " (not trained yet: no map)"),
    )
    report.question(QUESTIONS["canvas" if task.name == "classification" else "regression canvas"])
    report.heading("Training")
    if trained:
        for name, picture in curve_pictures(network.history, task, network.epochs):
            report.figure(name, picture, _curve_caption(name, task), density=DENSITY)
        report.question(QUESTIONS["curves"])
        lines = summary_lines(network, network.epochs)
        report.table(
            ["layer", "units", "activation", "parameters"],
            [
                [number + 1, layer["units"], layer["activation"], layer["parameters"]]
                for number, layer in enumerate(network.summary())
            ],
            "The model: " + "; ".join(lines),
        )
        report.attach("model.txt", "\n".join(lines) + "\n")
    else:
        report.paragraph("Not trained yet: T trains the network, then K writes its curves and its model here.")
    _runs(report, canvas)
    _knobs(report, getattr(canvas, "knob_values", {}))
    report.attach("samples.json", json.dumps(to_ml5(canvas.samples, task.name == "regression"), indent=1))
    report.paragraph("The samples are in samples.json beside this report (--load samples.json opens them).")
    return report


def canvas_picture(canvas):
    """The top bar and the canvas, as the class sees them with the popup and the runs table put away, and the map
    shown once the network is trained (what the window shows is left as it was)."""
    kept = canvas.show_popup, canvas.show_map, canvas.runs.visible
    canvas.show_popup, canvas.runs.visible = False, False
    canvas.show_map = canvas.mode == "predicting"
    screen = pygame.Surface((canvas.width, canvas.height))
    try:
        Scene().draw(screen, canvas)
    finally:
        canvas.show_popup, canvas.show_map, canvas.runs.visible = kept
    return screen.subsurface((0, 0, canvas.width, canvas.layout.bottom)).copy()


def curve_pictures(history, task, epochs):
    """[(file name, its picture, drawn when the report draws it)]: the loss, and the task's metric, over the epochs
    (training and validation), as `history` holds them now."""
    look = theme.current()
    pictures = []
    for key, title, y_range in (("loss", "loss", None), (task.metric, task.metric_title, task.metric_range)):
        series = {
            "training": (list(history.get(key, [])), look.series[0]),
            "validation": (list(history.get("val_" + key, [])), look.series[1]),
        }
        heading = f"{title[:1].upper()}{title[1:]}, epoch by epoch"
        picture = later(chart_picture, series, heading, "epoch", title, y_range, CHART_SIZE, x_max=epochs)
        pictures.append((f"curves-{key}.png", picture))
    return pictures


def _curve_caption(name, task):
    if name == "curves-loss.png":
        return "The loss on the training samples and on those kept aside for validation, epoch by epoch"
    return f"The {task.metric_title} on the training and validation samples, epoch by epoch"


def _runs(report, canvas):
    rows = canvas.runs.state()
    report.heading("Runs of this session")
    if not rows:
        report.paragraph("No training yet.")
        return
    metric = canvas.task.metric
    header = RUN_COLUMNS + [metric, "val_" + metric, "seconds"]
    table = [[number + 1] + [_cell(row.get(column)) for column in header[1:]] for number, row in enumerate(rows)]
    current = next((number + 1 for number, row in enumerate(rows) if row["current"]), None)
    report.table(
        header,
        table,
        f"Every training of the session; run {current} is the network shown above"
        if current
        else "Every training of the session",
    )
    report.attach(
        "runs.csv",
        "\n".join(
            ",".join(f'"{cell}"' if "," in str(cell) else str(cell) for cell in line) for line in [header] + table
        )
        + "\n",
    )
    report.question(QUESTIONS["runs"])


def _cell(value):
    if isinstance(value, list):
        return ",".join(map(str, value)) or "none"
    return "–" if value is None else value


def _knobs(report, values):
    if not values:
        return
    report.heading("The knobs")
    report.table(
        ["knob", "value"],
        [[name, shown(value)] for name, value in values.items()],
        "The sketch's knobs (the CAPITALS at the top of its file) when the report was written",
    )
    report.attach("knobs.txt", "".join(f"{name} = {shown(value)}\n" for name, value in values.items()))
