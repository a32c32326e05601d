"""Drag to listen: the continuous voice (its pitch, loudness and tremolo gliding without a click), and the note
sketches dragged across the canvas with SDL's disk audio driver, so that what the speakers would get is analysed:
its spectrum, where its note changes, its pitch's glide, and any sample that jumps."""

import json
import os
import subprocess
import sys

import numpy as np
import pygame
import pytest

from driver import ROOT, key, run_sketch
from mlcore.notes.synthesis import SAMPLE_RATE, Voice, peak_frequency
from test_note_lesson import C_POINTS, E_POINTS, TRAINED

C4, E4 = 261.63, 329.63
START, END = (157, 155), (787, 215)  # from the middle of the C cluster to the middle of the E cluster
VOLUME = 0.35 * 32767
# The steepest step between two samples that a clean tone takes here: a C at full loudness (the drag's voice and the
# click's tone, both at C, add up) is under 1000. A click (a jump of the wave) is far steeper: up to twice the peak.
CLICK = 1500


# -- the voice alone --------------------------------------------------------------------------------------------------
def rendered(voice, seconds, block=512):
    """`seconds` of the voice, rendered block by block as the sound device asks for it."""
    blocks = [voice.render(block) for _ in range(round(seconds * SAMPLE_RATE / block))]
    return np.concatenate([np.zeros(block) if b is None else b for b in blocks]) * 32767


def test_a_note_change_glides_in_phase_without_a_click():
    voice = Voice()
    voice.play(C4)
    before = rendered(voice, 0.3)
    voice.play(E4)
    after = rendered(voice, 0.3)
    sound = np.concatenate([before, after])
    assert peak_frequency(before[4096:]) == pytest.approx(C4, abs=1.0)
    assert peak_frequency(after[2048:]) == pytest.approx(E4, abs=1.0)
    assert np.abs(np.diff(sound)).max() < CLICK
    # The detector sees a click: the same change made by restarting the wave (as two separate tones would) jumps.
    restarted = np.concatenate([before, VOLUME * np.sin(2 * np.pi * E4 * np.arange(len(after)) / SAMPLE_RATE + 2)])
    assert np.abs(np.diff(restarted)).max() > CLICK


