"""The projector theme and what nothing may cover: colours told apart, class colours by name, text sizes audited
in a real window (Xvfb) at the projector's usual sizes, bars on screen, the popup beside the samples."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pygame
import pytest

from driver import ROOT, click, cluster, key, virtual_screen
from mlcore.widgets import theme, ui
from mlcore.widgets.class_colours import NAMED, class_colours, colour_word

NOTE_COLOURS = {
    "C": (213, 94, 0),
    "D": (230, 159, 0),
    "E": (240, 228, 66),
    "F": (0, 158, 115),
    "G": (86, 180, 233),
    "A": (204, 121, 167),
    "B": (90, 90, 90),
}


# ------------------------------------------------------------------------------------------------ colours


def test_lab_conversion_matches_published_values():
    assert np.allclose(theme.lab((255, 255, 255)), (100, 0, 0), atol=0.05)
    assert np.allclose(theme.lab((255, 0, 0)), (53.24, 80.09, 67.20), atol=0.1)
    assert np.allclose(theme.lab((0, 0, 255)), (32.30, 79.19, -107.86), atol=0.1)


@pytest.mark.parametrize("look", [theme.DEFAULT, theme.PROJECTOR], ids=lambda look: look.name)
def test_the_prediction_colour_is_far_from_every_note_colour(look):
    for note, colour in NOTE_COLOURS.items():
        assert theme.delta_e(look.accent, colour) > 30, note
    assert theme.delta_e((0, 114, 178), NOTE_COLOURS["G"]) < 30  # the old prediction blue was too near G


def test_class_colours_follow_colour_names_in_english_and_french():
    road = class_colours(("green", "orange", "red"))  # miniROAD, sorted
    assert road == {"green": NAMED["green"], "orange": NAMED["orange"], "red": NAMED["red"]}
    assert colour_word("feu rouge") == "red" and colour_word("Vert") == "green" and colour_word("jaune") == "yellow"
    assert colour_word("bleue") == "blue" and colour_word("gris") == "grey" and colour_word("Blanche") == "white"
    assert colour_word("banane") is None and colour_word("redundant") is None  # whole words only
    french = class_colours(("bleu", "chat", "chien"))
    assert french["bleu"] == NAMED["blue"]
    # The others take the palette by position, skipping the blue that "bleu" holds.
    assert french["chat"] != (0, 114, 178) and french["chat"] != french["chien"]
    assert class_colours(("apple", "banana")) == {"apple": (0, 114, 178), "banana": (230, 159, 0)}


@pytest.mark.parametrize("look", [theme.DEFAULT, theme.PROJECTOR], ids=lambda look: look.name)
def test_a_single_mistake_stands_out_from_an_empty_cell(look):
    theme.use(look)
    try:
        empty = theme.heat_colour(look.mistake, 0.0, 0)
        one_in_fifty = theme.heat_colour(look.mistake, 1 / 50, 1)
        all_wrong = theme.heat_colour(look.mistake, 1.0, 50)
        assert empty == (255, 255, 255)
        assert theme.delta_e(empty, one_in_fifty) > 30
        assert theme.delta_e(one_in_fifty, all_wrong) > 10  # the share still shows
        assert all_wrong == look.mistake
    finally:
        theme.use(theme.DEFAULT)


def test_text_is_enlarged_where_the_window_shrinks_the_canvas():
    pygame.display.init()
    pygame.font.init()
    ui.forget_fonts()
    try:
        window = pygame.display.set_mode((600, 330))  # half a 1200 x 660 canvas
        canvas = pygame.Surface((1200, 660))
        for look in (theme.DEFAULT, theme.PROJECTOR):
            theme.use(look)
            theme.begin_frame(canvas)
            assert theme.scale() == pytest.approx(0.5)
            ui.label(canvas, "0.50", (10, 10), size=18)
            [(text, height)] = theme.report()["texts"]
            assert text == "0.50" and look.min_text_px <= height < look.min_text_px + 2
        assert window.get_size() == (600, 330)
    finally:
        theme.use(theme.DEFAULT)
        pygame.display.quit()


# ------------------------------------------------------------------------------------------------ a real window

SIZES = [(1280, 720), (1024, 768)]
CANVAS = {"classification": (960, 600), "regression": (960, 600), "image_classifier": (1200, 660)}
BARS = {"classification": (48, 34), "regression": (48, 34), "image_classifier": (56, 44)}


@pytest.fixture
def display(request):
    if shutil.which("import") is None:
        pytest.skip("no ImageMagick's import (Debian package imagemagick): no way to look at the virtual screen")
    width, height = request.param
    with virtual_screen(width, height) as name:
        yield name, (width, height)


def notes_lesson():
    """Two notes, training, the map and a prediction, the popup's curves beside the canvas (they stay until P), then
    S (saves a file)."""
    return (
        cluster("c", [(150, 150), (170, 160), (140, 175)])
        + cluster("g", [(700, 400), (720, 420), (690, 430)])
        + key("t")
        + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}]
        + key("v")
        + click(160, 160)
        + key("s", after=3)
    )


def run_in_window(sketch, folder, display, projector):
    """Start the sketch in a window that fits the screen; once the file it saves at the end of its replay is there,
    photograph the whole screen, close the sketch as a terminal would, and return (screen, state)."""
    screen_name, (width, height) = display
    canvas = CANVAS[sketch]
    scale = min(width / canvas[0], height / canvas[1])
    command = [
        sys.executable,
        "-m",
        f"sketches.{sketch}",
        "--scale",
        f"{scale:.4f}",
        "--seed",
        "1",
        "--state-json",
        str(folder / "state.json"),
    ] + (["--projector"] if projector else [])
    replay = folder / "replay.jsonl"
    if sketch == "image_classifier":  # trained, then M saves the model, the Testing page showing
        command += [
            "--features",
            "color_histogram",
            "--epochs",
            "5",
            "--train",
            "--page",
            "Testing",
            "--save-model",
            str(folder / "saved.model.pt"),
        ]
        actions = [{"type": "wait", "until": {"training.status": "done", "idle": True}, "timeout_s": 200}] + key("m")
        saved = lambda: (folder / "saved.model.pt").exists()  # noqa: E731
    else:
        actions = notes_lesson()
        saved = lambda: any(folder.glob(f"{sketch}-data-*.json"))  # noqa: E731
    replay.write_text("".join(json.dumps(a) + "\n" for a in actions))
    command += ["--replay", str(replay)]
    env = {name: value for name, value in os.environ.items() if name != "SDL_VIDEODRIVER"}
    env.update(DISPLAY=screen_name, PYTHONPATH=str(ROOT), SDL_AUDIODRIVER="dummy")
    process = subprocess.Popen(command, cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while not saved() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert saved(), "the sketch never saved its file"
        time.sleep(1.0)  # a few frames after the save, so the message about it is on screen
        shot = folder / "root.png"
        subprocess.run(["import", "-display", screen_name, "-window", "root", str(shot)], check=True, timeout=60)
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)
    assert process.returncode == 0, output[1][-2000:]
    picture = pygame.surfarray.array3d(pygame.image.load(str(shot))).transpose(1, 0, 2).astype(int)
    return picture, json.loads((folder / "state.json").read_text()), scale


def bar_rows(picture, colour, share=0.3):
    """The rows of the screen where `colour` fills `share` of the width or more (a bar, even behind its text or
    its tab buttons)."""
    near = (np.abs(picture - np.array(colour)).max(axis=2) <= 8).mean(axis=1)  # smooth scaling blends a little
    return np.flatnonzero(near >= share)


@pytest.mark.parametrize("display", SIZES, indirect=True, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("projector", [False, True], ids=["default", "projector"])
@pytest.mark.parametrize("sketch", ["classification", "regression", "image_classifier"])
def test_bars_on_screen_and_no_text_too_small(sketch, projector, display, tmp_path):
    picture, state, asked = run_in_window(sketch, tmp_path, display, projector)
    look = theme.PROJECTOR if projector else theme.DEFAULT
    width, height = display[1]
    display_state = state["display"]
    # The window fits the screen: the scale asked for, or less where the runtime keeps room around the window.
    scale = display_state["scale"]
    assert 0.75 * asked <= scale <= asked + 0.01
    assert display_state["window"][0] <= width and display_state["window"][1] <= height
    # The bars: the top one starts near the screen's top, the bottom one ends on the screen, both their height.
    rows = bar_rows(picture, look.panel, 0.15 if sketch == "image_classifier" else 0.3)  # tabs cover the most
    assert len(rows), "no bar of the theme's panel colour on the screen"
    top_bar, bottom_bar = BARS[sketch]
    top_rows = rows[rows < rows[0] + top_bar * scale + 2]
    assert len(top_rows) >= top_bar * scale * 0.6 and rows[0] < height // 4
    # The bottom bar shows the keys, or the newest message in the accent (news) or error colour.
    lower = [
        row
        for colour in (look.panel, look.accent, look.error)
        for row in bar_rows(picture, colour)
        if row > height // 2
    ]
    assert len(lower) >= bottom_bar * scale * 0.6 and max(lower) < height
    # The text audit: every text of the last frame, measured at the window's scale.
    assert display_state["theme"] == look.name
    assert len(display_state["texts"]) > 10
    small = [(text, px) for text, px in display_state["texts"] if px < look.min_text_px]
    assert small == [], small
    if sketch != "image_classifier":  # the popup's ticks were among the texts audited
        assert any(text in ("0.50", "0.00", "1.00") for text, _ in display_state["texts"])
