"""Drag to listen: how long a move waits to be heard, what the voice costs the sound device's thread, and what the
trail costs a frame.

    python benchmarks/bench_drag.py

Prints one line per figure with the target it is measured against (the worst of several runs where the target is a
maximum; figures on a shared machine are noisy).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from mlcore.notes.synthesis import SAMPLE_RATE, Voice  # noqa: E402

# In a process of its own (the mixer is one per process): the sizes of the rounds in which the mixer asks for sound.
ROUNDS = """
import time
from mlcore.notes.audio import Speaker
speaker = Speaker()
sizes, render = [], speaker.voice.render
speaker.voice.render = lambda count: sizes.append(count) or render(count)
speaker.hold(261.63)
time.sleep(1.0)
print(speaker.format[0], min(sizes), max(sizes), len(sizes))
"""


def mixer_rounds():
    """(sample rate, smallest round, largest round, rounds in a second) as the sound device asks for them."""
    environment = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", ROUNDS], env=environment, capture_output=True, text=True, check=True)
    return [int(value) for value in out.stdout.split()]


def render_ms(rounds=2000, size=512):
    """Milliseconds of the sound device's thread per round: the median and the worst, the voice gliding and
    wavering (a new answer every 2 rounds, as at 60 frames a second)."""
    voice = Voice()
    times = []
    for index in range(rounds):
        if index % 2 == 0:
            voice.play(261.63 + (index % 200) * 0.3, loudness=0.6, tremolo=0.5)
        start = time.perf_counter()
        voice.render(size)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times)), float(np.percentile(times, 99))


def trail_ms(points=600, frames=200):
    """Milliseconds a frame spends drawing a trail of `points` answers (a ten-second drag at 60 moves a second), its
    colour changing along it (a regression's glide: many runs of one colour, one line each)."""
    import pygame

    from mlcore.notes.listening import Listening

    pygame.display.init()
    screen = pygame.display.set_mode((960, 600))
    listening = Listening()
    listening.trail = [
        {"x": 100 + 760 * t, "y": 300 + 200 * np.sin(6 * t), "colour": [213, round(94 + 100 * t), 0]}
        for t in np.linspace(0, 1, points)
    ]
    times = []
    for _ in range(frames):
        start = time.perf_counter()
        listening.draw(screen, lambda x, y: (x, y))
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times))


def main():
    rate, smallest, largest, count = mixer_rounds()
    print(
        f"audio buffer from a move to the changed sound: {largest} samples = {1000 * largest / rate:.1f} ms "
        f"(target <= 30 ms; {count} rounds in a second, {smallest}-{largest} samples each)"
    )
    median, worst = render_ms()
    budget = 1000 * 512 / SAMPLE_RATE
    print(
        f"voice render per round of 512 samples: median {median:.3f} ms, 99th percentile {worst:.3f} ms "
        f"(target <= 1 ms of the round's {budget:.1f} ms)"
    )
    print(f"trail of 600 answers drawn: {trail_ms():.2f} ms a frame (target <= 2 ms of a 60 fps frame's 16.7 ms)")


if __name__ == "__main__":
    main()
