"""How long K holds the window: the report is drawn and written on the draw loop, between two frames.

    python benchmarks/bench_report.py

Prints the median (and the worst) of several writes for a note sketch's report (the canvas with 60 samples, the
two curves of a 200-epoch training at twice the screen's resolution, the tables and the samples) and for the image
classifier's (the built-in dataset, colour histograms, a trained model: 17 pictures), against a target: a pause
a class barely notices.
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from mlcore.image_app import lesson_report as image_report  # noqa: E402
from mlcore.image_engine.pipeline import ImagePipeline  # noqa: E402
from mlcore.notes import lesson_report as note_report  # noqa: E402
from mlcore.notes.canvas import NoteCanvas  # noqa: E402
from mlcore.notes.tasks import TASKS  # noqa: E402

TARGET_NOTES_S, TARGET_IMAGES_S = 0.5, 1.5
RUNS = 5


def timed(write, runs=RUNS):
    """(median, worst) seconds of `write()`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        write()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def note_canvas_report(folder):
    canvas = NoteCanvas("classification", 960, 600)
    rng = np.random.default_rng(0)
    for number in range(60):
        canvas.add_sample(rng.uniform(50, 900), rng.uniform(60, 540), "CDEFGAB"[number % 7])
    history = {key: list(np.linspace(1, 0.1, 200)) for key in ("loss", "val_loss", "accuracy", "val_accuracy")}

    def write():
        report = note_report.build(canvas)
        for name, png in note_report.curve_pictures(history, TASKS["classification"](), 200):
            report.figure(name, png, name, density=2)
        report.write("classification", [folder])

    return timed(write)


def image_report_write(folder):
    pipeline = ImagePipeline()
    pipeline.params.update(epochs=10, hidden_layers=[32], seed=0)
    pipeline.features_name = "color_histogram"
    pipeline.run_all("builtin").wait()
    return timed(lambda: image_report.build(pipeline).write("image_classifier", [folder]))


def main():
    pygame.display.init()
    pygame.display.set_mode((960, 600))
    with tempfile.TemporaryDirectory() as folder:
        median, worst = note_canvas_report(Path(folder))
        print(
            f"note sketch's report (K): median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms   "
            f"target: at most {TARGET_NOTES_S * 1000:.0f} ms"
        )
        median, worst = image_report_write(Path(folder))
        print(
            f"image classifier's report (K): median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms   "
            f"target: at most {TARGET_IMAGES_S * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
