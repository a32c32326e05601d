"""Does data augmentation help? Test accuracy with and without augmented copies of the training images.

    .venv/bin/python benchmarks/bench_augmentation.py [--seeds 5] [--copies 2] [--epochs 15] [--builtin-only]

For the generated `builtin` dataset and the course's miniROAD, miniMASK and miniFRUIT (../shared/datasets beside
the project, where present), the pipeline trains the course's MLP (mlcore.ml.settings.DEFAULTS) on
EfficientNet-Lite0 features, once per seed, with no augmentation and with --copies changed copies of each training
image (flipped half the time, cropped, colours jittered: mlcore.ml.augmentation), and prints the mean and spread of
the test accuracy, their difference, and the seconds a training took (the copies' features included: each seed
makes other copies, so none come from the cache). No target: the figures are what a class would see. Everything
runs in a temporary cache, never the user's.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_image_classifier import finish  # noqa: E402  (waits for a job; stops the benchmark if it failed)

DATASETS = ROOT.parent / "shared" / "datasets"
COURSE = ("miniROAD", "miniMASK", "miniFRUIT")
FEATURES = "efficientnet_lite0"


def scores(pipeline, copies, seeds, epochs):
    """(test accuracies, mean seconds) of one training per seed with `copies` augmented copies of each image."""
    accuracies, seconds = [], []
    for seed in range(seeds):
        pipeline.params.update(seed=seed, epochs=epochs, augmentation=copies)
        started = time.perf_counter()
        finish(pipeline.train())
        seconds.append(time.perf_counter() - started)
        accuracies.append(pipeline.test_accuracy)
    return accuracies, statistics.mean(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--builtin-only", action="store_true", help="skip the course datasets")
    args = parser.parse_args()
    os.environ["ML_SKETCHES_CACHE"] = tempfile.mkdtemp(prefix="bench-augmentation-")
    from mlcore.image_engine.pipeline import ImagePipeline

    names = ["builtin"]
    if not args.builtin_only:
        names += [DATASETS / name for name in COURSE if (DATASETS / f"{name}_train.json").exists()]
    print(f"{FEATURES} features, test accuracy, mean ± spread of {args.seeds} seeds, {args.epochs} epochs")
    print(f"{'dataset':10s} {'train':>5s} {'copies':>6s} {'accuracy':>15s} {'s/training':>11s}")
    for spec in names:
        pipeline = ImagePipeline()
        finish(pipeline.load(spec))
        finish(pipeline.extract(FEATURES))
        name, count = pipeline.dataset.name, len(pipeline.dataset.train)
        means = []
        for copies in (0, args.copies):
            accuracies, seconds = scores(pipeline, copies, args.seeds, args.epochs)
            means.append(statistics.mean(accuracies))
            print(
                f"{name:10s} {count:5d} {copies:6d} {means[-1]:6.3f} ± {statistics.pstdev(accuracies):5.3f}"
                f" {seconds:11.1f}",
                flush=True,
            )
        print(f"{'':10s} {'':5s} {'':6s} difference {means[1] - means[0]:+.3f}")


if __name__ == "__main__":
    main()
