"""The image classifier's report (K, the Report button, --report DIR): every picture there, of the size drawn,
linked from report.md and carried inside report.html, and every number the state's. The curves and the confusion
matrices are drawn at twice the screen's resolution: twice as many pixels each way, not a picture made larger."""

import re
import stat

import numpy as np
import pygame

from driver import key
from mlcore.image_app.lesson_report import matrix_picture
from test_image_classifier import DEPLOYMENT, TAB, TESTING, at, env_for, run_batch, run_sketch, wait
from test_report_notes import IDLE, check_documents, picture


def percent(value):
    return f"{value:.0%}"


def mixed_blocks(surface):
    """How many of the 2x2 blocks of pixels that tile `surface` hold more than one colour: none in a picture drawn at
    the screen's resolution and made twice as large by repeating each pixel."""
    rgb = pygame.surfarray.array3d(surface)
    width, height = rgb.shape[0] // 2 * 2, rgb.shape[1] // 2 * 2
    blocks = rgb[:width, :height].reshape(width // 2, 2, height // 2, 2, 3)
    return int((blocks != blocks[:, :1, :, :1]).any(axis=(1, 3, 4)).sum())


def shown_size(page, name):
    """The size report.html shows the picture `name` at, in screen pixels."""
    [(width, height)] = re.findall(rf'alt="{re.escape(name)}[^"]*" width="(\d+)" height="(\d+)"', page)
    return int(width), int(height)


def test_a_confusion_matrix_for_the_report_is_drawn_at_twice_the_screens_resolution():
    matrix = np.array([[12, 3, 0], [1, 9, 4], [0, 2, 15]])
    classes = ["apple", "banana", "lemon"]
    screen = matrix_picture(matrix, classes, "test", "Test set", density=1)  # as the Testing page draws it
    sharp = matrix_picture(matrix, classes, "test", "Test set")
    width, height = sharp.get_size()  # twice the screen's, give or take the rounding of a line's height
    assert abs(width - 2 * screen.get_width()) <= 2 and abs(height - 2 * screen.get_height()) <= 2, sharp.get_size()
    assert mixed_blocks(pygame.transform.scale_by(screen, 2)) == 0  # what an enlarged picture would be
    assert mixed_blocks(sharp) > 500  # the edges of its letters, numbers and cells fall inside blocks


def markdown_table(markdown, first_header):
    """The rows of the table of `markdown` whose header starts with `first_header`, as lists of cells."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split(" | ")])
    return rows


def test_k_and_the_report_button_write_the_lesson_with_the_states_numbers(tmp_path):
    actions = (
        wait({"training.status": "done", "idle": True})
        + at(TAB["Deployment"])
        + at(DEPLOYMENT.test_grid.item_center(2))
        + at(DEPLOYMENT.button_center("Noise or bias?"))
        + wait({"noise_or_bias.check.item": ["test", 2], "idle": True}, after=2)
        + key("k")
        + IDLE
        + at(TAB["Testing"])
        + at(TESTING.report_button.rect.center, after=2)
        + IDLE
        + key("f12")
    )
    options = ["--features", "color_histogram", "--train", "--epochs", "3", "--seed", "1"]
    run = run_sketch("image_classifier", actions, tmp_path / "run", *options, env=env_for(tmp_path), umask=0o077)
    assert run.returncode == 0, run.output
    state = run.state
    folders = sorted((tmp_path / "run").glob("image_classifier-report-*"))
    assert len(folders) == 2 and state["reports"] == [str(folder) for folder in folders]
    assert sum(message.startswith("report written to") for message in state["messages"]) == 2
    report = folders[0]
    classes, groups = state["classes"], state["noise_or_bias"]["test_errors"]
    pictures = [f"dataset-{name}.png" for name in classes] + ["curves-loss.png", "curves-accuracy.png"]
    pictures += ["confusion-train.png", "confusion-test.png", "noise-copies.png"]
    pictures += [f"errors-{number + 1}.png" for number in range(min(6, len(groups)))]
    assert sorted(p.name for p in report.glob("*.png")) == sorted(pictures)
    markdown, page = check_documents(report, pictures)
    assert stat.S_IMODE(report.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in report.iterdir())
    for name in ("curves-loss.png", "curves-accuracy.png"):
        assert picture(report / name).get_size() == (1600, 840)
    for split in ("train", "test"):  # at least 640 screen pixels wide, drawn with twice as many pixels each way
        matrix = picture(report / f"confusion-{split}.png")
        width, height = shown_size(page, "Training set" if split == "train" else "Test set")
        assert width >= 640 and matrix.get_size() == (2 * width, 2 * height)
        assert mixed_blocks(matrix) > 500
    for name in classes:  # a strip of eight 96-pixel pictures
        assert picture(report / f"dataset-{name}.png").get_width() == 8 + 8 * (96 + 8)
    first_error = picture(report / "errors-1.png")
    assert first_error.get_width() >= 8 + min(8, len(groups[0]["indices"])) * (96 + 8)

    counts = state["counts"]
    assert markdown_table(markdown, "class")[: len(classes)] == [
        [name, str(counts["train"][name]), str(counts["test"][name])] for name in classes
    ]
    assert f"Training set: {percent(state['train_accuracy'])} correct" in markdown
    assert f"Test set: {percent(state['test_accuracy'])} correct" in markdown
    per_class = markdown_table(markdown, "class | training accuracy")
    for row, name in zip(per_class, classes):
        test = np.array(state["confusion_test"])
        i = classes.index(name)
        assert row[0] == name and row[2] == percent(test[i, i] / test[i].sum())
    assert markdown_table(markdown, "true class") == [
        [group["true"], group["predicted"], str(group["count"])] for group in groups
    ]
    [row] = state["runs"]
    [written] = markdown_table(markdown, "number")
    assert written[0] == "1" and written[-4:] == [
        str(row["train_accuracy"]),
        str(row["validation_accuracy"]),
        str(row["test_accuracy"]),
        str(row["seconds"]),
    ]
    check = state["noise_or_bias"]["check"]
    noise_rows = markdown_table(markdown, "run | features")
    assert [cells[2:-1] for cells in noise_rows] == [answers["answers"] for answers in check["runs"]]
    assert [int(cells[-1]) for cells in noise_rows] == [answers["flips"] for answers in check["runs"]]
    assert picture(report / "noise-copies.png").get_width() == 8 + 6 * (96 + 8)
    guessing = state["baseline"]
    assert f"Guessing at random scores {percent(guessing['uniform'])} on the test set" in markdown
    [shot] = (tmp_path / "run").glob("image_classifier-screenshot-*.png")
    assert (
        picture(shot).get_size() == tuple(state["window"]["size"]) and f"screenshot saved: {shot}" in state["messages"]
    )
    question = "Noise or bias? Is the model unpredictably wrong on similar inputs, or always wrong the same way?"
    assert f"### {question}\n\n\n" in markdown


def test_report_dir_writes_the_report_of_a_command_line_run_and_a_bad_folder_is_one_message(tmp_path):
    options = ["--dataset", "builtin", "--features", "color_histogram", "--train", "--epochs", "2", "--seed", "2"]
    run = run_batch(tmp_path / "good", *options, "--report", "reports")
    assert run.returncode == 0, run.output
    [report] = (tmp_path / "good" / "reports").glob("image_classifier-report-*")
    assert run.state["reports"] == [str(report.relative_to(tmp_path / "good"))]
    markdown, _ = check_documents(report, sorted(p.name for p in report.glob("*.png")))
    assert f"Test set: {percent(run.state['test_accuracy'])} correct" in markdown

    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "a-file").write_text("a file where the report's folder should be")
    run = run_batch(tmp_path / "bad", *options, "--report", "a-file/reports")
    assert run.returncode == 0, run.output
    said = [text for text in run.state["problem_messages"] if "report" in text]
    assert said == ["could not write the report: a-file/reports cannot be written (Not a directory)"]
    assert run.state["test_accuracy"] is not None and run.state["counts"]["train"]["apple"] == 30
