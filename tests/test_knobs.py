"""A student's knob never breaks the lesson: each bad one is named on the red bar with its line, in plain words;
collecting goes on, T refuses with the same sentence, and nothing else fails because of it."""

import pytest

from driver import cluster, key, run_sketch
from mlcore.notes import knobs
from mlcore.notes.pitches import scale
from test_student_mistakes import line_of, student_copy

POINTS = [(150, 150), (300, 250), (450, 350)]
BAD = [
    ("EPOCHS = 200", "EPOCHS = 0"),
    ('ACTIVATION = "relu" ', 'ACTIVATION = "softmax" '),
    ("BATCH_SIZE = 32 ", "BATCH_SIZE = 0 "),
    ("LEARNING_RATE = 0.05", "LEARNING_RATE = -1"),
    ("HIDDEN_LAYERS = [16] ", "HIDDEN_LAYERS = [0] "),
    ("VALIDATION_SPLIT = 0.2 ", "VALIDATION_SPLIT = 1.5 "),
    ("OCTAVE = 4 ", 'OCTAVE = "4" '),
]
SAID = [
    "EPOCHS must be a whole number from 1 to 10000 (it is 0)",
    'ACTIVATION must be "relu", "tanh" or "sigmoid" (it is "softmax")',
    "BATCH_SIZE must be a whole number from 1 to 100000 (it is 0)",
    "LEARNING_RATE must be a number above 0, up to 10 (it is -1)",
    "HIDDEN_LAYERS must be a list of whole numbers from 1 to 4096, at most 8 of them, like [16] or [32, 16] "
    "(it is [0])",
    "VALIDATION_SPLIT must be a number from 0 to 0.9 (it is 1.5)",
    'OCTAVE must be a whole number from 0 to 8 (it is "4")',
]


@pytest.mark.parametrize("name", ["classification", "regression"])
def test_bad_knobs_are_named_with_their_lines_collecting_goes_on_and_t_refuses(tmp_path, name):
    sketch, source = student_copy(tmp_path, BAD, name=name)
    run = run_sketch(
        sketch, cluster("c", POINTS[:2]) + cluster("g", POINTS[2:]) + key("t") + cluster("e", POINTS), sketch.parent
    )
    assert run.returncode == 1, run.output
    lines = [
        next(number for number, text in enumerate(source.splitlines(), 1) if text.startswith(new.rstrip()))
        for _, new in BAD
    ]
    wanted = [f"my_{name}.py:{line}: {sentence}" for line, sentence in sorted(zip(lines, SAID))]
    assert run.state["runtime_messages"] == wanted  # each knob once, top to bottom, and no error it would cause
    assert "Traceback" not in run.output and all(line in run.output for line in wanted)
    state = run.state
    assert state["mode"] == "collecting" and len(state["samples"]) == 6  # collecting went on, after T too
    assert [s["label"] for s in state["samples"]][:3] == ["C", "C", "G"]
    assert SAID[0] in state["messages"] and state["training"]["status"] == "idle"  # T refused in the same words
    assert run.pixel(480, 598) == (180, 20, 20)


@pytest.mark.parametrize(
    "knob, value, sentence",
    [
        ("EPOCHS", 0, "EPOCHS must be a whole number from 1 to 10000 (it is 0)"),
        ("EPOCHS", 50.0, "EPOCHS must be a whole number from 1 to 10000 (it is 50.0)"),
        ("ACTIVATION", "softmax", 'ACTIVATION must be "relu", "tanh" or "sigmoid" (it is "softmax")'),
        ("BATCH_SIZE", 0, "BATCH_SIZE must be a whole number from 1 to 100000 (it is 0)"),
        ("LEARNING_RATE", -1, "LEARNING_RATE must be a number above 0, up to 10 (it is -1)"),
        ("HIDDEN_LAYERS", "16", "HIDDEN_LAYERS must be a list of whole numbers from 1 to 4096"),
        ("VALIDATION_SPLIT", "0.2", 'VALIDATION_SPLIT must be a number from 0 to 0.9 (it is "0.2")'),
        ("OCTAVE", 9, "OCTAVE must be a whole number from 0 to 8 (it is 9)"),
        ("COLOURS", {"C": (300, 0, 0)}, 'COLOURS["C"] must be three whole numbers from 0 to 255'),
        ("COLOURS", [1, 2], "COLOURS must be a dictionary of note names and colours"),
        ("NOTES", {"C": 261.63, "T": 300}, 'NOTES["T"] is on key T, which trains the network: choose another key'),
        ("NOTES", {"C": 261.63, "J": 0}, 'NOTES["J"] must be a frequency from 20 to 20000 Hz (it is 0)'),
        ("NOTES", {"C": 261.63, "K": 523.25}, 'NOTES["K"] is on key K, which writes the report: choose another key'),
        ("NOTES", {"E": 329.63, "Eb": 311.13}, 'NOTES["Eb"] is on key E, as NOTES["E"] is: one note per key'),
        ("NOTES", scale("C H"), 'NOTES["H"] is on key H, which shows the runs table: choose another key'),
        ("NOTES", scale("C X"), 'NOTES["X"] has no pitch: X is no note name'),
        ("NOTES", "C D E", "NOTES must be a dictionary of note names and frequencies in Hz"),
    ],
)
def test_each_knob_says_what_a_good_value_is(knob, value, sentence):
    [said] = knobs.problems({knob: value})
    assert said.startswith(sentence)


def test_good_knobs_say_nothing():
    assert (
        knobs.problems(
            {
                "EPOCHS": 200,
                "HIDDEN_LAYERS": [32, 16],
                "ACTIVATION": "tanh",
                "LEARNING_RATE": 0.05,
                "BATCH_SIZE": 32,
                "VALIDATION_SPLIT": 0.2,
                "OCTAVE": 5,
                "NOTES": scale("C D Eb", 5),
                "COLOURS": {"C": (213, 94, 0), "D": "tomato"},
                "TITLE": "mine",
                "WIDTH": 800,
            }
        )
        == []
    )


def test_a_canvas_size_that_is_no_size_is_named_and_the_window_opens_at_the_default(tmp_path):
    sketch, source = student_copy(tmp_path, [("WIDTH, HEIGHT = 960, 600", 'WIDTH, HEIGHT = "800", 20')])
    run = run_sketch(sketch, cluster("c", POINTS), sketch.parent)
    line = line_of(source, 'WIDTH, HEIGHT = "800", 20')
    assert run.state["runtime_messages"] == [
        f'my_classification.py:{line}: WIDTH must be a whole number from 100 to 8192 (it is "800")',
        f"my_classification.py:{line}: HEIGHT must be a whole number from 100 to 8192 (it is 20)",
    ]
    assert run.state["window"]["size"] == [960, 600] and len(run.state["samples"]) == 3


def test_the_image_classifiers_training_knobs_follow_the_same_rules():
    from mlcore.ml import settings

    said = settings.knob_problems({"EPOCHS": 15, "DROPOUT": 1.5, "AUGMENTATION": 11, "DATASET": "builtin"})
    assert said == [
        "DROPOUT must be a number from 0 to 0.9 (it is 1.5)",
        "AUGMENTATION must be a whole number from 0 to 10 (it is 11)",
    ]
