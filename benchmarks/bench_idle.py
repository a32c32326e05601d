"""What an idle window costs: each sketch in a real window (a virtual X server), nothing changing, for 20 seconds.

    python benchmarks/bench_idle.py [SECONDS]

Debian's `xvfb` must be installed. Each sketch starts in a folder of its own (the image classifier on its built-in
dataset, Data page, with a cache of its own); once its start has settled, the window process's CPU time over SECONDS
is divided by SECONDS: the share of one core it takes while a class looks at it (targets: note sketches ≤ 5 %, the
image classifier ≤ 10 %). The training process the note sketches start is a process of its own and is not counted
(it sleeps, waiting for a training).
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DISPLAY = ":71"
TARGETS = {"classification": 5, "regression": 5, "image_classifier": 10}  # % of one core
SETTLE_S = {"classification": 8, "regression": 8, "image_classifier": 25}  # the start: imports, fonts, dataset


def cpu_seconds(pid):
    """The CPU time (user + system) the process `pid` has used so far (Linux's /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_share(sketch, seconds, env):
    """% of one core the sketch's window process uses over `seconds`, after it has settled."""
    with tempfile.TemporaryDirectory() as folder:
        env = dict(env, ML_SKETCHES_CACHE=str(Path(folder, "cache")), HOME=folder)
        process = subprocess.Popen(
            [sys.executable, "-m", f"sketches.{sketch}"],
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            time.sleep(SETTLE_S[sketch])
            if process.poll() is not None:
                sys.exit(f"{sketch} ended at start: {process.stderr.read()[-800:]}")
            used = cpu_seconds(process.pid)
            time.sleep(seconds)
            used = cpu_seconds(process.pid) - used
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
    return 100 * used / seconds


def main(seconds=20.0):
    if shutil.which("Xvfb") is None:
        sys.exit("needs Debian's xvfb (apt install xvfb)")
    server = subprocess.Popen(["Xvfb", DISPLAY, "-screen", "0", "1280x720x24", "-noreset"], stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.0)
        env = dict(os.environ, DISPLAY=DISPLAY, PYTHONPATH=str(ROOT), SDL_AUDIODRIVER="dummy")
        env.pop("SDL_VIDEODRIVER", None)
        print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {seconds:.0f} s per sketch, idle")
        for sketch, target in TARGETS.items():
            share = idle_share(sketch, seconds, env)
            verdict = "ok" if share <= target else "OVER"
            print(f"  {sketch}: window process {share:.1f} % of one core (target ≤ {target} %) {verdict}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 20.0)
