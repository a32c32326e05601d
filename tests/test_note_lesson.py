"""The note sketches as a teacher runs them in front of a class: the training drawn at a pace a class can follow,
samples taught while the network predicts, a canvas nothing covers (whatever a file holds), samples at one place
told apart, and one colour language for notes and pitches."""

import json
from types import SimpleNamespace

import numpy as np
import pytest

from driver import click, cluster, key, run_sketch
from mlcore.notes.maps import pitch_colours
from mlcore.notes.pitches import COLOURS, frequency
from mlcore.notes.popup import CurvePace
from mlcore.notes.tasks import SAMPLE_RADIUS
from test_student_edits import edited_copy

C_POINTS = [(150, 150), (170, 160), (140, 175), (160, 135), (180, 150), (135, 150), (155, 170), (165, 145)]
E_POINTS = [(x + 630, y + 60) for x, y in C_POINTS]
G_POINTS = [(x + 300, y + 300) for x, y in C_POINTS]
COLLECT = cluster("c", C_POINTS) + cluster("e", E_POINTS) + cluster("g", G_POINTS)
TRAINED = key("t") + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 180}]
EDGES = [(1, 49), (958, 49), (1, 551), (958, 551), (480, 49), (480, 551), (1, 300), (958, 300)]
CORNERS = [(40, 90), (920, 90), (40, 510), (920, 510), (480, 90)]  # no sample near: the pitch map shows there
BESIDE = [(157, 200), (200, 152), (787, 250), (457, 420)]  # clicks just off the clusters
TAUGHT = {"classification": "e", "regression": "b"}  # the note each sketch is taught after training
BARE_CLICK = (640, 400)  # a click with no key held, after the taught note: far from every sample
LESSON_CLICKS = BESIDE + [BARE_CLICK] + EDGES + CORNERS  # every click of the_lesson, in order
PAPER = np.array((246, 246, 242))


def shown_beside_the_popup(x, y):
    """Where the canvas point (x, y) is drawn (and clicked) while the popup shows."""
    from mlcore.notes.canvas import NoteCanvas

    canvas = NoteCanvas("classification", 960, 600)
    canvas.show_popup = True
    return tuple(round(value) for value in canvas.to_view(x, y))


def clicks(points):
    return [action for x, y in points for action in click(x, y)]


# -- the lessons: each is played once per module (seed 1), and each test that reads it checks its own part --------
@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    """`lesson(sketch, actions, *args)`: the run of that replay, played once for the whole module; tests that replay
    the same actions read the same run (training a network takes seconds: the training process loads torch)."""
    runs = {}

    def play(sketch, actions, *args):
        key = json.dumps([sketch, actions, [str(arg) for arg in args]])
        if key not in runs:
            runs[key] = run_sketch(sketch, actions, tmp_path_factory.mktemp(sketch), "--seed", "1", *args)
        return runs[key]

    return play


def beside_the_popup(lesson, sketch):
    """On a projector: trained, then clicks near every edge and corner of the canvas, shown smaller beside the popup.
    In the classification sketch, the popup's curves are first drawn to their end and left two seconds (which
    test_the_popup_keeps_the_final_curves_until_p reads)."""
    kept = [
        {"type": "wait", "until": {"popup.epochs_shown": 200}, "timeout_s": 60},
        {"type": "mouse_move", "x": 480, "y": 300, "after": 120},  # two seconds later
    ]
    actions = (
        COLLECT
        + TRAINED
        + (kept if sketch == "classification" else [])
        + clicks([shown_beside_the_popup(x, y) for x, y in EDGES + CORNERS])
    )
    return lesson(sketch, actions, "--projector")


def the_lesson(lesson, sketch):
    """The lesson after training, as a teacher gives it: P (the popup goes, the canvas fills the window), V (the map),
    clicks just off the clusters, a note taught with its key held and a bare click away from the samples, and F12 (a
    screenshot); then F2 (the projector theme), clicks near every edge and corner of the canvas, and G held down
    while the class watches the bars."""
    actions = (
        COLLECT
        + TRAINED
        + key("p")
        + key("v")
        + clicks(BESIDE)
        + cluster(TAUGHT[sketch], [(300, 420)])
        + click(*BARE_CLICK)
        + key("f12", after=2)
        + key("f2", after=2)
        + clicks(EDGES + CORNERS)
        + [{"type": "key_down", "key": "g"}]
    )
    return lesson(sketch, actions)


