"""The notes regression sketch end to end: collect notes, train, hear the frequencies in between."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from driver import click, cluster, key, run_sketch
from mlcore.notes.audio import peak_frequency

LEFT = [(150, 300), (170, 315), (140, 285), (160, 310), (135, 300), (165, 290), (150, 320), (145, 295)]
RIGHT = [(x + 650, y) for x, y in LEFT]
COLLECT = cluster("c", LEFT) + cluster("b", RIGHT)
# T, then P once trained: the popup keeps its curves until P, and the whole canvas answers clicks again.
TRAIN = key("t") + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}] + key("p")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_collect_train_predict_glide_reset(tmp_path):
    actions = COLLECT + TRAIN + key("v") + click(151, 302) + click(801, 302) + click(475, 302)
    run = run_sketch("regression", actions, tmp_path, "--seed", "3")
    assert run.returncode == 0, run.output
    state = run.state
    assert state["sketch"] == "regression"
    assert state["samples"][0] == {"x": 150, "y": 300, "label": "C", "target": 261.63}
    assert state["samples"][-1]["target"] == 493.88
    left, right, middle = state["predictions"]
    assert left["frequency"] == pytest.approx(261.63, rel=0.03) and left["nearest_note"] in ("C4", "C#4", "B3")
    assert right["frequency"] == pytest.approx(493.88, rel=0.03)
    assert 261.63 < middle["frequency"] < 493.88
    assert -50 <= middle["cents"] <= 50
    # It plays exactly the predicted frequency, not the nearest note.
    assert [s["frequency"] for s in state["sounds"][-3:]] == [p["frequency"] for p in (left, right, middle)]
    assert len(state["training"]["mean_error"]) == 200 and len(state["training"]["val_mean_error"]) == 200
    assert state["training"]["mean_error"][-1] < 20  # Hz


def test_pitch_map_shows_a_slope_with_a_legend(tmp_path):
    run = run_sketch("regression", COLLECT + TRAIN + key("v"), tmp_path, "--seed", "4")
    assert run.returncode == 0, run.output
    low, mid, high = (np.array(run.pixel(x, 450)) for x in (60, 480, 900))
    assert not np.array_equal(low, high)
    assert np.abs(mid - low).sum() > 30 and np.abs(mid - high).sum() > 30  # a glide, not two flat halves
    # One colour language: the map is the notes' own colours, faded towards the paper: C's beside the C samples,
    # B's beside the B samples (a pitch in between is the colour of the notes it lies between).
    paper, c_colour, b_colour = np.array((246, 246, 242)), np.array((213, 94, 0)), np.array((90, 90, 90))
    assert np.abs(low - (c_colour + paper) / 2).max() <= 16, low
    assert np.abs(high - (b_colour + paper) / 2).max() <= 16, high
    # The legend's scale sits in the top bar, off the samples: C's colour at its low end, B's at its high end.
    top_bar = [np.array(run.pixel(x, 24)) for x in range(0, 960, 2)]
    assert min(np.abs(pixel - c_colour).max() for pixel in top_bar) <= 12
    assert min(np.abs(pixel - b_colour).max() for pixel in top_bar) <= 12
    assert {"262 Hz", "494 Hz", "E"} <= {text for text, _ in run.state["display"]["texts"]}


def test_reset_keeps_the_samples_and_forgets_the_network(tmp_path):
    run = run_sketch("regression", COLLECT + TRAIN + key("r") + click(475, 302), tmp_path)
    assert run.returncode == 0, run.output
    assert run.state["mode"] == "collecting" and len(run.state["samples"]) == 17  # the click collected again
    assert run.state["training"]["status"] == "idle"


def test_one_note_only_trains_and_predicts_that_note(tmp_path):
    run = run_sketch("regression", cluster("g", LEFT[:4]) + TRAIN + click(700, 400), tmp_path)
    assert run.returncode == 0, run.output
    assert run.state["predictions"][0]["frequency"] == pytest.approx(392.0, abs=0.5)
    assert run.state["predictions"][0]["nearest_note"] == "G4"


def test_fewer_than_two_samples_says_why(tmp_path):
    run = run_sketch("regression", cluster("g", LEFT[:1]) + key("t"), tmp_path)
    assert run.state["mode"] == "collecting"
    assert "add at least two samples before training" in run.state["messages"]


def test_save_and_load_keep_the_frequencies(tmp_path):
    run = run_sketch("regression", cluster("e", [(300, 200), (320, 220)]) + key("s"), tmp_path / "a")
    assert run.returncode == 0, run.output
    saved = next((tmp_path / "a").glob("regression-data-*.json"))
    assert json.loads(saved.read_text())["data"][0] == {
        "xs": {"x": 300, "y": 200},
        "ys": {"label": "E", "frequency": 329.63},
    }
    again = run_sketch("regression", key("a"), tmp_path / "b", "--load", saved)
    assert [s["target"] for s in again.state["samples"]] == [329.63, 329.63]


def test_a_malformed_load_file_starts_empty(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"data": [')
    run = run_sketch("regression", key("a"), tmp_path, "--load", bad)
    assert run.returncode == 0 and run.state["samples"] == []
    assert any(m.startswith(f"could not load {bad}") for m in run.state["messages"])


def test_no_audio_device_runs_silently(tmp_path):
    run = run_sketch("regression", cluster("a", [(300, 300)]), tmp_path, env={"SDL_AUDIODRIVER": "no-such-driver"})
    assert run.returncode == 0 and run.state["audio"]["available"] is False


def test_a_predicted_347_hz_tone_sounds_at_347_hz(tmp_path):
    raw = tmp_path / "out.raw"
    env = dict(os.environ, SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(raw), SDL_DISKAUDIODELAY="0", PYTHONPATH=ROOT)
    code = (
        "import time; from mlcore.notes.audio import Speaker; s = Speaker(); assert s.available, s.notice; "
        "s.play(347.0); time.sleep(1.0)"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    samples = np.frombuffer(raw.read_bytes(), dtype=np.int16).reshape(-1, 2)
    sounding = np.flatnonzero(np.abs(samples[:, 0]) > 500)
    assert peak_frequency(samples[sounding[0] : sounding[-1]]) == pytest.approx(347.0, abs=1.0)


def test_clicks_far_from_the_data_stay_between_the_trained_pitches(tmp_path):
    # C4 and D4 close together; then the canvas's four corners (inside the bars), as a curious class does.
    close = cluster("c", LEFT) + cluster("d", [(x + 80, y) for x, y in LEFT])
    corners = click(1, 49) + click(958, 49) + click(1, 550) + click(958, 550)
    run = run_sketch("regression", close + TRAIN + corners, tmp_path, "--seed", "5")
    assert run.returncode == 0, run.output
    predicted = [p["frequency"] for p in run.state["predictions"]]
    assert len(predicted) == 4 and all(261.63 <= hz <= 293.66 for hz in predicted), predicted
    assert [s["frequency"] for s in run.state["sounds"][-4:]] == predicted


@pytest.mark.parametrize("number", [0.0, -5.0, float("nan"), float("inf"), -float("inf"), 1e-300])
def test_nearest_note_answers_for_any_number(number):
    from mlcore.notes.pitches import nearest_note

    name, octave, cents = nearest_note(number)
    assert isinstance(name, str) and isinstance(octave, int) and cents == cents
