"""Make the README's screenshots: each sketch runs headless through a short replay and saves its last frame.

    python scripts/screenshots.py            # writes assets/screenshots/*.png
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "screenshots"


def click(x, y):
    return [{"type": "mouse_down", "x": x, "y": y}, {"type": "mouse_up", "x": x, "y": y}]


def key(name, after=1):
    return [{"type": "key_down", "key": name, "after": after}, {"type": "key_up", "key": name}]


def notes_demo(predictions):
    """Three notes placed in clusters, training, the map on, a few predictions."""
    actions = []
    for note, (cx, cy) in (("c", (180, 170)), ("e", (760, 190)), ("g", (470, 450))):
        actions.append({"type": "key_down", "key": note})
        for dx, dy in ((0, 0), (28, 12), (-22, 20), (14, -26), (-30, -10), (24, 34)):
            actions += click(cx + dx, cy + dy)
        actions.append({"type": "key_up", "key": note})
    actions += key("t") + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}] + key("v")
    for x, y in predictions:
        actions += click(x, y)
    return actions


SHOTS = {
    "classification": ("classification", notes_demo([(300, 300), (640, 330), (560, 130)]), []),
    "classification-training": ("classification", notes_demo([]) + key("p"), []),
    "regression": ("regression", notes_demo([(330, 330), (620, 300), (480, 160)]), []),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    for name, (sketch, actions, extra) in SHOTS.items():
        with tempfile.TemporaryDirectory() as folder:
            replay = Path(folder, "replay.jsonl")
            replay.write_text("".join(json.dumps(a) + "\n" for a in actions))
            command = [sys.executable, "-m", f"sketches.{sketch}", "--headless", "--seed", "1", "--replay",
                       str(replay), "--quit-after-replay", "--screenshot", str(OUT / f"{name}.png"), *extra]
            subprocess.run(command, cwd=folder, env=env, check=True)
        print("wrote", OUT / f"{name}.png")


if __name__ == "__main__":
    main()
