"""Tones synthesised with numpy and played through pygame's mixer.

`synthesize` needs no sound device (tests analyse its samples). `Speaker` plays them; on a machine with no audio
device it stays silent, says so once in `notice`, and never raises.
"""

import numpy as np

SAMPLE_RATE = 44100


def envelope(count, sample_rate=SAMPLE_RATE, attack=0.01, decay=0.08, sustain=0.7, release=0.15):
    """Attack, decay, sustain, release: a gentle start and end, so a tone never clicks."""
    a, d, r = (int(seconds * sample_rate) for seconds in (attack, decay, release))
    a, d = max(a, 1), max(d, 1)
    s = max(count - a - d - r, 0)
    shape = np.concatenate([np.linspace(0, 1, a, endpoint=False), np.linspace(1, sustain, d, endpoint=False),
                            np.full(s, sustain), np.linspace(sustain, 0, max(r, 1))])
    return shape[:count] if len(shape) >= count else np.pad(shape, (0, count - len(shape)))


def synthesize(frequency, duration=0.6, sample_rate=SAMPLE_RATE, volume=0.35, channels=2):
    """A sine tone with a soft second harmonic, as 16-bit samples shaped (n, channels)."""
    t = np.arange(int(duration * sample_rate)) / sample_rate
    wave = np.sin(2 * np.pi * frequency * t) + 0.2 * np.sin(4 * np.pi * frequency * t)
    wave *= envelope(len(t), sample_rate) * volume / 1.2
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
        a, b, c = np.log(spectrum[k - 1:k + 2] + 1e-12)
        k = k + 0.5 * (a - c) / (a - 2 * b + c)
    return k * sample_rate / len(samples)


class Speaker:
    """Plays tones through pygame's mixer, or stays silent with a notice when there is no audio device."""

    def __init__(self, duration=0.6):
        self.duration = duration
        self.notice = ""
        self.format = None
        self._cache = {}
        try:
            import pygame

            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=SAMPLE_RATE, size=-16, channels=2, buffer=512)
            self.format = pygame.mixer.get_init()  # (rate, size, channels): what the device really gave us
            if self.format is None:
                raise RuntimeError("the mixer did not start")
            pygame.mixer.set_num_channels(16)
        except Exception as error:  # no device, no driver, busy device: all mean silence, not a crash
            self.format = None
            self.notice = f"no sound: {str(error) or type(error).__name__} (the sketch works silently)"

    @property
    def available(self):
        return self.format is not None

    def play(self, frequency):
        """Start a tone (returns at once; tones overlap)."""
        if not self.available:
            return False
        import pygame

        key = round(frequency, 2)
        if key not in self._cache:
            rate, size, channels = self.format
            samples = synthesize(frequency, self.duration, sample_rate=rate, channels=channels)
            if channels == 1:
                samples = samples[:, 0].copy()
            if size == 8 or size == -8:  # rare devices; keep the tone audible
                samples = (samples // 256).astype(np.int8)
            if len(self._cache) > 64:
                self._cache.clear()
            self._cache[key] = pygame.sndarray.make_sound(np.ascontiguousarray(samples))
        self._cache[key].play()
        return True
