"""How fast EfficientNet-Lite0 features come, by three routes, on a quiet machine and beside one busy process.

    .venv/bin/python benchmarks/bench_features.py [--rounds 5]

The routes, each from RGB images to 1280 numbers per image, in batches of 8, with as many threads as cores:
- plain torch eager: the model as its package builds it (BatchNorm kept, channels-first input);
- the project's torch path: BatchNorm folded into the convolutions, channels-last (torch's route on a GPU, and
  the fallback on a CPU);
- ONNX Runtime: the network exported once into the cache and checked against torch (what `extract` runs on a CPU).
Each is timed --rounds times, the routes taking turns, first on a quiet machine, then while a neighbour process
it starts spins on one core; the medians are printed beside the targets (ONNX Runtime at least 3 times plain
torch's speed quiet, 4 times busy), with the smallest cosine between a route's vectors and plain torch's.

Reads miniFRUIT's 60 thumbnails from ../shared/datasets beside the project, or draws 60 images of the built-in
dataset where that folder is absent. Other work on the machine slows every figure: the load average is printed.
"""

import argparse
import base64
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

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from mlcore.ml import features, onnx_route  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
NAME = "efficientnet_lite0"
BATCH = features._BATCH["cpu"]
TARGETS = {"quiet": 3.0, "busy": 4.0}  # ONNX Runtime's speed over plain torch's, at least


def load_images():
    """miniFRUIT's train and test thumbnails as RGB arrays, or 60 built-in images; and where they came from."""
    images = []
    for split in ("train", "test"):
        path = DATASETS / f"miniFRUIT_{split}.json"
        if not path.exists():
            break
        for instance in json.loads(path.read_text())["instances"]:
            encoded = np.frombuffer(base64.b64decode(instance["thumbnail"].split(",", 1)[1]), dtype=np.uint8)
            images.append(cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB))
    else:
        return images, "miniFRUIT thumbnails"
    from mlcore.data.builtin import make_builtin

    dataset = make_builtin(seed=0, per_class_train=10, per_class_test=5)
    return [sample.image for sample in dataset.train + dataset.test], "built-in images (no ../shared/datasets)"


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def routes():
    """{label: function(images) -> vectors}, plain torch eager first; and the seconds ONNX Runtime took to start."""
    import torch

    plain = features.load_efficientnet_lite0(fast=False)
    project = features.load_efficientnet_lite0(fast=True)
    pixels, head = features._NETWORKS[NAME]
    started, (network, warning) = timed(lambda: onnx_route.network(NAME, project, pixels, head))
    if network is None:
        sys.exit(f"ONNX Runtime cannot be used here: {warning}")

    def plain_eager(images):
        with torch.inference_mode():
            return head(plain, features._efficientnet_input(images, "cpu").contiguous()).numpy()

    def by_extract(model):
        return lambda images: features._COMPUTE[NAME](model, images, "cpu")

    return {
        "plain torch eager": in_batches(plain_eager),
        "the project's torch path": in_batches(by_extract(project)),
        "ONNX Runtime": in_batches(by_extract(network)),
    }, started


def in_batches(run):
    """`run` over a list of images, BATCH images at a time, as `extract` does."""
    return lambda images: np.concatenate([run(images[start : start + BATCH]) for start in range(0, len(images), BATCH)])


def measure(runs, images, rounds):
    """{label: median images/s} over `rounds` turns, the routes taking turns so that a change of load hits all."""
    seconds = {label: [] for label in runs}
    for label, run in runs.items():
        run(images[:BATCH])  # warm: thread pools, the first batch's allocations
    for _ in range(rounds):
        for label, run in runs.items():
            seconds[label].append(timed(lambda: run(images))[0])
    return {label: len(images) / statistics.median(times) for label, times in seconds.items()}


def report(phase, speeds):
    plain = speeds["plain torch eager"]
    print(f"{phase}:")
    for label, speed in speeds.items():
        ratio = speed / plain
        target = ""
        if label == "ONNX Runtime":
            verdict = "met" if ratio >= TARGETS[phase] else "NOT MET"
            target = f"   target >= {TARGETS[phase]:.0f}x plain: {verdict}"
        print(f"  {label:<26} {speed:7.1f} images/s {ratio:5.2f}x plain{target}")


def min_cosine(vectors, reference):
    norms = np.linalg.norm(vectors, axis=1) * np.linalg.norm(reference, axis=1)
    return float(np.min(np.sum(vectors * reference, axis=1) / norms))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each route, in each phase")
    args = parser.parse_args()

    images, source = load_images()
    count = len(images)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{count} {source}, {cores} cores, batches of {BATCH}, load average before {os.getloadavg()[0]:.2f}")

    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("ML_SKETCHES_CACHE", folder)  # a fresh export unless a cache folder is given
        cold, vectors = timed(lambda: features.extract(NAME, images))
        torch = features._torch()
        print(
            f"torch {torch.__version__}, {torch.get_num_threads()} threads; first extract in this process "
            f"(import torch, load, export or read the ONNX file, check it): {cold:.1f} s {vectors.warning}"
        )
        runs, started = routes()
        print(f"ONNX Runtime ready for a second model in {started:.1f} s (export or read, and the check)")
        reference = runs["plain torch eager"](images)
        for label, run in runs.items():
            if label != "plain torch eager":
                found = run(images)
                print(
                    f"  {label}: smallest cosine to plain torch's vectors over {count} images "
                    f"{min_cosine(found, reference):.7f} (target >= 0.999), "
                    f"largest difference {np.abs(found - reference).max():.1e}"
                )
        report("quiet", measure(runs, images, args.rounds))
        neighbour = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        try:
            time.sleep(1.0)
            report("busy", measure(runs, images, args.rounds))
        finally:
            neighbour.kill()
            neighbour.wait()
        cache = Path(folder) / "features"
        features.extract(NAME, images, cache=features.FeatureCache(cache))
        hit, cached = timed(lambda: features.extract(NAME, images, cache=features.FeatureCache(cache)))
        assert cached.cache_hits == count and np.allclose(cached, vectors, atol=1e-5)
        print(f"a second run, every vector from the cache: {count / hit:.0f} images/s")
    print(f"load average after {os.getloadavg()[0]:.2f} (other work on the machine slows every figure)")


if __name__ == "__main__":
    main()
