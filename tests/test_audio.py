"""Tones: their pitch, their envelope, and what the speakers really receive."""

import os
import subprocess
import sys

import numpy as np
import pytest

from mlcore.notes import pitches as notes
from mlcore.notes.audio import SAMPLE_RATE, peak_frequency, synthesize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_equal_temperament():
    assert notes.frequency("A") == pytest.approx(440.0)
    assert notes.frequency("C") == pytest.approx(261.63, abs=0.01)
    assert notes.frequency("B") == pytest.approx(493.88, abs=0.01)
    assert notes.frequency("C", octave=5) == pytest.approx(523.25, abs=0.01)


def test_nearest_note_and_cents():
    assert notes.nearest_note(440.0)[:2] == ("A", 4)
    name, octave, cents = notes.nearest_note(347.0)
    assert (name, octave) == ("F", 4) and cents == pytest.approx(-11.1, abs=0.2)  # F4 is 349.23 Hz
    assert notes.nearest_note(261.63)[:2] == ("C", 4)


def test_synthesised_c4_peaks_at_261_6_hz():
    samples = synthesize(notes.frequency("C"))
    assert samples.dtype == np.int16 and samples.shape[1] == 2
    assert peak_frequency(samples) == pytest.approx(261.63, abs=1.0)


def test_envelope_starts_and_ends_silent():
    samples = synthesize(440.0)[:, 0].astype(float)
    assert abs(samples[0]) < 50 and abs(samples[-1]) < 50  # no click at either end
    assert np.abs(samples).max() > 5000  # but clearly audible in between
    assert np.abs(np.diff(samples[:200])).max() < 2500  # the attack ramps, it does not jump


def _capture(code, tmp_path):
    """Run `code` with SDL's disk audio driver; returns the int16 stereo samples it wrote."""
    raw = tmp_path / "out.raw"
    env = dict(os.environ, SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(raw), SDL_DISKAUDIODELAY="0", PYTHONPATH=ROOT)
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
    return np.frombuffer(raw.read_bytes(), dtype=np.int16).reshape(-1, 2)


def test_speaker_plays_the_frequency_asked(tmp_path):
    code = (
        "import time, pygame; from mlcore.notes.audio import Speaker; s = Speaker(); assert s.available, s.notice; "
        "s.play(261.63); time.sleep(1.0)"
    )
    samples = _capture(code, tmp_path)
    sounding = np.flatnonzero(np.abs(samples[:, 0]) > 500)
    assert len(sounding) > SAMPLE_RATE // 4, "the tone did not reach the audio device"
    loud = samples[sounding[0] : sounding[-1]]
    assert peak_frequency(loud) == pytest.approx(261.63, abs=1.0)


def test_no_audio_device_is_silent_with_a_notice(monkeypatch):
    code = (
        "from mlcore.notes.audio import Speaker; s = Speaker(); print(s.available); print(s.notice); "
        "print(s.play(440.0))"
    )
    env = dict(os.environ, SDL_AUDIODRIVER="no-such-driver", PYTHONPATH=ROOT)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60).stdout
    available, notice, played = out.strip().split("\n")
    assert available == "False" and played == "False"
    assert notice.startswith("no sound:")
