"""How long the built-in dataset takes: generated the first time, read from the cache on later starts.

    .venv/bin/python benchmarks/bench_builtin.py [--repeat 3]

Each run is a fresh Python process with its own empty cache folder (ML_SKETCHES_CACHE), timed from before
`import mlcore.data.datasets` to the end of `load_dataset("builtin")`, which is what a sketch's start waits for.
"first generation" draws the 200 images and writes them to the cache; "cached load" is the next start, which
reads them back. Each line gives the median of --repeat runs, the worst one, and its target, then the CPU time
the start used over all its threads: on a busy machine the seconds grow with the load, the CPU time does not.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"first generation (empty cache)": 3.0, "cached load (a later start)": 1.0}

# Run in the child process: prints the seconds from the import to the loaded dataset, and where it came from.
CHILD = """
import time
start, cpu_start = time.perf_counter(), time.process_time()
from mlcore.data.datasets import load_dataset
data = load_dataset("builtin")
images = len(data.train) + len(data.test)
print(time.perf_counter() - start, time.process_time() - cpu_start, images, len(data.problems))
"""


def start_once(cache: str) -> tuple[float, float, int, int]:
    """One sketch start in a fresh process using `cache`: (seconds, CPU seconds of its threads, images, problems)."""
    environment = dict(os.environ, ML_SKETCHES_CACHE=cache)
    result = subprocess.run(
        [sys.executable, "-c", CHILD],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    seconds, cpu, images, problems = result.stdout.split()
    return float(seconds), float(cpu), int(images), int(problems)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind to take the median of")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"{cores} cores, load average before {os.getloadavg()[0]:.2f}")

    times = {label: [] for label in TARGETS}
    cpu_times = {label: [] for label in TARGETS}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as cache:
            for label in TARGETS:  # the first start generates and fills the cache; the second reads it
                seconds, cpu, images, problems = start_once(cache)
                assert problems == 0, "the cache could not be written, so the second start would generate again"
                times[label].append(seconds)
                cpu_times[label].append(cpu)
            cached_files = sorted(path.name for path in Path(cache, "builtin").iterdir())
    print(f"{images} images of 224 x 224; cache file {cached_files[0]}")
    for label, target in TARGETS.items():
        median, worst = statistics.median(times[label]), max(times[label])
        verdict = "within target" if worst <= target else "OVER TARGET"
        print(
            f"{label:<32} median {median:6.2f} s   worst {worst:6.2f} s   target {target:.0f} s   {verdict}"
            f"   (CPU {statistics.median(cpu_times[label]):.2f} s over all threads)"
        )
    print(f"load average after {os.getloadavg()[0]:.2f} (other work on the machine slows every figure)")


if __name__ == "__main__":
    main()