def test_loudness_and_tremolo_follow_the_confidence_and_the_release_fades_to_silence():
    voice = Voice()
    voice.play(C4, loudness=1.0)
    steady = rendered(voice, 0.5)[8192:]
    voice.play(C4, loudness=0.45, tremolo=0.8)
    wavering = rendered(voice, 1.0)[8192:]
    blocks = np.abs(wavering[: len(wavering) // 441 * 441]).reshape(-1, 441).max(axis=1)  # every 10 ms
    assert np.abs(steady).max() > 2 * blocks.max()  # quieter
    assert blocks.min() < 0.35 * blocks.max()  # and wavering, about 7 times a second
    crossings = np.flatnonzero(np.diff(np.sign(blocks - blocks.mean())) > 0)
    assert 5 <= len(crossings) <= 9
    voice.release()
    fading = rendered(voice, 1.0)
    assert np.abs(np.diff(np.concatenate([wavering, fading]))).max() < CLICK
    assert np.abs(fading[-4410:]).max() < 2 and not voice.sounding  # silent within a second
    assert voice.render(512) is None


def test_answers_far_apart_in_pitch_are_one_glide():
    voice = Voice()
    pieces = []
    for hz in np.linspace(C4, E4, 6):  # a fast move: 13.6 Hz between answers, one every 10 frames at 60 a second
        voice.play(hz)
        pieces.append(rendered(voice, 1 / 6, block=735))
    track = pitch_track(np.concatenate(pieces), periods=1)
    assert np.all(np.diff(track) > -0.5)  # it never falls back
    assert np.abs(np.diff(track)).max() < 4.0  # and slides: from one wave's period to the next, never a step
    assert track[-1] == pytest.approx(E4, abs=0.5)


# -- the sketches, heard --------------------------------------------------------------------------------------------
def samples_file(folder):
    """The C and E clusters as a samples file (the layout the sketches save: a note and its frequency)."""
    data = [
        {"xs": {"x": x, "y": y}, "ys": {"label": note, "frequency": hz}}
        for note, hz, points in (("C", C4, C_POINTS), ("E", E4, E_POINTS))
        for x, y in points
    ]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "samples.json").write_text(json.dumps({"data": data}))
    return folder / "samples.json"


def along(start, end, t):
    return start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t


def drag(start, end, moves, after=5):
    """`after` frames, press at `start`, move to `end` in `moves` steps (one a frame), let go; two moves after it
    hear nothing."""
    actions = [{"type": "mouse_down", "x": start[0], "y": start[1], "button": 1, "after": after}]
    for step in range(1, moves + 1):
        x, y = along(start, end, step / moves)
        actions.append({"type": "mouse_move", "x": round(x, 1), "y": round(y, 1)})
    actions.append({"type": "mouse_up", "x": end[0], "y": end[1], "button": 1})
    return actions + [{"type": "mouse_move", "x": end[0] + 9, "y": end[1] + 9} for _ in range(2)]


def heard_run(sketch, folder, actions):
    """The sketch trained on the C and E clusters (from a file: no click sounds before the drags), the popup put
    away, then `actions`; returns the run and the audio its speakers got (first channel)."""
    raw = folder / "out.raw"
    run = run_sketch(
        sketch,
        TRAINED + key("p") + actions + [{"type": "wait", "for": "idle", "after": 40}],
        folder,
        "--load",
        samples_file(folder),
        "--seed",
        "1",
        env={"SDL_AUDIODRIVER": "disk", "SDL_DISKAUDIOFILE": str(raw)},
    )
    assert run.returncode == 0, run.output
    audio = np.frombuffer(raw.read_bytes(), dtype=np.int16).reshape(-1, 2)[:, 0].astype(np.float64)
    return run, audio


def sounding(audio, quiet=50, gap=SAMPLE_RATE // 5):
    """The (start, end) of each stretch of sound, stretches apart by at least `gap` samples of silence."""
    loud = np.flatnonzero(np.abs(audio) > quiet)
    breaks = np.flatnonzero(np.diff(loud) > gap)
    return list(zip(loud[np.r_[0, breaks + 1]], loud[np.r_[breaks, len(loud) - 1]]))


def sound_offset(audio, drag):
    """Where the voice's count of samples stands in the captured sound: found at the release, the last moment the
    steady tone is still at full loudness (the sound device's thread counts both, so however slow a frame, this
    holds for the whole drag)."""
    end = sounding(audio)[0][1]
    tail = np.abs(audio[end - SAMPLE_RATE // 2 : end])  # the last steady tone, then its fade
    released = end - SAMPLE_RATE // 2 + np.flatnonzero(tail >= 0.95 * tail.max())[-1]
    return released - drag["released"]


def pitch_track(sound, periods=8):
    """The pitch, period by period (the wave crosses zero upward once a period), averaged over `periods`."""
    ups = np.flatnonzero((sound[:-1] < 0) & (sound[1:] >= 0))
    exact = ups + sound[ups] / (sound[ups] - sound[ups + 1])  # where between two samples it crossed
    hz = SAMPLE_RATE / np.diff(exact)
    return np.convolve(hz, np.ones(periods) / periods, mode="valid")


def leans_to_e(pixel, c_tint, e_tint, paper=(246, 246, 242)):
    """Whether the map's pixel is tinted from the paper towards E's colour rather than C's (near the border both
    fade towards the paper, each keeping its own direction)."""
    towards = np.subtract(pixel, paper)
    cosines = [
        towards @ np.subtract(tint, paper) / (np.linalg.norm(np.subtract(tint, paper)) + 1e-9)
        for tint in (c_tint, e_tint)
    ]
    return cosines[1] > cosines[0]


def test_a_drag_from_c_to_e_is_heard_changing_where_the_decision_map_changes(tmp_path):
    moves = 90
    later = drag((300, 480), (420, 480), 10, after=60)  # a second drag, a second later: the first one's trail goes
    run, audio = heard_run("classification", tmp_path, drag(START, END, moves) + later + key("v"))
    drags = run.state["drag"]["drags"]
    first, second = (drag["heard"] for drag in drags)
    assert len(first) == moves and len(second) == 10  # every move while the button was held, none after
    assert len(run.state["predictions"]) == 2  # each press predicted once, as a click does
    labels = [answer["label"] for answer in first]
    change = labels.index("E")
    assert labels == ["C"] * change + ["E"] * (moves - change) and 10 < change < moves - 10

    # Where it was heard changing is where the decision map changes along the drag (its trail is gone from there).
    screen = pygame.image.load(str(run.screenshot))
    line = [screen.get_at(tuple(round(v) for v in along(START, END, t)))[:3] for t in np.linspace(0, 1, 631)]
    c_tint, e_tint = line[126], line[504]  # a fifth of the way in from each end: well inside each region
    map_change = next(i for i, pixel in enumerate(line) if leans_to_e(pixel, c_tint, e_tint)) / 630
    assert map_change == pytest.approx((change + 0.5) / moves, abs=2 / moves)
    assert np.linalg.norm(np.subtract(c_tint, (213, 94, 0))) > 40  # the map's tint, not the trail's C
    trail = screen.get_at((360, 480))[:3]  # the second drag's trail: its answer's own colour
    assert trail == tuple({"C": (213, 94, 0), "E": (240, 228, 66)}[second[5]["label"]])
    assert all(drag["released"] > drag["heard"][-1]["frame"] for drag in drags)  # let go after the last move

    # The sound: C, then E, changing where the answer changed, with no click and no gap.
    onset, end = sounding(audio)[0]
    offset = sound_offset(audio, drags[0])
    first_move, last_move = first[0]["frame"] + offset, first[-1]["frame"] + offset
    windows = range(first_move, last_move - 2048, 512)
    e_from = next(start for start in windows if abs(peak_frequency(audio[start : start + 2048]) - E4) < 8) + 1024
    # Heard turning to E within 0.1 s of the move that turned the answer to E (half a window, the glide, a round).
    assert e_from == pytest.approx(first[change]["frame"] + offset, abs=SAMPLE_RATE // 10)
    assert peak_frequency(audio[first_move + 2048 : e_from - 2048]) == pytest.approx(C4, abs=1.5)
    assert peak_frequency(audio[e_from + 2048 : last_move]) == pytest.approx(E4, abs=1.5)
    assert np.abs(np.diff(audio[onset:end])).max() < CLICK
    blocks = np.abs(audio[first_move:last_move][: (last_move - first_move) // 512 * 512]).reshape(-1, 512)
    assert blocks.max(axis=1).min() > 500  # never a gap: quieter and wavering at the border, never silent


def test_a_regression_drag_between_two_clusters_glides_up(tmp_path):
    moves = 150
    run, audio = heard_run("regression", tmp_path, drag(START, END, moves))
    (drag_made,) = run.state["drag"]["drags"]
    first = drag_made["heard"]
    answers = [answer["frequency"] for answer in first]
    assert answers[0] < 275 and answers[-1] > 315 and np.all(np.diff(answers) > -0.5)  # the network's answers rise
    onset, end = sounding(audio)[0]
    offset = sound_offset(audio, drag_made)
    click_rings = round(0.7 * SAMPLE_RATE)  # the press's own tone (a click predicts once) rings 0.6 s
    track = pitch_track(audio[onset + click_rings : first[-1]["frame"] + offset])
    assert np.all(np.diff(track) > -0.5)  # rises monotonically
    assert np.abs(np.diff(track)).max() < 3.0  # gliding, never stepping
    assert track[-1] == pytest.approx(answers[-1], abs=2.0) and track[0] < track[-1] - 30
    assert np.abs(np.diff(audio[onset:end])).max() < CLICK


def test_before_training_a_drag_hears_nothing_and_the_click_collects(tmp_path):
    actions = drag((400, 400), (520, 440), 12)
    run = run_sketch("classification", actions, tmp_path, "--load", samples_file(tmp_path))
    assert run.returncode == 0, run.output
    assert run.state["mode"] == "collecting" and run.state["drag"]["drags"] == []
    assert len(run.state["samples"]) == len(C_POINTS) + len(E_POINTS) + 1  # the press added a sample, as a click
    assert "drag" not in run.state["click"]  # the bar tells what a click does; a drag does nothing yet


def test_with_no_audio_device_a_drag_goes_on_silently(tmp_path):
    actions = TRAINED + key("p") + drag(START, END, 20)
    run = run_sketch(
        "classification",
        actions,
        tmp_path,
        "--load",
        samples_file(tmp_path),
        "--seed",
        "1",
        env={"SDL_AUDIODRIVER": "no-such-driver"},
    )
    assert run.returncode == 0, run.output
    assert not run.state["audio"]["available"] and run.state["audio"]["notice"].startswith("no sound:")
    (made,) = run.state["drag"]["drags"]
    assert [answer["label"] for answer in made["heard"]][::19] == ["C", "E"]  # it answered, and drew its trail
    assert {answer["frame"] for answer in made["heard"]} == {0} and made["released"] == 0  # no sound: no samples


def test_a_speaker_with_no_audio_device_holds_and_lets_go_silently():
    code = (
        "from mlcore.notes.audio import Speaker; s = Speaker(); s.hold(440.0, 0.5, 0.3); s.let_go(); "
        "print(s.available, s.voice, s.frames)"
    )
    env = dict(os.environ, SDL_AUDIODRIVER="no-such-driver", PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["False", "None", "0"]
