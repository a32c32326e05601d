"""The image classifier's engine (mlcore.image_engine.pipeline) against a plain torch MLP, and how fast it answers.

    .venv/bin/python benchmarks/bench_image_classifier.py [--seeds 10] [--repeat 5]

Three tables, on the course datasets in ../shared/datasets beside the project (miniFRUIT, miniMASK, miniROAD):

1. Test accuracy with the stored features and DEFAULTS, averaged over --seeds seeds: the pipeline, and a plain
   torch MLP written out below (Linear-ReLU-Linear-ReLU-Linear, Adam 0.001, cross-entropy, 15 epochs, batches
   of 8). The plain MLP runs twice: holding out the same share of each class as the pipeline does for its
   validation curve (20 %, the like-for-like comparison, required within 0.05), and on every training sample.
2. EfficientNet-Lite0 features: images per second on this machine, the first run (weights loaded), later runs
   (model loaded, nothing cached), and a second run whose vectors all come from the feature cache.
3. With torch loaded and the dataset files and features in the cache: the seconds from asking for a dataset to
   both confusion matrices filled (load + features + train 15 epochs + evaluate), required under 2 s.

Everything runs in a temporary cache (ML_SKETCHES_CACHE), never the user's. Without ../shared, only table 2
runs, on the built-in dataset.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
NAMES = ["miniFRUIT", "miniMASK", "miniROAD"]
TOLERANCE = 0.05
TIME_LIMIT_S = 2.0


def finish(job):
    """Wait for a pipeline job; stop the benchmark with its error if it did not end well."""
    job.wait()
    if job.status != "done":
        sys.exit(f"{job.name} {job.status}: {job.error}")
    return job


def plain_mlp_accuracy(train_x, train_y, test_x, test_y, seed, hold_out, params):
    """Test accuracy of the textbook torch MLP: the reference the pipeline must match."""
    import torch
    from torch import nn

    classes = sorted(set(train_y))
    train_t = np.array([classes.index(label) for label in train_y])
    test_t = np.array([classes.index(label) for label in test_y])
    rng = np.random.default_rng(seed)
    rows = np.arange(len(train_t))
    if hold_out:  # the same share of every class, kept out of training (here it is simply not used)
        held = []
        for label in range(len(classes)):
            members = np.flatnonzero(train_t == label)
            take = min(int(round(len(members) * hold_out)), len(members) - 1)
            held.extend(rng.permutation(members)[:take])
        rows = np.setdiff1d(rows, held)

    torch.manual_seed(seed)
    hidden = params["hidden_layers"]
    network = nn.Sequential(
        nn.Linear(train_x.shape[1], hidden[0]),
        nn.ReLU(),
        nn.Linear(hidden[0], hidden[1]),
        nn.ReLU(),
        nn.Linear(hidden[1], len(classes)),
    )
    optimizer = torch.optim.Adam(network.parameters(), lr=params["learning_rate"])
    loss_function = nn.CrossEntropyLoss()
    inputs, targets = torch.as_tensor(train_x, dtype=torch.float32), torch.as_tensor(train_t)
    for _ in range(params["epochs"]):
        order = rng.permutation(rows)
        for start in range(0, len(order), params["batch_size"]):
            batch = torch.as_tensor(order[start : start + params["batch_size"]])
            optimizer.zero_grad()
            loss = loss_function(network(inputs[batch]), targets[batch])
            loss.backward()
            optimizer.step()
    with torch.no_grad():
        predicted = network(torch.as_tensor(test_x, dtype=torch.float32)).argmax(1).numpy()
    return float((predicted == test_t).mean())


def accuracy_table(seeds):
    from mlcore.image_engine.pipeline import DEFAULTS, ImagePipeline

    print(f"\n1. Test accuracy, stored features, DEFAULTS {DEFAULTS}, mean of {seeds} seeds")
    header = (
        f"{'dataset':<10} {'pipeline':>9} {'plain, same 20% out':>20} {'diff':>7} "
        f"{'plain, none out':>16} {'diff':>7}  within {TOLERANCE}"
    )
    print(header)
    print("-" * len(header))
    for name in NAMES:
        pipeline = ImagePipeline()
        finish(pipeline.load(DATASETS / name))
        data = pipeline.dataset
        ours, same, whole = [], [], []
        for seed in range(seeds):
            pipeline.params["seed"] = seed
            finish(pipeline.train())
            ours.append(pipeline.test_accuracy)
            arguments = (
                pipeline.train_features,
                [s.label for s in data.train],
                pipeline.test_features,
                [s.label for s in data.test],
                seed,
            )
            same.append(plain_mlp_accuracy(*arguments, DEFAULTS["validation_split"], DEFAULTS))
            whole.append(plain_mlp_accuracy(*arguments, 0.0, DEFAULTS))
        mean, mean_same, mean_whole = statistics.mean(ours), statistics.mean(same), statistics.mean(whole)
        verdict = "yes" if abs(mean - mean_same) <= TOLERANCE else "NO"
        print(
            f"{name:<10} {mean:>9.3f} {mean_same:>20.3f} {mean - mean_same:>+7.3f} "
            f"{mean_whole:>16.3f} {mean - mean_whole:>+7.3f}  {verdict}"
        )


def extraction_table(specs, repeat, cache):
    from mlcore.image_engine.pipeline import ImagePipeline

    print(f"\n2. EfficientNet-Lite0 features of the train + test images (median of {repeat}, each in an empty cache)")
    header = f"{'dataset':<10} {'run':<40} {'images':>6} {'seconds':>8} {'images/s':>9}"
    print(header)
    print("-" * len(header))

    def extract(pipeline):
        job = finish(pipeline.extract("efficientnet_lite0"))
        return job.finished_at - job.started_at, pipeline.state()["features"]["cache_hits"]

    for number, spec in enumerate(specs):
        fresh, again = [], []
        for attempt in range(repeat + (number == 0)):  # the very first run also loads the weights: one more
            pipeline = ImagePipeline(cache_folder=cache / f"features-{number}-{attempt}")
            finish(pipeline.load(spec))
            count = len(pipeline.dataset.train) + len(pipeline.dataset.test)
            seconds, hits = extract(pipeline)
            assert hits == 0
            if number == 0 and attempt == 0:
                print(
                    f"{pipeline.dataset.name:<10} {'first of all: weights loaded, then run':<40} {count:>6} "
                    f"{seconds:>8.3f} {count / seconds:>9.1f}"
                )
            else:
                fresh.append(seconds)
            seconds, hits = extract(pipeline)
            assert hits == count
            again.append(seconds)
        rows = (("model loaded, nothing cached", fresh), ("second run: every vector from the cache", again))
        for what, times in rows:
            seconds = statistics.median(times)
            print(f"{pipeline.dataset.name:<10} {what:<40} {count:>6} {seconds:>8.3f} {count / seconds:>9.1f}")


def timing_table(repeat):
    from mlcore.image_engine.pipeline import ImagePipeline

    print(
        f"\n3. Cached files and features, torch loaded: load + features + train 15 epochs + both matrices "
        f"(median of {repeat})"
    )
    header = (
        f"{'dataset':<10} {'features':<19} {'load':>6} {'features':>9} {'train+eval':>11} {'total':>7}  "
        f"under {TIME_LIMIT_S} s"
    )
    print(header)
    print("-" * len(header))
    for name in NAMES:  # untimed: downloads are copied already; this puts the features in the cache too
        finish(ImagePipeline().run_all(name, features="efficientnet_lite0"))
    for name in NAMES:
        for extractor in ("stored", "efficientnet_lite0"):
            runs = []
            for _ in range(repeat):
                pipeline = ImagePipeline()  # a fresh start: nothing in memory, everything on disk
                start = time.perf_counter()
                finish(pipeline.load(name))  # a course name: read from the download cache
                loaded = time.perf_counter()
                finish(pipeline.extract(extractor))
                extracted = time.perf_counter()
                finish(pipeline.train())
                trained = time.perf_counter()
                assert pipeline.confusion_train is not None and pipeline.confusion_test is not None
                runs.append((loaded - start, extracted - loaded, trained - extracted, trained - start))
            load, feats, train, total = (statistics.median(column) for column in zip(*runs))
            verdict = "yes" if total < TIME_LIMIT_S else "NO"
            print(f"{name:<10} {extractor:<19} {load:>6.3f} {feats:>9.3f} {train:>11.3f} {total:>7.3f}  {verdict}")
        # The same, as one job (what --train --quit-when-idle runs).
        times = []
        for _ in range(repeat):
            job = finish(ImagePipeline().run_all(name, features="efficientnet_lite0"))
            times.append(job.finished_at - job.started_at)
        print(
            f"{name:<10} {'run_all, effnet':<19} {'':>6} {'':>9} {'':>11} {statistics.median(times):>7.3f}  "
            f"{'yes' if statistics.median(times) < TIME_LIMIT_S else 'NO'}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="seeds to average the accuracies over")
    parser.add_argument("--repeat", type=int, default=5, help="runs to take the median time of")
    args = parser.parse_args()

    cache = Path(tempfile.mkdtemp(prefix="bench-image-classifier-"))
    os.environ["ML_SKETCHES_CACHE"] = str(cache)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{cores} cores, load average {os.getloadavg()[0]:.2f}, cache {cache}")
    try:
        have_shared = all((DATASETS / f"{name}_{split}.json").exists() for name in NAMES for split in ("train", "test"))
        if not have_shared:
            print(f"{DATASETS} is absent: tables 1 and 3 need the course datasets; table 2 uses the built-in set")
            extraction_table(["builtin"], args.repeat, cache)
            return
        # As if downloaded once: the course files where load_dataset("miniMASK") looks for them.
        for name in NAMES:
            folder = cache / "datasets" / name
            folder.mkdir(parents=True)
            for split in ("train", "test"):
                shutil.copy(DATASETS / f"{name}_{split}.json", folder)
        accuracy_table(args.seeds)
        import torch

        print(f"\ntorch {torch.__version__}, {torch.get_num_threads()} threads")
        extraction_table(NAMES, args.repeat, cache)
        timing_table(args.repeat)
        print(f"\nload average after {os.getloadavg()[0]:.2f} (other work on the machine slows every figure)")
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
