"""Every view and popup of the two note sketches, read from the back row: the lesson's readouts large, no text
small, nothing cut, nothing over the canvas.

The rules, on the text audit of each frame (`display.text_audit` in the state, `theme.report()` here):
- projector theme: each key readout's capital letters at least 20 window pixels tall, every text's at least 13;
  default theme: every text's at least 10;
- no text shortened with "…" (`display.cut` is empty);
- every text lies whole on the window, inside one room: the top bar, the bottom bar, the popup, or the canvas's
  room; a prediction's readouts inside the visible canvas; no two texts of a bar or the popup on top of each other.

On a 1280×720 screen (and a 1024×768 one) the note sketches' 960×600 window is drawn at its own size (scale 1; with
--scale 1.5 it fits at 1.07): both scales are checked.
"""

from types import SimpleNamespace

import numpy as np
import pygame
import pytest

from mlcore.ml.in_process import InProcess
from mlcore.ml.neural_network import WAITING, NeuralNetwork
from mlcore.notes.canvas import NoteCanvas
from mlcore.notes.sample_files import Sample
from mlcore.runtime import keyboard
from mlcore.runtime.window import fitted_scale
from mlcore.widgets import theme, ui

SIZE = (960, 600)
CLUSTERS = {"C": (150, 150), "E": (780, 210), "G": (450, 450)}
EDGES = [(1, 49), (959, 49), (1, 551), (959, 551), (480, 49), (480, 551), (1, 300), (959, 300), (480, 300)]
LONG_PATH = "/home/teacher/course/week-3/experiments/two-notes-at-one-place/classification-data-20250101.json"


def points(centre, count=8, seed=0):
    rng = np.random.default_rng(seed)
    return [(float(x), float(y)) for x, y in rng.normal(centre, 18, size=(count, 2))]


@pytest.fixture(scope="module")
def networks():
    """One network of each task, trained here on three notes (torch in this test's process)."""
    trained = {}
    for task in ("classification", "regression"):
        canvas = NoteCanvas(task, *SIZE)
        network = NeuralNetwork(task, seed=0, input_bounds=canvas.bounds, worker=InProcess())
        for note, centre in CLUSTERS.items():
            for x, y in points(centre):
                network.add_data([x, y], note if task == "classification" else canvas.frequency(note))
        trained[task] = network.train(200).wait()
    return trained


@pytest.fixture(params=[1.0, fitted_scale(SIZE, 1.5, (1024, 768))], ids=["scale1", "scale1.07"])
def window(request):
    pygame.display.init()
    pygame.font.init()
    ui.forget_fonts()
    pygame.display.set_mode((round(SIZE[0] * request.param), round(SIZE[1] * request.param)))
    yield pygame.Surface(SIZE)
    theme.use(theme.DEFAULT)
    ui.forget_fonts()
    keyboard.held.clear()
    pygame.display.quit()


def a_canvas(task, network=None, samples=True):
    canvas = NoteCanvas(task, *SIZE)
    canvas.speaker = SimpleNamespace(available=True, notice="", play=lambda hz: None)
    if samples:
        for note, centre in CLUSTERS.items():
            for x, y in points(centre):
                canvas.add_sample(x, y, note)
    if network is not None:
        canvas.use(network)
        canvas.epochs = network.epochs
    return canvas


def predict_everywhere(canvas, network, places=EDGES):
    for x, y in places:
        if canvas.task.name == "classification":
            label, confidence = network.classify([x, y])[0]
            canvas.show_prediction(x, y, label=label, confidence=confidence)
        else:
            canvas.show_prediction(x, y, frequency=network.predict([x, y]), nearest_note="F#4", cents=-49.0)


def a_training(network, done):
    """A copy of `network` caught `done` epochs into its training (the job as it reports then)."""
    copy = NeuralNetwork(network.task, seed=0, input_bounds=network.options["input_bounds"])
    copy.inputs, copy.outputs, copy.epochs = network.inputs, network.outputs, 200
    copy.history = {key: values[:done] for key, values in network.history.items()}
    message = f"{WAITING} 3 s" if done == 0 else ""
    copy.job = SimpleNamespace(
        status="running",
        done=done,
        total=200,
        message=message,
        running=True,
        fraction=done / 200,
        error="",
        cancelled=False,
    )
    return copy


# -- the views: each sets a canvas up as a class would see it -------------------------------------------------------
def empty(task, networks):
    return a_canvas(task, samples=False)


def collecting_a_key_held_and_a_long_message(task, networks):
    canvas = a_canvas(task)
    keyboard.held.add("e")
    canvas.say(
        f"loaded 24 samples from {LONG_PATH} (24 entries skipped: 0 numbers in ys (label), not one (24))", error=True
    )
    return canvas


def waiting_for_the_network_library(task, networks):
    canvas = a_canvas(task, a_training(networks[task], 0))
    canvas.show_popup = True
    return canvas


def training_half_way(task, networks):
    canvas = a_canvas(task, a_training(networks[task], 100))
    canvas.show_popup = True
    canvas.epochs_shown = lambda: 100
    return canvas


def trained_with_the_popup_and_predictions_at_every_edge(task, networks):
    canvas = a_canvas(task, networks[task])
    canvas.show_popup = True
    canvas.epochs_shown = lambda: 200
    predict_everywhere(canvas, networks[task])
    return canvas


