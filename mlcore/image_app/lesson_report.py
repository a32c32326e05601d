"""K, the Report button and `--report DIR` in the image classifier: the lesson's record for the reflection log.

In order: the dataset (classes, counts, a strip of training images per class), the features, the settings, the
curves and both confusion matrices with their accuracies (twice the screen's resolution), the accuracy of each class,
what guessing would score, the runs of the session, the test errors grouped as "TRUE taken for PREDICTED" with
their pictures, and the noise-or-bias check of the image chosen on the Deployment page. The numbers are the
engine's (`ImagePipeline`), all read when the report is asked for; the pictures are drawn from them afterwards, a few
a frame (`figures.later`), and `mlcore.report` writes the folder once they are all drawn.
"""

import numpy as np
import pygame

from mlcore.files import unwritable
from mlcore.image_app.pages.testing import ConfusionView, baseline_sentence
from mlcore.image_engine.run import ROW_KEYS
from mlcore.ml.confusion import per_class_accuracy
from mlcore.report import WRITING, Report, ended
from mlcore.widgets import theme, ui
from mlcore.widgets.figures import DENSITY, chart_picture, dense_theme, later
from mlcore.widgets.thumbnails import class_colour, image_surface

QUESTIONS = {
    "dataset": "Which classes look alike, and which have fewer images?",
    "curves": "Does the validation accuracy follow the training accuracy, or does the model overfit?",
    "confusion": "Does the model beat guessing? Which classes does it confuse most?",
    "errors": "What do the test errors of the largest group have in common?",
    "noise": "Noise or bias? Is the model unpredictably wrong on similar inputs, or always wrong the same way?",
    "runs": "Which settings helped on the test set, and which did not?",
}
THUMB, STRIP = 96, 8  # a strip's pictures: their size in pixels, and how many at most
GROUPS_SHOWN = 6  # the largest groups of test errors get a strip of pictures; the table lists them all


class ImageReport:
    """Writes the report of what the pipeline holds now; says on the bar where it went (or why it could not)."""

    def __init__(self, pipeline, say):
        self.pipeline, self.say = pipeline, say
        self.folder = None  # --report DIR: where the report goes when the window closes
        self.written = []  # the report folders written this session, for the state
        self.job, self.folders = None, None  # the report being written (or the last one), and where it may go

    def write(self, folders=None):
        """The report in a new folder (the current one, else the user's data folder; or `folders`): its numbers read
        now, its pictures drawn a few a frame (`update`), the files encoded and written in the background; `update`
        says where it went. The job (`mlcore.report.ReportJob`), or None when it cannot start."""
        if self.job is not None and self.job.running:
            self.say("still writing the report: a moment")
            return None
        if self.pipeline.dataset is None:
            self.say("load a dataset first (page 1): the report describes it", problem=True)
            return None
        self.folders = folders
        self.job = build(self.pipeline).write_in_frames("image_classifier", folders)
        self.say(WRITING)
        return self.job

    @property
    def drawing(self):
        """True while the report's pictures are being drawn (the window keeps its frames coming meanwhile)."""
        return self.job is not None and self.job.drawing

    def update(self):
        """Once a frame: draw a few of the report's pictures; say where a report that has just been written went, or
        why it could not be."""
        if self.job is not None:
            self.job.step()
        outcome = ended(self.job)
        if outcome is None:
            return
        folder, failure = outcome
        if folder is None:
            self.say(f"could not write the report: {unwritable(self.folders, failure)}", problem=True)
        else:
            self.written.append(str(folder))
            self.say(f"report written to {folder} (open report.html in a browser)")

    def quitting(self):
        """--report DIR: the record of the run, written into DIR once it is over (after a report K began)."""
        for start in (lambda: self.job, lambda: self.folder and self.write([self.folder])):
            job = start()
            if job is not None:
                job.wait()
                self.update()