def f12_screenshot(run):
    """`pixel(x, y)` of the screenshot F12 saved during the run, in the default theme."""
    import pygame

    [path] = run.folder.glob("*-screenshot-*.png")
    picture = pygame.image.load(str(path))
    return lambda x, y: tuple(picture.get_at((int(x), int(y))))[:3]


def inside(box, rect):
    x, y, w, h = box
    rx, ry, rw, rh = rect
    return rx <= x and ry <= y and x + w <= rx + rw and y + h <= ry + rh


def overlaps(box, rect):
    x, y, w, h = box
    rx, ry, rw, rh = rect
    return x < rx + rw and rx < x + w and y < ry + rh and ry < y + h


# -- 1. watchable training ------------------------------------------------------------------------------------------
def test_the_curves_of_a_training_over_in_a_blink_take_the_seconds_asked():
    blink = SimpleNamespace(done=200, total=200)  # all 200 epochs were there at the first look
    pace = CurvePace(2.0)
    assert [pace.shown(blink, now=t) for t in (10.0, 10.5, 11.0, 11.9, 12.0, 40.0)] == [0, 50, 100, 190, 200, 200]
    slow = SimpleNamespace(done=10, total=200)  # a slow training is drawn as its epochs come
    pace = CurvePace(2.0)
    pace.shown(slow, now=0.0)
    assert pace.shown(slow, now=5.0) == 10
    assert CurvePace(0).shown(blink, now=0.0) == 200  # a knob of 0: at once


@pytest.mark.parametrize("sketch", ["classification", "regression"])
def test_the_pace_is_a_knob_of_the_sketch(sketch):
    import importlib

    module = importlib.import_module(f"sketches.{sketch}")
    assert module.CURVE_SECONDS == 2.0 and module.canvas.pace.seconds == 2.0


def test_the_network_answers_while_the_popup_still_draws_its_curves(tmp_path):
    folder = edited_copy(tmp_path, "classification", [("CURVE_SECONDS = 2.0 ", "CURVE_SECONDS = 60.0 ")])
    actions = COLLECT + TRAINED + click(*shown_beside_the_popup(157, 152))
    run = run_sketch(folder / "my_classification.py", actions, folder, "--seed", "1")
    assert run.returncode == 0, run.output
    state = run.state
    assert state["training"]["epochs_done"] == 200 and state["mode"] == "predicting"
    assert state["popup"]["visible"] and state["popup"]["epochs_shown"] < 200  # the curves are still coming in
    assert [p["label"] for p in state["predictions"]] == ["C"]  # and the trained network answered at once
    # The popup's readouts follow the curves drawn, not the training's end.
    shown = state["popup"]["epochs_shown"]
    assert f"epoch {shown} / 200" in [text for text, _ in state["display"]["texts"]]


def test_the_popup_keeps_the_final_curves_until_p(lesson):
    run = beside_the_popup(lesson, "classification")  # two seconds after its curves were whole, and clicks
    assert run.returncode == 0, run.output
    assert run.state["popup"] == {"visible": True, "epochs_shown": 200}
    texts = [text for text, _ in run.state["display"]["texts"]]
    assert "epoch 200 / 200" in texts and any(text.startswith("accuracy ") for text in texts)
    closed = the_lesson(lesson, "classification")
    assert closed.returncode == 0, closed.output
    assert closed.state["popup"]["visible"] is False and closed.state["layout"]["zoom"] == 1.0


# -- 2. teaching while predicting -----------------------------------------------------------------------------------
@pytest.mark.parametrize("sketch, target", [("classification", {}), ("regression", {"target": 493.88})])
def test_a_held_note_key_teaches_after_training_and_a_bare_click_predicts(lesson, sketch, target):
    run = the_lesson(lesson, sketch)  # the class watches the bar with G held
    assert run.returncode == 0, run.output
    state = run.state
    note = TAUGHT[sketch]
    assert len(state["samples"]) == 25
    assert state["samples"][-1] == {"x": 300, "y": 420, "label": note.upper(), **target}
    # The bare click after the taught sample predicted, as every click without a key did.
    assert [(p["x"], p["y"]) for p in state["predictions"]] == LESSON_CLICKS and state["mode"] == "predicting"
    assert f"added a sample of {note.upper()}: T trains again with it" in state["messages"]
    # The hint bar says what a click does now: with G held, it adds a G.
    assert state["click"] == "click: add a G (T trains again with it)"
    assert state["click"] in [text for text, _ in state["display"]["texts"]]


