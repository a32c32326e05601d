"""The note canvas's vocabulary, as a sketch calls it: every call documented with an example, in its docstring and
in the README; a wrong argument stops at the student's own line with what the method takes."""

import re

import pytest

from driver import ROOT, cluster, run_sketch
from mlcore.notes.canvas import NoteCanvas
from test_student_mistakes import line_of, student_copy

SKETCHES = [ROOT / "sketches" / "classification.py", ROOT / "sketches" / "regression.py"]


def used(pattern):
    return sorted({name for path in SKETCHES for name in re.findall(pattern, path.read_text())})


def test_every_method_the_note_sketches_call_has_a_docstring_with_an_example():
    methods = used(r"\bcanvas\.(\w+)\(")
    assert {"add_sample", "play", "play_frequency", "show_prediction", "say", "inside", "key_pressed"} <= set(methods)
    for name in methods:
        doc = getattr(NoteCanvas, name).__doc__ or ""
        assert f"canvas.{name}(" in doc, f"NoteCanvas.{name} has no example in its docstring: {doc!r}"


def test_the_readme_says_what_the_canvas_offers():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## What the canvas offers", 1)[1].split("\n## ", 1)[0]
    for name in used(r"\bcanvas\.(\w+)"):
        assert f"canvas.{name}" in section, name


def test_show_prediction_names_the_keywords_each_task_draws():
    canvas = NoteCanvas("classification", 960, 600)
    with pytest.raises(
        TypeError,
        match=re.escape(
            "show_prediction(x, y, label=…, confidence=…) for a classification (missing label; unknown lable)"
        ),
    ):
        canvas.show_prediction(100, 100, lable="C", confidence=0.9)
    with pytest.raises(TypeError, match="confidence must be a number"):
        canvas.show_prediction(100, 100, label="C", confidence="90%")
    regression = NoteCanvas("regression", 960, 600)
    with pytest.raises(TypeError, match=re.escape("show_prediction(x, y, frequency=…, nearest_note=…, cents=…)")):
        regression.show_prediction(100, 100, label="C", confidence=0.9)
    regression.show_prediction(100, 100, frequency=347.2, nearest_note="F4", cents=-11.1)
    assert regression.predictions == [
        {"x": 100.0, "y": 100.0, "frequency": 347.2, "nearest_note": "F4", "cents": -11.1}
    ]


def test_add_sample_and_play_refuse_what_they_cannot_place_or_sound():
    canvas = NoteCanvas("classification", 960, 600)
    with pytest.raises(
        ValueError,
        match=re.escape(
            'add_sample(x, y, note): the note must be one of this sketch\'s NOTES, "C", "D", "E", "F", "G", '
            '"A" or "B" (not \'K\')'
        ),
    ):
        canvas.add_sample(100, 100, "K")
    with pytest.raises(TypeError, match=re.escape("add_sample(x, y, note): x must be a number")):
        canvas.add_sample("100", 100, "C")
    with pytest.raises(ValueError, match=re.escape("play_frequency(hz): hz must be a number of Hz above 0")):
        canvas.play_frequency(-5)
    assert canvas.samples == []


@pytest.mark.parametrize(
    "old, new, said",
    [
        (
            "        canvas.play(note)",
            "        canvas.show_prediction(x, y, lable=note, confidence=1.0)",
            "TypeError: show_prediction(x, y, label=…, confidence=…) for a classification (missing label; unknown lable)",
        ),
        (
            "        canvas.add_sample(x, y, note)",
            '        canvas.add_sample(x, y, "K")',
            'ValueError: add_sample(x, y, note): the note must be one of this sketch\'s NOTES, "C", "D", "E", "F", '
            '"G", "A" or "B" (not \'K\')',
        ),
    ],
)
def test_a_wrong_argument_is_shown_at_the_students_line_and_the_canvas_goes_on(tmp_path, old, new, said):
    sketch, source = student_copy(tmp_path, [(old, new)])
    run = run_sketch(sketch, cluster("c", [(150, 150), (300, 250)]) + cluster("e", [(450, 350)]), sketch.parent)
    assert run.state["runtime_messages"] == [f"my_classification.py:{line_of(source, new)}: {said}"]
    assert run.output.count("Traceback") == 1 and run.state["timing"]["frames"] > 10  # drawn on, frame after frame
    assert run.state["note"] == "E"  # the keys still answer