def build(pipeline):
    """The report of `pipeline` as it stands: its pictures are drawn when the report draws them (`figures.later`)."""
    dataset = pipeline.dataset
    report = Report(f"Image classifier: {dataset.name}")
    _dataset(report, dataset)
    facts = pipeline.features_facts()
    report.heading("Features and settings")
    report.table(
        ["features", "numbers per image", "computed on", "ready"],
        [[facts["name"], facts["dim"], facts["device"] or "–", "yes" if facts["ready"] else "no"]],
    )
    report.table(
        ["setting", "value"],
        [[name, _shown(value)] for name, value in pipeline.params.items()],
        "The Training page's settings",
    )
    if pipeline.model is None:
        report.paragraph("No model trained yet: T trains one, then the report shows its curves and matrices.")
    else:
        _training(report, pipeline)
        _errors(report, pipeline)
        _noise(report, pipeline)
    _runs(report, pipeline.runs_state())
    return report


def _dataset(report, dataset):
    counts = dataset.counts()
    report.heading("The dataset")
    report.table(
        ["class", "training images", "test images"],
        [[name, counts["train"][name], counts["test"][name]] for name in dataset.classes]
        + [["all", len(dataset.train), len(dataset.test)]],
    )
    for name in dataset.classes:
        indices = [i for i, sample in enumerate(dataset.train) if sample.label == name][:STRIP]
        if indices:
            report.figure(
                f"dataset-{_file_name(name)}.png",
                later(strip, dataset, "train", indices, name),
                f"{name}: {len(indices)} of its {counts['train'][name]} training images",
            )
    report.question(QUESTIONS["dataset"])


def _training(report, pipeline):
    history, look = pipeline.history, theme.current()
    report.heading("Training")
    for key, title in (("loss", "loss"), ("accuracy", "accuracy")):
        series = {"training": (history[key], look.series[0]), "validation": (history["val_" + key], look.series[1])}
        picture = later(
            chart_picture,
            series,
            f"{title[:1].upper()}{title[1:]}, epoch by epoch",
            "epoch",
            title,
            (0, 1) if key == "accuracy" else None,
            x_max=pipeline.epochs_planned,
        )
        report.figure(
            f"curves-{key}.png",
            picture,
            f"The {title} on the training images and on those held out for validation, epoch by epoch",
            density=DENSITY,
        )
    report.question(QUESTIONS["curves"])
    report.heading("Testing")
    classes = list(pipeline.dataset.classes)
    for split, title in (("train", "Training set"), ("test", "Test set")):
        matrix = getattr(pipeline, f"confusion_{split}")
        accuracy = getattr(pipeline, f"{split}_accuracy")
        report.figure(
            f"confusion-{split}.png",
            later(matrix_picture, matrix, classes, split, title),
            f"{title}: {_percent(accuracy)} correct (rows: true class, columns: predicted class)",
            density=DENSITY,
        )
    train, test = (per_class_accuracy(np.asarray(getattr(pipeline, f"confusion_{s}"))) for s in ("train", "test"))
    report.table(
        ["class", "training accuracy", "test accuracy"],
        [[name, _percent(a), _percent(b)] for name, a, b in zip(classes, train, test)],
        f"Accuracy: {_percent(pipeline.train_accuracy)} on the training set, "
        f"{_percent(pipeline.test_accuracy)} on the test set",
    )
    report.paragraph(baseline_sentence(pipeline.baseline()))
    report.question(QUESTIONS["confusion"])


def _errors(report, pipeline):
    groups = pipeline.test_errors()
    report.heading("Test errors")
    if not groups:
        report.paragraph("No test image was answered wrongly.")
        return
    report.table(
        ["true class", "taken for", "images"], [[g["true"], g["predicted"], len(g["indices"])] for g in groups]
    )
    for number, group in enumerate(groups[:GROUPS_SHOWN]):
        title = f"{group['true']} taken for {group['predicted']}"
        indices = group["indices"][:STRIP]
        report.figure(
            f"errors-{number + 1}.png",
            later(strip, pipeline.dataset, "test", indices, title),
            f"{title}: {len(group['indices'])} test image{'s' if len(group['indices']) != 1 else ''}",
        )
    report.question(QUESTIONS["errors"])