def test_the_hint_bar_says_a_bare_click_predicts(lesson):
    run = beside_the_popup(lesson, "classification")  # trained, no key held
    assert run.returncode == 0, run.output
    assert run.state["click"].startswith("click: predict")
    assert run.state["click"] in [text for text, _ in run.state["display"]["texts"]]


def test_undoing_every_sample_goes_back_to_collecting(tmp_path):
    actions = (
        cluster("c", [(150, 150), (170, 160)])
        + cluster("g", [(700, 400), (720, 410)])
        + TRAINED
        + key("p")
        + key("u")
        + key("u")
        + key("u")
        + key("u")
        + click(400, 300)
    )
    run = run_sketch("classification", actions, tmp_path, "--seed", "1")
    assert run.returncode == 0, run.output
    state = run.state
    assert state["mode"] == "collecting" and state["training"]["status"] == "idle"
    assert state["samples"] == [{"x": 400, "y": 300, "label": "G"}]  # the click collects again
    assert "no samples left: a new network, collecting" in state["messages"]
    assert "predicting" not in [text for text, _ in state["display"]["texts"]]


def test_a_reset_message_goes_when_training_starts(tmp_path):
    folder = edited_copy(tmp_path, "classification", [("EPOCHS = 200", "EPOCHS = 5000")])  # a long training
    actions = COLLECT + key("r") + key("t") + [{"type": "key_down", "key": "a", "after": 30}]
    run = run_sketch(folder / "my_classification.py", actions, folder, "--seed", "1")
    state = run.state
    assert state["mode"] == "training"
    assert "network reset: collecting (your samples are kept)" in state["messages"]  # it was said…
    texts = [text for text, _ in state["display"]["texts"]]
    assert not [text for text in texts if "collecting" in text], texts  # …and is gone from the bars
    assert any(text.startswith("training") for text in texts)


def test_messages_wait_their_turn_and_news_of_another_mode_goes():
    from mlcore.notes.messages import READ_SECONDS, Messages

    messages, one_line = Messages(), (lambda message: 1)
    messages.say("loaded 0 samples from a.json (24 entries skipped)", 8, True, "collecting")
    messages.say("the window is smaller than asked", 8, False, "collecting")  # the runtime's news, a frame later
    shown = [messages.current(one_line, now=t)[0] for t in (0.0, 7.9, 8.1, 15.9, 16.2)]
    assert [m.text if m else None for m in shown] == ["loaded 0 samples from a.json (24 entries skipped)"] * 2 + [
        "the window is smaller than asked"
    ] * 2 + [None]  # the error whole, then the news: neither lost
    messages.say("saved 3 samples", 4, False, "collecting")
    messages.current(one_line, now=20.0)
    messages.say("removed the last sample (C)", 4, False, "collecting")
    assert messages.current(one_line, now=21.0)[0].text == "saved 3 samples"  # read first
    assert messages.current(one_line, now=20.0 + READ_SECONDS)[0].text == "removed the last sample (C)"
    messages.say("could not save: the disk is full", 8, True, "collecting")
    messages.mode_changed("training")
    assert [m.text for m in messages.waiting] == ["could not save: the disk is full"]  # news of collecting went
    messages.say("a message three lines long", 4, False, "training")
    messages.current(one_line, now=30.0)  # the error goes on showing; then the long one, a line at a time
    pages = [messages.current(lambda message: 3, now=38.0 + t)[1] for t in (0.0, READ_SECONDS, 2 * READ_SECONDS)]
    assert pages == [0, 1, 2]


