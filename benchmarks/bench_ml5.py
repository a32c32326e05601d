"""The notes classifier's training beside ml5's, measured in one run on this machine.

    python benchmarks/bench_ml5.py             # the bare network: ml5's four trainings, then ours
    python benchmarks/bench_ml5.py sketch 5    # inside the sketch: 5 rounds, ml5 and the sketch taking turns

ml5 1.4.0 (`npm install --ignore-scripts ml5@1.4.0` in this folder, or ML5_JS=path/to/ml5.min.js) trains in
headless Chromium (Debian's `chromium`) with tf.js's cpu backend, its fastest on a machine without a GPU: 200 epochs
on 60 points in 3 clusters, its default batch size (32), four times in a row. The same task then trains through the
sketches' training process. The ratio of the two first trainings is the figure to read (target: ≥ 3×).

`sketch`: each round, ml5's first training in a fresh browser, then the classification sketch itself (headless,
its window's loop running): the same 60 points loaded, T pressed about 8 s after the start, and the sketch's own
`training.seconds` (T to a trained network) read from its state. Target: ≥ 3× in every round.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def ml5_times(backend="cpu"):
    script = Path(os.environ.get("ML5_JS", HERE / "node_modules" / "ml5" / "dist" / "ml5.min.js"))
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not script.exists() or browser is None:
        sys.exit(f"needs ml5 ({script}) and chromium: see this file's docstring")
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as folder:
        shutil.copy(script, Path(folder) / "ml5.min.js")
        shutil.copy(HERE / "ml5" / "train.html", Path(folder) / "index.html")
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={folder}/profile",
            "--enable-logging=stderr",
            "--v=0",
            "--allow-file-access-from-files",
            f"file://{folder}/index.html?backend={backend}",
        ]
        process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        try:
            for line in process.stderr:
                found = re.search(r"ML5RESULT (\{.*?\})\"", line)
                if found:
                    return json.loads(found.group(1))
        finally:
            process.kill()
            process.wait()
    sys.exit("chromium ended without a result from ml5")


def ours(runs=4):
    import time

    from bench_first_minute import clusters

    from mlcore.ml.neural_network import NeuralNetwork
    from mlcore.ml.trainer_process import shared_trainer

    trainer = shared_trainer()
    trainer.ready.wait(120)  # as in a sketch: warmed while the student collects
    times = []
    for seed in range(runs):
        network = NeuralNetwork(
            "classification", batch_size=32, input_bounds=[(0, 0), (960, 600)], seed=seed, worker=trainer
        )
        for note, x, y in clusters():
            network.add_data([x, y], note)
        start = time.perf_counter()
        network.train(200)
        while not network.update():
            time.sleep(0.001)
        times.append(time.perf_counter() - start)
    return times


def in_sketch_seconds():
    """T (about 8 s after the start) to a trained network, inside the classification sketch, from its state."""
    from bench_first_minute import clusters, run_sketch

    samples = [{"xs": {"x": x, "y": y}, "ys": {"label": note.upper()}} for note, x, y in clusters()]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump({"data": samples}, file)
    press_t = [{"type": "key_down", "key": "t", "after": 480}, {"type": "key_up", "key": "t"}]
    wait = [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}]
    try:
        state = run_sketch("classification", press_t + wait, "--load", file.name)
    finally:
        os.unlink(file.name)
    return state["training"]["seconds"]


def sketch_rounds(rounds):
    ratios = []
    for round_number in range(rounds):
        result = ml5_times()
        if "error" in result:
            sys.exit(f"ml5 failed: {result['error']}")
        theirs, mine = result["times"][0], in_sketch_seconds()
        ratios.append(theirs / mine)
        print(f"  round {round_number + 1}: ml5 {theirs:.3f} s, the sketch {mine:.3f} s: {ratios[-1]:.1f}×")
    verdict = "in every round" if min(ratios) >= 3 else "NOT in every round"
    print(
        f"first training inside the sketch: {min(ratios):.1f}× to {max(ratios):.1f}× faster than ml5 "
        f"(median {statistics.median(ratios):.1f}×; target ≥ 3× in every round: {verdict})"
    )


if __name__ == "__main__":
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    if sys.argv[1:2] == ["sketch"]:
        sketch_rounds(int(sys.argv[2]) if len(sys.argv) > 2 else 5)
        sys.exit()
    result = ml5_times()
    if "error" in result:
        sys.exit(f"ml5 failed: {result['error']}")
    mine = ours()
    theirs = result["times"]
    print(
        f"ml5 ({result['backend']}): first training {theirs[0]:.3f} s, later ones median "
        f"{statistics.median(theirs[1:]):.3f} s"
    )
    print(f"sketches: first training {mine[0]:.3f} s, later ones median {statistics.median(mine[1:]):.3f} s")
    print(
        f"first training {theirs[0] / mine[0]:.1f}× faster than ml5, later ones "
        f"{statistics.median(theirs[1:]) / statistics.median(mine[1:]):.1f}× (target ≥ 3×)"
    )
