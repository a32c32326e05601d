"""K in the note sketches writes the lesson's report; F12 in every sketch saves the window as a PNG.

The report's folder holds what the state holds: the same samples, the same runs with the same numbers, a canvas
picture that is the window's own drawing, curves drawn at twice the screen's resolution; its Markdown and HTML
reference every picture, and the HTML carries each one inside it.
"""

import base64
import csv
import json
import re
import stat

import pygame

from driver import click, cluster, key, run_sketch
from mlcore import files
from mlcore.notes.canvas import NoteCanvas
from mlcore.runtime.screenshot import save_screenshot

LEFT = [(200, 200), (220, 230), (180, 250)]
RIGHT = [(600, 300), (650, 350), (620, 400)]
IDLE = [{"type": "wait", "for": "idle", "timeout_s": 60, "after": 2}]  # the report is written in the background
TRAINED = key("t") + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 180}]


def picture(path):
    return pygame.image.load(str(path))


def report_folders(folder, sketch):
    return sorted(folder.glob(f"{sketch}-report-*"))


def check_documents(report, names):
    """report.md links each picture by its name; report.html carries each as a data URI with the file's bytes."""
    markdown = (report / "report.md").read_text()
    page = (report / "report.html").read_text()
    assert sorted(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", markdown)) == sorted(names)
    embedded = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert sorted(base64.b64decode(data) for data in embedded) == sorted((report / n).read_bytes() for n in names)
    return markdown, page


def test_k_writes_the_lessons_report_with_the_states_numbers_and_never_overwrites(tmp_path):
    actions = (
        cluster("c", LEFT)
        + cluster("g", RIGHT)
        + TRAINED
        + key("p")
        + key("v")
        + click(690, 480)
        + key("k")
        + IDLE
        + key("k")
        + IDLE
        + key("f12")
    )
    run = run_sketch("classification", actions, tmp_path, "--seed", "2", umask=0o077)
    assert run.returncode == 0, run.output
    first, second = report_folders(tmp_path, "classification")
    assert sorted(p.name for p in first.iterdir()) == sorted(p.name for p in second.iterdir())
    assert sum(message.startswith(f"report written to {tmp_path}") for message in run.state["messages"]) == 2
    report = first
    pictures = ["canvas.png", "curves-loss.png", "curves-accuracy.png"]
    markdown, page = check_documents(report, pictures)
    assert stat.S_IMODE(report.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in report.iterdir())

    # The canvas picture is the window's drawing of the canvas and its top bar (popup put away, map shown).
    canvas, screen = picture(report / "canvas.png"), picture(run.screenshot)
    width, height = canvas.get_size()
    assert (width, height) == (960, run.state["layout"]["bottom_bar"][1])
    differing = sum(
        canvas.get_at((x, y))[:3] != screen.get_at((x, y))[:3] for x in range(0, width, 8) for y in range(0, height, 8)
    )
    assert differing == 0
    for name in pictures[1:]:  # twice the screen's resolution
        assert picture(report / name).get_size() == (1600, 840)

    # The numbers are the state's.
    [row] = run.state["runs"]
    with open(report / "runs.csv", newline="") as table:
        [header, cells] = list(csv.reader(table))
    written = dict(zip(header, cells))
    for column in ("samples", "notes", "epochs", "loss", "val_loss", "accuracy", "val_accuracy", "seconds"):
        assert float(written[column]) == row[column], column
    assert f"| {row['accuracy']} | {row['val_accuracy']} |" in markdown
    samples = json.loads((report / "samples.json").read_text())["data"]
    assert [(s["xs"]["x"], s["xs"]["y"], s["ys"]["label"]) for s in samples] == [
        (s["x"], s["y"], s["label"]) for s in run.state["samples"]
    ]
    assert "EPOCHS = 200" in (report / "knobs.txt").read_text()
    assert "16 relu" in (report / "model.txt").read_text()
    # The course's questions, each a heading with an empty line under it for the answer.
    assert "### Did more data, another layer or fewer epochs help?\n\n\n" in markdown
    assert '<h3>Did more data, another layer or fewer epochs help?</h3>\n<p class="answer">' in page

    [shot] = tmp_path.glob("classification-screenshot-*.png")
    assert picture(shot).get_size() == tuple(run.state["window"]["size"])
    assert stat.S_IMODE(shot.stat().st_mode) == 0o600
    assert f"screenshot saved: {shot}" in run.state["messages"]


def test_a_report_before_training_has_the_canvas_and_the_samples(tmp_path):
    run = run_sketch("regression", cluster("c", LEFT) + key("k") + IDLE, tmp_path)
    assert run.returncode == 0, run.output
    [report] = report_folders(tmp_path, "regression")
    markdown, _ = check_documents(report, ["canvas.png"])
    assert "Not trained yet" in markdown and "3 samples of 1 notes" in markdown
    assert len(json.loads((report / "samples.json").read_text())["data"]) == 3


def blocked_folders(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the folders should be: no folder can be made under it, even by root")
    return [blocker / "here", blocker / "data"]


def test_a_report_that_cannot_be_written_is_one_message_and_the_samples_stay(tmp_path, monkeypatch):
    folders = blocked_folders(tmp_path)
    monkeypatch.setattr(files, "output_folders", lambda: folders)
    canvas = NoteCanvas("classification", 960, 600)
    canvas.add_sample(100, 100, "C")
    canvas.add_sample(500, 300, "E")
    canvas.write_report()
    assert canvas.report_job.wait() == "done"
    canvas.update()
    said = [text for text in canvas.messages.log if "report" in text]
    assert said[0] == "writing the report…" and len(said) == 2
    assert said[1].startswith(f"could not write the report: {folders[0]} and {folders[1]}")
    assert len(canvas.samples) == 2 and canvas.unsaved
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_a_screenshot_that_cannot_be_written_is_one_message(tmp_path):
    folders = blocked_folders(tmp_path)
    text, error = save_screenshot(pygame, pygame.Surface((40, 30)), "tiny", folders)
    assert error and text.startswith(f"could not save the screenshot: {folders[0]} and {folders[1]} cannot be")
    text, error = save_screenshot(pygame, pygame.Surface((40, 30)), "tiny", [tmp_path / "shots"])
    assert not error and picture(text.removeprefix("screenshot saved: ")).get_size() == (40, 30)
