"""Make the README's screenshots: each sketch runs headless through a short replay and saves its last frame.

python scripts/screenshots.py            # writes assets/screenshots/*.png
"""

import json
import os
import shutil
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
    # The popup keeps its curves until P gives the canvas its room back; the shots of the popup press P again.
    trained = [{"type": "wait", "until": {"popup.epochs_shown": 200, "mode": "predicting"}, "timeout_s": 120}]
    actions += key("t") + trained + key("p") + key("v")
    for x, y in predictions:
        actions += click(x, y)
    return actions


def drag_through(points, moves=30):
    """Press at the first point, drag through the others (`moves` moves from each to the next), let go."""
    (x, y), actions = points[0], [{"type": "mouse_down", "x": points[0][0], "y": points[0][1]}]
    for x1, y1 in points[1:]:
        for step in range(1, moves + 1):
            actions.append({"type": "mouse_move", "x": x + (x1 - x) * step / moves, "y": y + (y1 - y) * step / moves})
        x, y = x1, y1
    return actions + [{"type": "mouse_up", "x": x, "y": y}]


def noise_demo():
    """Two runs (colour histograms, then EfficientNet-Lite0), then Noise or bias? on one test image."""
    os.environ.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    sys.path.insert(0, str(ROOT))
    from sketches.image_classifier import app  # its geometry only: the sketch runs in its own process

    _, features, training, _, deployment = app.pages
    tab = {name: app.tabs[number].rect.center for number, name in ((1, "features"), (2, "training"), (4, "deployment"))}

    def done(**until):
        return [{"type": "wait", "until": {"idle": True, **until}, "timeout_s": 600, "after": 2}]

    return (
        done(**{"training.status": "done"})
        + click(*tab["features"])
        + click(*features.button_center("efficientnet_lite0"))
        + click(*tab["training"])
        + click(*training.button_center("Train"))
        + done(**{"features.name": "efficientnet_lite0"})
        + click(*tab["deployment"])
        + click(*deployment.test_grid.item_center(9))
        + click(*deployment.button_center("Noise or bias?"))
        + done(**{"noise_or_bias.check.item": ["test", 9]})
    )


def new_dataset_demo():
    """New dataset, folders of pictures played as the camera (no webcam here): two classes named and recorded,
    the second after picking its folder in the camera picker."""
    os.environ.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    sys.path.insert(0, str(ROOT))
    from sketches.image_classifier import app  # its geometry only: the sketch runs in its own process

    view = app.collector

    def typed(text):
        return [action for character in text for action in key(character)]

    def record(frames):
        return [{"type": "key_down", "key": "r", "after": 2}, {"type": "key_up", "key": "r", "after": frames}]

    running = [{"type": "wait", "until": {"camera.status": "running"}, "timeout_s": 60, "after": 5}]
    return (
        running
        + click(*view.button_center("name"))
        + typed("banana")
        + key("return")
        + record(40)
        + click(*view.picker.button_center("file"))
        + typed("apple")
        + key("return")
        + running
        + click(*view.button_center("name"))
        + typed("apple")
        + key("return")
        + record(40)
        + [{"type": "wait", "until": {"idle": True}, "timeout_s": 60, "after": 10}]
    )


def fruit_folders(folder):
    """Pictures of bananas, and of apples, in two folders: what the camera picker plays when no webcam is there."""
    import cv2
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from mlcore.data.builtin import render

    rng = np.random.default_rng(7)
    for fruit in ("banana", "apple"):
        pictures = Path(folder, fruit)
        pictures.mkdir()
        for i in range(12):
            cv2.imwrite(str(pictures / f"{i:03d}.png"), cv2.cvtColor(render(fruit, rng), cv2.COLOR_RGB2BGR))
    return "banana"


