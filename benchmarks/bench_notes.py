"""Speed of the two note sketches: first frame, frames while training, training time, decision and pitch maps.

    python benchmarks/bench_notes.py

Prints one line per figure with the target it is measured against. Figures on a shared machine are noisy: each is
the median (or the worst, where the target is a maximum) over several runs.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

BARE_PYGAME = """
import pygame
pygame.display.init()
screen = pygame.display.set_mode((960, 600))
screen.fill((246, 246, 242))
pygame.display.flip()
"""


def wall(command, runs=7):
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)), check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def first_frame():
    bare = wall([sys.executable, "-c", BARE_PYGAME])
    results = {}
    for sketch in ("classification", "regression"):
        results[sketch] = wall([sys.executable, "-m", f"sketches.{sketch}", "--headless", "--max-frames", "1"])
    print(f"one-frame run: bare pygame {bare * 1000:.0f} ms", end="")
    for sketch, seconds in results.items():
        print(f", {sketch} {seconds * 1000:.0f} ms ({seconds / bare:.2f}x)", end="")
    print("   target: at most 2x")


def sixty_points():
    actions = [{"type": "key_down", "key": "a", "after": 200}]  # ~3 s: torch has loaded in the background
    for index, note in enumerate("ceg"):
        actions.append({"type": "key_down", "key": note})
        for i in range(20):
            x, y = 150 + 300 * index + (i % 5) * 12, 150 + 100 * index + (i // 5) * 12
            actions += [{"type": "mouse_down", "x": x, "y": y}, {"type": "mouse_up", "x": x, "y": y}]
        actions.append({"type": "key_up", "key": note})
    return actions + [
        {"type": "key_down", "key": "t"},
        {"type": "key_up", "key": "t"},
        {"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120},
    ]


def frames_while_training(runs=3):
    for sketch in ("classification", "regression"):
        worst, p95s, counts, overall = [], [], [], []
        for _ in range(runs):
            with tempfile.TemporaryDirectory() as folder:
                replay, state = Path(folder, "replay.jsonl"), Path(folder, "state.json")
                replay.write_text("".join(json.dumps(a) + "\n" for a in sixty_points()))
                subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        f"sketches.{sketch}",
                        "--headless",
                        "--replay",
                        str(replay),
                        "--quit-after-replay",
                        "--state-json",
                        str(state),
                    ],
                    cwd=folder,
                    check=True,
                    env=dict(os.environ, PYTHONPATH=str(ROOT)),
                    capture_output=True,
                )
                timing = json.loads(state.read_text())["timing"]
            worst.append(timing["frame_ms_max_while_training"])
            p95s.append(timing["frame_ms_p95_while_training"])
            counts.append(timing["frames_while_training"])
            overall.append(timing["frame_ms_max"])
        print(
            f"{sketch}: frames while training 60 points: max {max(worst):.1f} ms (runs: "
            f"{', '.join(f'{w:.1f}' for w in worst)}), p95 {statistics.median(p95s):.1f} ms, "
            f"{statistics.median(counts)} frames   targets: max < 50 ms, p95 < 25 ms"
        )
        print(
            f"{sketch}: worst frame of the whole run, the one-time torch import after the first frame included: "
            f"{max(overall):.0f} ms"
        )


def training_and_maps(runs=7):
    import numpy as np

    from mlcore.ml.models import MLPClassifier, MLPRegressor
    from mlcore.ml.neural_network import NeuralNetwork
    from mlcore.notes.canvas import NoteCanvas
    from mlcore.notes.maps import MAP_CELLS

    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(centre, 25, size=(20, 2)) for centre in ((150, 150), (700, 200), (450, 450))])
    y = ["C"] * 20 + ["E"] * 20 + ["G"] * 20
    hz = [261.63] * 20 + [329.63] * 20 + [392.0] * 20
    options = dict(
        hidden_layers=[16],
        learning_rate=0.05,
        epochs=200,
        batch_size=16,
        validation_split=0.2,
        input_bounds=[(0, 0), (960, 600)],
    )
    for name, model_class, targets in (("classification", MLPClassifier, y), ("regression", MLPRegressor, hz)):
        model_class(**options, seed=0).fit(X, targets)  # warm up torch
        times = []
        for seed in range(runs):
            start = time.perf_counter()
            model_class(**options, seed=seed).fit(X, targets)
            times.append(time.perf_counter() - start)
        print(
            f"{name}: 200 epochs on 60 points: median {statistics.median(times) * 1000:.0f} ms, "
            f"worst {max(times) * 1000:.0f} ms   target: < 1000 ms"
        )

    import pygame

    pygame.display.init()
    pygame.display.set_mode((960, 600))
    for task, targets in (("classification", y), ("regression", hz)):
        canvas = NoteCanvas(task, 960, 600)
        network = NeuralNetwork(task, seed=0, input_bounds=canvas.bounds)
        for (px, py), label, target in zip(X, y, targets):
            canvas.add_sample(px, py, label)
            network.add_data([px, py], target)
        network.train(200).wait()
        times = []
        for _ in range(20):
            canvas.map.forget()  # force a full refresh: predictions, colours, scaling
            start = time.perf_counter()
            canvas.map.surface_for(network.model, lambda model, grid: canvas.task.map_colours(model, grid, canvas))
            times.append(time.perf_counter() - start)
        what = "decision map" if task == "classification" else "pitch map"
        print(
            f"{what} ({MAP_CELLS[0]}x{MAP_CELLS[1]} cells): median {statistics.median(times) * 1000:.1f} ms, "
            f"worst {max(times) * 1000:.1f} ms   target: < 15 ms"
        )


if __name__ == "__main__":
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores")
    parts = sys.argv[1:] or ["first_frame", "training_and_maps", "frames_while_training"]
    for part in parts:
        globals()[part]()
