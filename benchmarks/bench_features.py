"""How fast EfficientNet-Lite0 features come: images per second, cold and warm, and a second run from the cache.

    .venv/bin/python benchmarks/bench_features.py [--repeat 5] [--device cpu]

Reads miniFRUIT's 60 thumbnails from ../shared/datasets beside the project, or generates 60 images where that
folder is absent. "cold" is the first call in a fresh process: importing torch, loading the weights and the
first batches. "warm" runs with the model loaded (the median of --repeat runs). "plain" is the model as its
package builds it (BatchNorm kept, channels-first), in one batch of 60 and in the batches `extract` uses, for
comparison. The last line times a second run whose vectors all come from a FeatureCache.
"""

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from mlcore.ml import features  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"


def load_images():
    """miniFRUIT's train and test thumbnails as RGB arrays, or 60 generated images; and where they came from."""
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
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (224, 224, 3), dtype=np.uint8) for _ in range(60)], "generated images"


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="warm runs to take the median of")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: the GPU if there is one)")
    args = parser.parse_args()

    images, source = load_images()
    count = len(images)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{count} {source}, {cores} cores, load average before {os.getloadavg()[0]:.2f}")

    def run(**options):
        return features.extract("efficientnet_lite0", images, device=args.device, **options)

    def line(label, seconds, note=""):
        print(f"{label:<56} {seconds:7.3f} s {count / seconds:8.1f} images/s{note}")

    cold, vectors = timed(run)
    import torch  # already imported by the cold run; imported here only to report on it

    print(f"torch threads {torch.get_num_threads()}, device {vectors.compute_device}")
    line("cold (import torch, load weights, extract)", cold)

    warm = [timed(run)[0] for _ in range(args.repeat)]
    batch_size = features._BATCH["cpu" if vectors.compute_device == "cpu" else "cuda"]
    line(f"warm (model loaded, batches of {batch_size})", statistics.median(warm), f"  (best {count / min(warm):.1f})")

    # The model as its package builds it, to show where the speed comes from: the batch size and the folding.
    plain = features.load_efficientnet_lite0(device=vectors.compute_device, fast=False)
    batch = features._efficientnet_input(images, vectors.compute_device).contiguous()
    with torch.inference_mode():
        plain.extract_features(batch[:batch_size])
        for size in (count, batch_size):
            times = [
                timed(lambda: [plain.extract_features(batch[i : i + size]) for i in range(0, count, size)])[0]
                for _ in range(max(1, args.repeat // 2))
            ]
            line(f"plain model (BatchNorm, channels-first), batches of {size}", statistics.median(times))

    with tempfile.TemporaryDirectory() as folder:
        run(cache=features.FeatureCache(folder))
        hit, cached = timed(lambda: run(cache=features.FeatureCache(folder)))
        assert cached.cache_hits == count and cached.compute_device is None
        assert np.allclose(cached, vectors, atol=1e-5)
    line("second run, every vector from the cache", hit)
    print(f"load average after {os.getloadavg()[0]:.2f} (other work on the machine slows every figure)")

if __name__ == "__main__":
    main()