def _noise(report, pipeline):
    check = pipeline.noise_check
    if check is None:
        return
    report.heading(f"Noise or bias? {check['source']}" + (f" (true class: {check['true']})" if check["true"] else ""))
    report.figure(
        "noise-copies.png",
        later(pictures_strip, check["pictures"], check["copies"]),
        "The chosen image and its changed copies",
    )
    rows = [
        [
            answer["run"],
            answer["features"],
            *(answer.get("answers") or [answer.get("skipped", "")]),
            answer.get("flips", "–"),
        ]
        for answer in check["runs"]
    ]
    width = max(len(row) for row in rows)
    header = ["run", "features", *check["copies"], "flips"]
    report.table(
        header[:width],
        [row + [""] * (width - len(row)) for row in rows],
        "Each run's answer on every copy, and how many of the changed copies flip from the first answer",
    )
    report.question(QUESTIONS["noise"])


def _runs(report, rows):
    report.heading("Runs of this session")
    if not rows:
        report.paragraph("No training yet.")
        return
    header = list(ROW_KEYS)  # the runs table's columns, the dataset's included
    report.table(
        header,
        [[_shown(row[column]) for column in header] for row in rows],
        "Every training of the session (accuracies as fractions of 1)",
    )
    report.question(QUESTIONS["runs"])


# -- pictures ------------------------------------------------------------------------------------------------------
def strip(dataset, split, indices, title):
    """A title over a row of the dataset's pictures."""
    samples = dataset.train if split == "train" else dataset.test
    return pictures_strip(
        [samples[i].image for i in indices], [], title, class_colour(samples[indices[0]].label, dataset.classes)
    )


def pictures_strip(images, captions, title="", colour=None):
    """A row of pictures on paper, `title` above (with a chip of `colour`), a caption under each where given."""
    look = theme.current()
    top = ui.line_height(look.text) + 12 if title else 8
    under = ui.line_height(look.tick) + 4 if captions else 0
    width = 8 + len(images) * (THUMB + 8)
    if title:
        width = max(width, ui.text_width(title, look.text, True) + 40)
    surface = pygame.Surface((width, top + THUMB + under + 8))
    surface.fill(look.paper)
    if title:
        if colour is not None:
            pygame.draw.rect(surface, colour, (8, 10, 14, 14), border_radius=3)
        ui.label(surface, title, (30 if colour is not None else 8, 4), size=look.text, bold=True, padding=0)
    for number, image in enumerate(images):
        x = 8 + number * (THUMB + 8)
        surface.blit(image_surface(image, THUMB), (x, top))
        if number < len(captions):
            ui.label(
                surface, captions[number], (x + THUMB // 2, top + THUMB + 2), size=look.tick, anchor="midtop", padding=0
            )
    return surface


def matrix_picture(matrix, classes, split, title, density=DENSITY):
    """A confusion matrix drawn as the Testing page draws it (its title with the accuracy, "rows: true class,
    columns: predicted class" under it, the class names along both sides), on paper, at `density` pixels per screen
    pixel: at least 640 screen pixels wide, each cell as large as the page's largest."""
    k, margin = len(classes), 16 * density
    with dense_theme(density):
        view = ConfusionView((margin, margin, 640 * density, 0), split, title, density)
        view.classes = list(classes)
        view.rect.height = view.header() + k * view.px(view.CELL)
        width = view.label_width() + k * view.cell_size(k) + view.accuracy_width() + 2 * margin
        view.rect.width = max(view.px(640), width)
        surface = pygame.Surface((view.rect.width + 2 * margin, view.rect.height + 2 * margin))
        surface.fill(theme.current().paper)
        view.draw(surface, None if matrix is None else np.asarray(matrix), classes)
    return surface


def _percent(value):
    return "–" if value is None else f"{value:.0%}"


def _shown(value):
    if isinstance(value, (list, tuple)):
        return ",".join(map(str, value)) or "none"
    return "–" if value is None else value


def _file_name(name):
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in str(name))