# -- 3. a canvas nothing covers ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("sketch", ["classification", "regression"])
@pytest.mark.parametrize("popup", [False, True], ids=["canvas", "beside the popup"])
def test_a_predictions_readouts_lie_whole_on_the_canvas_near_every_edge(lesson, sketch, popup):
    run = beside_the_popup(lesson, sketch) if popup else the_lesson(lesson, sketch)
    assert run.returncode == 0, run.output
    state = run.state
    assert state["display"]["theme"] == "projector"  # the largest readouts
    clicked = EDGES + CORNERS if popup else LESSON_CLICKS
    assert len(state["predictions"]) == len(clicked)
    layout = state["layout"]
    view = layout["view"]
    room_bottom = layout["bottom_bar"][1]
    visible = [view[0], max(view[1], 48), view[2], min(view[1] + view[3], room_bottom) - max(view[1], 48)]
    readouts = [
        (entry["text"], entry["box"])
        for entry in state["display"]["text_audit"]
        if entry["readout"]
        and entry["box"]
        and 48 <= entry["box"][1] < room_bottom
        and not (layout["popup"] and overlaps(entry["box"], layout["popup"]))
    ]
    per_prediction = 1 if sketch == "classification" else 2
    letters = len(clicked) if sketch == "classification" else 0  # the predicted note in its circle
    assert len(readouts) == len(clicked) * per_prediction + letters, readouts
    for text, box in readouts:
        assert inside(box, visible), (text, box, visible)
        assert not overlaps(box, layout["top_bar"]) and not overlaps(box, layout["bottom_bar"])
    assert state["display"]["cut"] == []


def far_file(path, regression=False):
    """A file as the course's p5 sketches save them (a 640 × 640 canvas: places under where the bars are and past
    the bottom), with a few places far out (up to 700 pixels beyond every side)."""
    rng = np.random.default_rng(3)
    places = [(float(x), float(y)) for x, y in rng.uniform(0, 640, size=(24, 2))]
    places += [(20, 10), (600, 30), (300, 600), (630, 639), (-700, 300), (1660, 200), (400, -700), (500, 1300)]
    notes = "CDEFGAB"
    data = []
    for index, (x, y) in enumerate(places):
        note = notes[index % 7]
        ys = {"label": note, "frequency": round(frequency(note), 2)} if regression else {"label": note}
        data.append({"xs": {"x": x, "y": y}, "ys": ys})
    path.write_text(json.dumps({"data": data}))
    return places


@pytest.mark.parametrize("sketch", ["classification", "regression"])
def test_a_file_reaching_beyond_the_canvas_keeps_every_sample_in_view(tmp_path, sketch):
    path = tmp_path / "p5.json"
    places = far_file(path, regression=sketch == "regression")
    run = run_sketch(sketch, key("a"), tmp_path, "--load", path, "--projector")
    assert run.returncode == 0, run.output
    state = run.state
    assert [(s["x"], s["y"]) for s in state["samples"]] == [(round(x, 1), round(y, 1)) for x, y in places]
    layout = state["layout"]
    x0, y0, x1, y1 = layout["world"]
    beyond = [(x, y) for x, y in places if not (0 <= x < 960 and 48 <= y < 552)]
    assert x0 <= -700 and y0 <= -700 and x1 >= 1660 and y1 >= 1300 and layout["beyond"] == len(beyond) >= 10
    assert 0.2 < layout["zoom"] < 1
    said = [text for text, _ in state["display"]["texts"]]
    assert any("beyond the canvas" in text and "view at" in text for text in said), said  # said on the bar
    assert any(f"{len(beyond)} lie beyond the canvas: the view shows them all" in m for m in state["messages"])
    # Every far sample is drawn, whole, in its note's colour, on the canvas's room and off the bars.
    factor, dx, dy = layout["transform"]
    for index, (x, y) in enumerate(places[24:], start=24):
        cx, cy = x * factor + dx, y * factor + dy
        assert 48 + SAMPLE_RADIUS <= cy <= 552 - SAMPLE_RADIUS and SAMPLE_RADIUS <= cx <= 960 - SAMPLE_RADIUS
        assert run.pixel(cx - SAMPLE_RADIUS + 5, cy) == COLOURS["CDEFGAB"[index % 7]], (x, y)


def test_a_click_on_the_grown_view_beyond_the_canvas_places_a_sample_there(tmp_path):
    path = tmp_path / "p5.json"
    far_file(path)
    first = run_sketch("classification", key("a"), tmp_path / "a", "--load", path)
    factor, dx, dy = first.state["layout"]["transform"]
    x, y = round(-500 * factor + dx), round(100 * factor + dy)
    run = run_sketch("classification", cluster("f", [(x, y)]), tmp_path / "b", "--load", path)
    placed = run.state["samples"][-1]
    assert placed["label"] == "F" and abs(placed["x"] + 500) < 2 / factor and abs(placed["y"] - 100) < 2 / factor


