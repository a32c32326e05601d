"""How long K holds the window: the report's pictures are drawn on the draw loop, between two frames; their PNG
encoding and the files are done by a job in the background.

    python benchmarks/bench_report.py

For a note sketch's report (the canvas with 60 samples, the two curves of a 200-epoch training at twice the
screen's resolution, the tables and the samples) and for the image classifier's (the built-in dataset, colour
histograms, a trained model: 17 pictures), prints the median (and the worst) of several reports: the time on the
draw loop, against a target of a pause a class does not notice, and the time until the files are there.
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

TARGET_LOOP_S = 0.1  # on the draw loop: a few frames
RUNS = 5


def timed(build, folder, sketch, runs=RUNS):
    """[(median, worst)] seconds of `build()` plus starting the job (the draw loop's share), and until the job
    has written the files."""
    on_loop, whole = [], []
    for _ in range(runs):
        start = time.perf_counter()
        job = build().write_later(sketch, [folder])
        on_loop.append(time.perf_counter() - start)
        job.wait()
        whole.append(time.perf_counter() - start)
    return [(statistics.median(times), max(times)) for times in (on_loop, whole)]


def note_canvas_report(folder):
    canvas = NoteCanvas("classification", 960, 600)
    rng = np.random.default_rng(0)
    for number in range(60):
        canvas.add_sample(rng.uniform(50, 900), rng.uniform(60, 540), "CDEFGAB"[number % 7])
    history = {key: list(np.linspace(1, 0.1, 200)) for key in ("loss", "val_loss", "accuracy", "val_accuracy")}

    def build():
        report = note_report.build(canvas)
        for name, picture in note_report.curve_pictures(history, TASKS["classification"](), 200):
            report.figure(name, picture, name, density=2)
        return report

    return timed(build, folder, "classification")


def image_report_write(folder):
    pipeline = ImagePipeline()
    pipeline.params.update(epochs=10, hidden_layers=[32], seed=0)
    pipeline.features_name = "color_histogram"
    pipeline.run_all("builtin").wait()
    return timed(lambda: image_report.build(pipeline), folder, "image_classifier")


def main():
    pygame.display.init()
    pygame.display.set_mode((960, 600))
    with tempfile.TemporaryDirectory() as folder:
        for name, measure in (("note sketch", note_canvas_report), ("image classifier", image_report_write)):
            (median, worst), (written, _) = measure(Path(folder))
            print(
                f"{name}'s report (K): on the draw loop median {median * 1000:.0f} ms, worst {worst * 1000:.0f} ms"
                f" (files written after {written * 1000:.0f} ms)   target: at most {TARGET_LOOP_S * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()
