"""Feature extraction with the window open, against the same extraction with no window, in one run.

    python benchmarks/bench_extraction_window.py [--rounds 3]

The images: miniMASK's 90 from ../shared/datasets beside the project (the built-in dataset's 200 where that folder
is absent), EfficientNet-Lite0, the route the window uses (a process of its own that holds torch and ONNX Runtime).
Turn about, each round:
- no window: the engine in this script (`ImagePipeline` with the same worker process), as a notebook runs it;
- the window: `sketches.image_classifier --dataset … --features efficientnet_lite0 --page features` in a real window
  on a virtual X server (Debian's `xvfb`), its Features page drawing the progress, until it is idle.
Both read the images a second that the extraction itself measured (`features.images_per_second` in the state),
after a warm-up that exported the network into the cache. Each round starts with no cached vectors. The target:
the window's median at least 80 % of the no-window median.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATASETS = ROOT.parent / "shared" / "datasets"
NAME = "efficientnet_lite0"
DISPLAY = ":73"
TARGET = 0.80


def dataset_spec():
    path = DATASETS / "miniMASK_train.json"
    return (str(path), "miniMASK's 90 images") if path.exists() else ("builtin", "the built-in dataset's 200 images")


def without_window(spec, cache):
    """Images a second of one extraction by the engine in this process, its worker a process of its own."""
    from mlcore.image_engine.pipeline import ImagePipeline
    from mlcore.ml.trainer_process import TrainerProcess

    worker = TrainerProcess().start()
    worker.ready.wait(180)
    try:
        pipeline = ImagePipeline(cache_folder=cache, worker=worker)
        if pipeline.load(spec).wait() != "done" or pipeline.extract(NAME).wait() != "done":
            sys.exit(f"no-window extraction failed: {pipeline.job.error}")
        return pipeline.features_facts()["images_per_second"]
    finally:
        worker.close()


def with_window(spec, cache, folder):
    """Images a second of one extraction in the image classifier's window (a virtual X server)."""
    state = Path(folder, "state.json")
    command = [sys.executable, "-m", "sketches.image_classifier", "--dataset", spec, "--features", NAME]
    command += ["--page", "features", "--quit-when-idle", "--state-json", str(state)]
    env = dict(os.environ, DISPLAY=DISPLAY, PYTHONPATH=str(ROOT), ML_SKETCHES_CACHE=str(cache), HOME=str(folder))
    env.pop("SDL_VIDEODRIVER", None)
    subprocess.run(command, cwd=folder, env=env, check=True, capture_output=True, timeout=600)
    facts = json.loads(state.read_text())["features"]
    if not facts["ready"]:
        sys.exit(f"the window's extraction did not finish: {facts}")
    return facts["images_per_second"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    if shutil.which("Xvfb") is None:
        sys.exit("needs Debian's xvfb (apt install xvfb)")
    spec, what = dataset_spec()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {what}, {NAME}, {rounds} rounds")
    server = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1280x720x24", "-noreset"], stderr=subprocess.DEVNULL)
    rates = {"no window": [], "window": []}
    with tempfile.TemporaryDirectory() as folder:
        cache = Path(folder, "cache")
        try:
            time.sleep(1.0)
            without_window(spec, cache)  # the warm-up: the network exported into the cache once
            for _ in range(rounds):
                for where in rates:
                    shutil.rmtree(cache / "features", ignore_errors=True)  # every vector computed again
                    rate = without_window(spec, cache) if where == "no window" else with_window(spec, cache, folder)
                    rates[where].append(rate)
                    print(f"  {where}: {rate:.1f} images/s")
        finally:
            server.terminate()
            server.wait()
    alone, windowed = statistics.median(rates["no window"]), statistics.median(rates["window"])
    print(f"no window: median {alone:.1f} images/s; window open: median {windowed:.1f} images/s")
    print(f"with the window open: {windowed / alone:.0%} of the speed with none (target ≥ {TARGET:.0%})")


if __name__ == "__main__":
    main()