def predicting_with_the_map_and_predictions_at_every_edge(task, networks):
    canvas = a_canvas(task, networks[task])
    canvas.show_map = True
    predict_everywhere(canvas, networks[task])
    keyboard.held.add("f")
    return canvas


def the_runs_table(task, networks):
    canvas = a_canvas(task, networks[task])
    for _ in range(3):
        canvas.runs.add(networks[task])
    canvas.runs.visible = True
    return canvas


def samples_beyond_the_canvas_and_stacked(task, networks):
    canvas = a_canvas(task, networks[task])
    far = [(-700, 20), (1660, 300), (300, 1300), (10, 5), (500, 590)] + [(620, 380)] * 4
    for (x, y), note in zip(far + [(620, 380)] * 4, "CEGAB" + "C" * 4 + "E" * 4):
        canvas.samples.append(Sample(x, y, note, canvas.frequency(note)))
    canvas.layout.fit(canvas.samples)
    predict_everywhere(canvas, networks[task], [(-690, 30), (1650, 310), (610, 380)])
    return canvas


def a_failed_training(task, networks):
    canvas = a_canvas(task, a_training(networks[task], 40))
    canvas.network.job.status, canvas.network.job.running = "failed", False
    canvas.network.job.error = "RuntimeError: the training process stopped (out of memory?) after 40 epochs"
    canvas.show_popup = True
    canvas.epochs_shown = lambda: 40
    return canvas


VIEWS = [
    empty,
    collecting_a_key_held_and_a_long_message,
    waiting_for_the_network_library,
    training_half_way,
    trained_with_the_popup_and_predictions_at_every_edge,
    predicting_with_the_map_and_predictions_at_every_edge,
    the_runs_table,
    samples_beyond_the_canvas_and_stacked,
    a_failed_training,
]


# -- the rules ------------------------------------------------------------------------------------------------------
def rooms(canvas):
    layout, popup = canvas.layout, canvas.show_popup
    found = {"top bar": layout.top_bar(), "bottom bar": layout.bottom_bar(), "canvas": layout.room(popup)}
    if popup:
        found["popup"] = layout.popup_rect()
    return found


def check_the_frame(canvas, look):
    report = theme.report()
    entries = report["text_audit"]
    assert report["cut"] == [], report["cut"]
    assert not [e["text"] for e in entries if e["text"].endswith("…") and e["text"] != "building the network…"]
    least = 13 if look.name == "projector" else 10
    small = [(e["text"], e["cap_px"]) for e in entries if e["cap_px"] < least]
    assert small == [], small
    if look.name == "projector":
        readouts = [(e["text"], e["cap_px"]) for e in entries if e["readout"]]
        assert readouts and min(cap for _, cap in readouts) >= 20, readouts
    window = pygame.Rect(0, 0, *SIZE)
    found = rooms(canvas)
    where = {}
    for entry in entries:
        if entry["box"] is None:
            continue
        box = pygame.Rect(entry["box"])
        assert window.contains(box), entry
        inside = [name for name, rect in found.items() if rect.contains(box)]
        assert inside, (entry, found)
        where.setdefault(inside[0], []).append((entry["text"], box))
        if entry["readout"] and inside[0] == "canvas" and not canvas.runs.visible:
            visible = canvas.view_rect().clip(found["canvas"])
            assert visible.contains(box), (entry, visible)
    for name in ("top bar", "bottom bar", "popup"):
        placed = where.get(name, [])
        for i, (text, box) in enumerate(placed):
            for other, other_box in placed[i + 1 :]:
                assert not box.colliderect(other_box), f"{name}: {text!r} {box} overlaps {other!r} {other_box}"
    return entries


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.__name__)
@pytest.mark.parametrize("look", [theme.DEFAULT, theme.PROJECTOR], ids=lambda look: look.name)
@pytest.mark.parametrize("task", ["classification", "regression"])
def test_every_view_is_readable_from_the_back_row(task, look, view, networks, window):
    theme.use(look)
    canvas = view(task, networks)
    canvas.draw(window)
    canvas.draw(window)  # the second frame, as a class sees it (the message queue and the layers settled)
    entries = check_the_frame(canvas, look)
    texts = [entry["text"] for entry in entries]
    mode = {"training": "training", "predicting": "predicting", "collecting": "collecting"}[canvas.mode]
    assert any(text.startswith(mode) for text in texts), texts  # the mode, always, as a readout
    assert any(text.startswith("note ") or text.endswith(" Hz") for text in texts)


def test_the_readouts_are_the_lessons_and_as_large_as_asked(networks, window):
    theme.use(theme.PROJECTOR)
    canvas = a_canvas("regression", networks["regression"])
    canvas.show_popup = True
    canvas.epochs_shown = lambda: 200
    predict_everywhere(canvas, networks["regression"], [(480, 300)])
    canvas.draw(window)
    readouts = {entry["text"]: entry["cap_px"] for entry in theme.report()["text_audit"] if entry["readout"]}
    for text in ("predicting", "note C  261.63 Hz", "epoch 200 / 200", "F#4 -49¢"):
        assert readouts.get(text, 0) >= 20, (text, readouts)
    assert any(text.startswith("loss ") for text in readouts)
    assert any(text.startswith("mean error ") for text in readouts)
    assert any(text.endswith(" Hz") and text[0].isdigit() for text in readouts)


def test_both_screens_give_the_note_window_its_own_size():
    assert fitted_scale(SIZE, 1.0, (1280, 720)) == 1.0 and fitted_scale(SIZE, 1.0, (1024, 768)) == 1.0