# -- 4. samples at one place ------------------------------------------------------------------------------------------
def test_two_notes_at_one_place_are_both_seen_with_their_counts(tmp_path):
    path = tmp_path / "experiment2.json"
    entries = [{"xs": {"x": 400, "y": 300}, "ys": {"label": note}} for note in "CCCCEEEE"]
    entries.append({"xs": {"x": 700, "y": 300}, "ys": {"label": "G"}})
    path.write_text(json.dumps({"data": entries}))
    run = run_sketch("classification", key("a"), tmp_path, "--load", path)
    assert run.returncode == 0, run.output
    assert run.state["stacks"] == [{"x": 400, "y": 300, "count": 8, "notes": {"C": 4, "E": 4}}]
    # The C circle left of the place and the E circle right of it, both whole; each says how many it stands for.
    assert run.pixel(400 - 17 - 12, 300) == COLOURS["C"] and run.pixel(400 + 17 + 12, 300) == COLOURS["E"]
    assert [text for text, _ in run.state["display"]["texts"]].count("×4") == 2
    assert run.pixel(700 - 12, 300) == COLOURS["G"]  # a lone sample is drawn as ever


@pytest.mark.parametrize("sketch", ["classification", "regression"])
def test_no_readout_box_hides_a_sample(lesson, sketch):
    run = the_lesson(lesson, sketch)
    assert run.returncode == 0, run.output
    pixel = f12_screenshot(run)  # predictions just off the clusters, in the default theme
    for sample in run.state["samples"]:  # the left side of every circle still shows its note's colour
        x, y = sample["x"], sample["y"]
        visible = [pixel(x - dx, y) for dx in range(9, 14)]
        assert COLOURS[sample["label"]] in visible or any(
            pixel(x + dx, y + dy) == COLOURS[sample["label"]] for dx, dy in ((0, 12), (0, -12), (12, 0))
        ), sample


# -- 5. one colour language ---------------------------------------------------------------------------------------
def test_the_pitch_scale_is_the_notes_own_colours():
    c = frequency("C")
    hz = [frequency(note) for note in "CDEFGAB"]
    assert np.allclose(pitch_colours(hz, COLOURS, c), [COLOURS[note] for note in "CDEFGAB"])
    between = pitch_colours([frequency("E") * 2 ** (0.5 / 12)], COLOURS, c)[0]  # a quarter tone above E
    assert np.allclose(between, (np.array(COLOURS["E"]) + COLOURS["F"]) / 2)
    assert np.allclose(pitch_colours([c * 2], COLOURS, c)[0], COLOURS["C"])  # C5 is a C too


def test_the_pitch_map_shows_the_colour_of_the_pitch_predicted_there(lesson):
    run = the_lesson(lesson, "regression")
    assert run.returncode == 0, run.output
    seen = f12_screenshot(run)  # the map, before anything was clicked near the corners
    asked = {(p["x"], p["y"]): p for p in run.state["predictions"]}  # then the network asked there
    for x, y in CORNERS:
        prediction = asked[(x, y)]
        wanted = (pitch_colours([prediction["frequency"]], COLOURS, frequency("C"))[0] + PAPER) / 2
        assert np.abs(np.array(seen(x, y)) - wanted).max() <= 14, (x, y, prediction, seen(x, y))
    # The legend names the notes its scale passes, each letter on its own colour.
    notes = [(text, box) for text, box in run.state["display"]["texts"] if text in "CDEFGAB" and len(text) == 1]
    audit = [
        e
        for e in run.state["display"]["text_audit"]
        if e["box"] and e["box"][1] < 48 and e["text"] in ("C", "D", "E", "F", "G")
    ]
    assert {e["text"] for e in audit} >= {"D", "E", "F"}, notes
    for entry in audit:
        x, y, w, h = entry["box"]
        if x > 60 and entry["text"] in "DEF":  # the legend's inner letters (the bar's left holds the chosen note)
            above = np.array(run.pixel(x + w // 2, y + h // 2 - 11))  # the scale just above the letter
            assert np.abs(above - COLOURS[entry["text"]]).max() <= 12, (entry, above)