IMAGES = ["--dataset", "builtin", "--features", "efficientnet_lite0", "--train", "--quit-when-idle"]
SHOTS = {
    "classification": ("classification", notes_demo([(300, 300), (640, 330), (560, 130)]), []),
    "classification-training": ("classification", notes_demo([]) + key("p"), []),
    "regression": ("regression", notes_demo([(330, 330), (620, 300), (480, 160)]), []),
    "classification-drag": ("classification", notes_demo([]) + drag_through([(180, 170), (470, 430), (760, 190)]), []),
    "classification-projector": ("classification", notes_demo([(300, 300), (640, 330)]) + key("p"), ["--projector"]),
    "image-testing-projector": ("image_classifier", None, IMAGES + ["--page", "Testing", "--projector"]),
    "image-data": ("image_classifier", None, IMAGES + ["--page", "Data"]),
    "image-training": ("image_classifier", None, IMAGES + ["--page", "Training"]),
    "image-testing": ("image_classifier", None, IMAGES + ["--page", "Testing"]),
    "image-deployment": ("image_classifier", None, IMAGES + ["--page", "Deployment", "--predict", "{banana}"]),
    "image-new-dataset": ("image_classifier", new_dataset_demo, ["--camera", "{fruit}", "--collection", "mine"]),
    "image-noise-or-bias": (
        "image_classifier",
        noise_demo,
        ["--features", "color_histogram", "--train", "--epochs", "5"],
    ),
}


def report_shot(env, size="1000,1500"):
    """K after the notes demo, then the report's report.html as a browser shows it (headless Chromium)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        print("no Chromium: the report's picture is left as it is")
        return
    with tempfile.TemporaryDirectory() as folder:
        replay = Path(folder, "replay.jsonl")
        actions = notes_demo([(300, 300), (640, 330)]) + key("k") + [{"type": "wait", "for": "idle", "after": 2}]
        replay.write_text("".join(json.dumps(a) + "\n" for a in actions))
        command = [sys.executable, "-m", "sketches.classification", "--headless", "--seed", "1"]
        subprocess.run(command + ["--replay", str(replay), "--quit-after-replay"], cwd=folder, env=env, check=True)
        [report] = Path(folder).glob("classification-report-*/report.html")
        picture = OUT / "report.png"
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--hide-scrollbars",
                f"--window-size={size}",
                f"--screenshot={picture}",
                report.as_uri(),
            ],
            check=True,
            capture_output=True,
        )
    print("wrote", picture)


def banana_photo(folder):
    """A new picture for the Deployment page: a generated banana the model never saw."""
    import cv2
    import numpy as np

    sys.path.insert(0, str(ROOT))
    from mlcore.data.builtin import render

    path = Path(folder, "banana.png")
    cv2.imwrite(str(path), cv2.cvtColor(render("banana", np.random.default_rng(2024)), cv2.COLOR_RGB2BGR))
    return str(path)


def main(names=()):
    """Make every screenshot, or only those named (`python scripts/screenshots.py image-noise-or-bias`)."""
    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(ROOT), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    cache = tempfile.mkdtemp()  # features computed once, for all the image classifier's pictures
    for name, (sketch, actions, extra) in SHOTS.items():
        if names and name not in names:
            continue
        actions = actions() if callable(actions) else actions
        with tempfile.TemporaryDirectory() as folder:
            command = [
                sys.executable,
                "-m",
                f"sketches.{sketch}",
                "--headless",
                "--seed",
                "1",
                "--screenshot",
                str(OUT / f"{name}.png"),
            ]
            if actions:
                replay = Path(folder, "replay.jsonl")
                replay.write_text("".join(json.dumps(a) + "\n" for a in actions))
                command += ["--replay", str(replay), "--quit-after-replay"]
            made = {"{banana}": banana_photo, "{fruit}": fruit_folders}
            extra = [made[argument](folder) if argument in made else argument for argument in extra]
            subprocess.run(command + extra, cwd=folder, env=dict(env, ML_SKETCHES_CACHE=cache), check=True)
        print("wrote", OUT / f"{name}.png")
    if not names or "report" in names:
        report_shot(env)


if __name__ == "__main__":
    main(sys.argv[1:])
