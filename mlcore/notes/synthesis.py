"""Sound as numbers, with no pygame: the short tones of a click, and one continuous tone that follows a moving
target, the sound of a drag across the canvas. Tests analyse what these give without a sound device.

The continuous tone (`Voice`): a phase accumulator keeps its wave continuous whatever the pitch does, and the pitch
(in octaves), the loudness and the tremolo's depth each glide towards their target with a time constant of a few
milliseconds: a change of note never clicks, a run of regression answers becomes one glide. The sound device's thread calls `render`; the draw loop
only sets targets (`play`, `release`), so neither ever waits for the other.
"""

import math

import numpy as np

SAMPLE_RATE = 44100
VOLUME = 0.35  # a tone's peak, as a share of full scale
HARMONIC = 0.2  # the soft second harmonic, as a share of the fundamental


def envelope(count, sample_rate=SAMPLE_RATE, attack=0.01, decay=0.08, sustain=0.7, release=0.15):
    """Attack, decay, sustain, release: a gentle start and end, so a tone never clicks."""
    a, d, r = (int(seconds * sample_rate) for seconds in (attack, decay, release))
    a, d = max(a, 1), max(d, 1)
    s = max(count - a - d - r, 0)
    shape = np.concatenate(
        [
            np.linspace(0, 1, a, endpoint=False),
            np.linspace(1, sustain, d, endpoint=False),
            np.full(s, sustain),
            np.linspace(sustain, 0, max(r, 1)),
        ]
    )
    return shape[:count] if len(shape) >= count else np.pad(shape, (0, count - len(shape)))


def synthesize(frequency, duration=0.6, sample_rate=SAMPLE_RATE, volume=VOLUME, channels=2):
    """A sine tone with a soft second harmonic, as 16-bit samples shaped (n, channels)."""
    t = np.arange(int(duration * sample_rate)) / sample_rate
    wave = np.sin(2 * np.pi * frequency * t) + HARMONIC * np.sin(4 * np.pi * frequency * t)
    wave *= envelope(len(t), sample_rate) * volume / (1 + HARMONIC)
    samples = np.round(wave * 32767).astype(np.int16)
    return np.repeat(samples[:, None], channels, axis=1)


def peak_frequency(samples, sample_rate=SAMPLE_RATE):
    """The strongest frequency in a recording (mono or the first channel), refined between FFT bins."""
    samples = np.asarray(samples, dtype=np.float64)
    if samples.ndim == 2:
        samples = samples[:, 0]
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    k = int(np.argmax(spectrum[1:])) + 1
    if 0 < k < len(spectrum) - 1:  # parabolic interpolation of the peak on a log scale
        a, b, c = np.log(spectrum[k - 1 : k + 2] + 1e-12)
        k = k + 0.5 * (a - c) / (a - 2 * b + c)
    return k * sample_rate / len(samples)


GLIDE_SECONDS = 0.020  # the pitch's time constant: a note change is a quick slide, a run of answers a glide
ATTACK_SECONDS = 0.010  # how fast the loudness and the tremolo follow their targets
RELEASE_SECONDS = 0.060  # the fade when the button is let go
TREMOLO_HZ = 7.0  # the wavering of a hesitating answer
SILENT = 1e-4  # a loudness below this (and heading to 0) is silence


class Voice:
    """A tone whose pitch, loudness (0–1) and tremolo depth (0–1) glide to the last values `play` asked for."""

    def __init__(self, sample_rate=SAMPLE_RATE, glide=GLIDE_SECONDS, volume=VOLUME):
        self.sample_rate = sample_rate
        self.glide, self.volume = glide, volume
        self.target = (None, 0.0, 0.0)  # (Hz, loudness, tremolo): one tuple, replaced whole by the draw loop
        self.octaves = None  # the pitch now, log2 of Hz (None before the first note)
        self.loudness = self.tremolo = 0.0
        self.phase = self.tremolo_phase = 0.0
        self.frames = 0  # samples rendered so far: where in the sound each change lands

    def play(self, frequency, loudness=1.0, tremolo=0.0):
        """Glide to `frequency` Hz at `loudness`, wavering by `tremolo` (0: steady, 1: down to silence and back)."""
        self.target = (float(frequency), min(max(float(loudness), 0.0), 1.0), min(max(float(tremolo), 0.0), 1.0))

    def release(self):
        """Fade out (over about RELEASE_SECONDS); the pitch stays where it was."""
        self.target = (self.target[0], 0.0, 0.0)

    @property
    def sounding(self):
        return self.target[1] > 0 or self.loudness > SILENT

    def render(self, count):
        """The next `count` samples, floats within ±volume (None while silent: nothing to add)."""
        frequency, loudness, tremolo = self.target  # read once: the draw loop may replace it meanwhile
        self.frames += count
        if frequency is None or not self.sounding:
            self.loudness = 0.0
            return None
        if self.octaves is None:
            self.octaves = math.log2(frequency)  # the first note starts on its pitch, from silence
        steps = np.arange(1, count + 1)
        octaves = self._towards("octaves", math.log2(frequency), self.glide, steps)
        level = self._towards("loudness", loudness, ATTACK_SECONDS if loudness else RELEASE_SECONDS, steps)
        depth = self._towards("tremolo", tremolo, ATTACK_SECONDS, steps)
        phase = self.phase + np.cumsum(2 * np.pi * np.exp2(octaves) / self.sample_rate)
        wobble = self.tremolo_phase + 2 * np.pi * TREMOLO_HZ * steps / self.sample_rate
        self.phase, self.tremolo_phase = phase[-1] % (2 * np.pi), wobble[-1] % (2 * np.pi)
        if not loudness and self.loudness < SILENT:
            self.loudness = 0.0  # the fade has reached silence: its last samples are below one 16-bit step
        gain = level * (1 - depth * 0.5 * (1 - np.cos(wobble)))
        wave = (np.sin(phase) + HARMONIC * np.sin(2 * phase)) / (1 + HARMONIC)
        return wave * gain * self.volume

    def _towards(self, name, target, seconds, steps):
        """The attribute `name` moving towards `target` with time constant `seconds`, one value per step (a one-pole
        smoothing, exact for a target held through the block); the attribute keeps the last value."""
        now = getattr(self, name)
        values = target + (now - target) * np.exp(-steps / (seconds * self.sample_rate))
        setattr(self, name, float(values[-1]))
        return values
