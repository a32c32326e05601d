"""Sound through pygame's mixer: the short tones of clicks, and the continuous voice of a drag added to what the
mixer plays, in the sound device's own thread.

The numbers themselves come from `synthesis` (no sound device needed: tests analyse them). `Speaker` plays them; on
a machine with no audio device it stays silent, says so once in `notice`, and never raises.
"""

import atexit

import numpy as np

from mlcore.notes.synthesis import SAMPLE_RATE, Voice, peak_frequency, synthesize  # noqa: F401 (tests use them here)

BUFFER = 512  # samples per round of the mixer: 11.6 ms at 44.1 kHz, the longest a drag's change waits to be heard
STREAM_TYPES = {-16: (np.int16, 32767.0), 32: (np.float32, 1.0)}  # the mixer's sample sizes the voice can join
_voice = None  # the voice the mixer adds after its tones: one per process, as there is one mixer


class Speaker:
    """Plays tones through pygame's mixer, or stays silent with a notice when there is no audio device."""

    def __init__(self, duration=0.6):
        self.duration = duration
        self.notice = ""
        self.format = None
        self.voice = None
        self._cache = {}
        try:
            import pygame

            if not pygame.mixer.get_init():
                pygame.mixer.init(frequency=SAMPLE_RATE, size=-16, channels=2, buffer=BUFFER)
            self.format = pygame.mixer.get_init()  # (rate, size, channels): what the device really gave us
            if self.format is None:
                raise RuntimeError("the mixer did not start")
            pygame.mixer.set_num_channels(16)
        except Exception as error:  # no device, no driver, busy device: all mean silence, not a crash
            self.format = None
            self.notice = f"no sound: {str(error) or type(error).__name__} (the sketch works silently)"
            return
        self.voice = streamed_voice(*self.format)
        if self.voice is None:
            self.notice = "no sound while dragging: this sound device's format is not one the voice can join"

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

    def hold(self, frequency, loudness=1.0, tremolo=0.0):
        """The drag's voice glides to `frequency` (returns at once: the device's thread renders it)."""
        if self.voice is not None:
            self.voice.play(frequency, loudness, tremolo)

    def let_go(self):
        """The drag's voice fades out."""
        if self.voice is not None:
            self.voice.release()

    @property
    def frames(self):
        """Samples the voice has rendered so far (0 without a voice): where in the sound a change lands."""
        return self.voice.frames if self.voice is not None else 0


def streamed_voice(rate, size, channels):
    """The process's voice, added by the mixer after its tones (installed once: pygame keeps one post-mix hook);
    None where the mixer's samples are of a size the voice cannot join."""
    global _voice
    if _voice is not None or size not in STREAM_TYPES:
        return _voice
    import pygame._sdl2.mixer

    sample_type, full_scale = STREAM_TYPES[size]
    voice = Voice(rate)

    def add_voice(postmix, memory):
        """In the sound device's thread: the voice's next samples added to the mixed tones, clipped."""
        stream = np.asarray(memory).view(sample_type).reshape(-1, channels)
        samples = voice.render(len(stream))
        if samples is not None:
            mixed = stream + samples[:, None] * full_scale
            stream[:] = np.clip(mixed, -full_scale, full_scale)

    pygame._sdl2.mixer.set_post_mix(add_voice)
    atexit.register(_close_mixer)  # before Python winds down: the device's thread must not call back into it
    _voice = voice
    return voice


def _close_mixer():
    import pygame

    pygame.mixer.quit()
