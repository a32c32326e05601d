"""The notes and their keys are a knob: a student adds a note on a free key, or plays another scale, in the sketch
file alone; a key that is already a command is refused by name; the default stays C4 … B4 on the keys A–G."""

import json

import pytest

from driver import click, cluster, key, run_sketch
from mlcore.notes import pitches
from mlcore.notes.canvas import NoteCanvas
from mlcore.notes.sample_files import read_samples
from test_student_mistakes import line_of, student_copy

ANOTHER_NOTE = (
    '# Another note, on a free key, at any pitch in Hz: NOTES["J"] = 523.25 (a key that is a command is refused).',
    'NOTES["J"] = 523.25',
)
LEFT = [(150, 150), (170, 160), (140, 175), (160, 135)]
RIGHT = [(700, 400), (720, 420), (690, 430), (710, 390)]


def test_the_default_notes_are_c4_to_b4_on_the_keys_a_to_g():
    canvas = NoteCanvas("classification", 960, 600)
    assert canvas.notes.keys == {name.lower(): name for name in "CDEFGAB"}
    assert [round(hz, 2) for hz in canvas.notes.frequencies.values()] == [
        261.63,
        293.66,
        329.63,
        349.23,
        392.0,
        440.0,
        493.88,
    ]
    assert canvas.note == "C" and pitches.scale("C D E F G A B", 5)["C"] == pytest.approx(523.25, abs=0.01)


def test_a_note_on_a_free_key_is_collected_heard_trained_and_predicted(tmp_path):
    sketch, _ = student_copy(tmp_path, [ANOTHER_NOTE, ("EPOCHS = 200", "EPOCHS = 60")])
    actions = (
        cluster("c", LEFT)
        + cluster("j", RIGHT)
        + key("t")
        + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}]
        + key("p")
        + click(705, 405)
    )
    run = run_sketch(sketch, actions, sketch.parent, "--seed", "1")
    assert run.returncode == 0, run.output
    assert [s["label"] for s in run.state["samples"]] == ["C"] * 4 + ["J"] * 4
    assert {"note": "J", "frequency": 523.25} in run.state["sounds"]
    assert [p["label"] for p in run.state["predictions"]] == ["J"]
    assert run.state["sounds"][-1] == {"note": "J", "frequency": 523.25}  # the prediction, played
    saved = json.loads(next(sketch.parent.glob("classification-autosave-*.json")).read_text())
    assert [entry["ys"]["label"] for entry in saved["data"]][-1] == "J"


def test_another_scale_plays_on_the_keys_of_its_letters(tmp_path):
    sketch, _ = student_copy(
        tmp_path,
        [('NOTES = scale("C D E F G A B", OCTAVE)', 'NOTES = scale("C D Eb F G Ab Bb", OCTAVE)')],
        name="regression",
    )
    run = run_sketch(sketch, cluster("e", LEFT[:1]) + cluster("b", RIGHT[:1]), sketch.parent)
    assert run.returncode == 0, run.output
    assert [(s["label"], s["target"]) for s in run.state["samples"]] == [("Eb", 311.13), ("Bb", 466.16)]


def test_a_note_on_a_command_key_is_refused_by_name_and_the_others_play_on(tmp_path):
    sketch, source = student_copy(tmp_path, [(ANOTHER_NOTE[0], 'NOTES["T"] = 300')])
    run = run_sketch(sketch, cluster("c", LEFT[:2]) + cluster("g", RIGHT[:2]) + key("t"), sketch.parent)
    said = 'NOTES["T"] is on key T, which trains the network: choose another key'
    line = line_of(source, 'NOTES["T"] = 300')
    assert run.state["runtime_messages"] == [f"my_classification.py:{line}: {said}"]
    assert [s["label"] for s in run.state["samples"]] == ["C", "C", "G", "G"] and run.state["mode"] == "collecting"
    assert said in run.state["messages"]  # T refused, in the same words


def test_a_samples_file_with_a_sketchs_own_note_loads_it(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(
        json.dumps(
            {
                "data": [
                    {"xs": {"x": 10, "y": 60}, "ys": {"label": "K"}},
                    {"xs": {"x": 20, "y": 60}, "ys": {"label": "H"}},
                ]
            }
        )
    )
    notes = {**pitches.scale(), "K": 523.25}
    samples, skipped, reasons = read_samples(path, lambda x, y: True, notes=notes)
    assert [(s.note, s.frequency) for s in samples] == [("K", 523.25)]
    assert reasons == {"no note of the sketch's NOTES in ys": 1}
