"""Fuzz and faults: the sketches as a fuzzer and a careless classroom treat them, counted (issue 23).

    python benchmarks/bench_fuzz.py            # the short setting (a few minutes on two shared cores)
    python benchmarks/bench_fuzz.py --runs 40  # more random runs, kills and pairs

- random events: replays of random keys, clicks, drags, moves and dropped bad files, played headless on the note
  sketches, each ending with Esc; every sample in memory at the end must be in a file the sketch wrote;
- bad files: the fuzz test's set (tests/test_readers_fuzz.py) fed to every reader and to the sketches' command lines
  (--load, --replay, --dataset, --load-model): the reader's own error only, one line, no traceback;
- the training process killed (SIGKILL) while it trains, then T pressed again;
- the autosave killed (SIGKILL) part-way, in a process writing as a quitting sketch does: no file may be left
  half-written, and what a kill leaves is counted;
- read-only and full folders: the current folder made read-only (chmod, or `chattr +i` when running as root, whom
  chmod does not stop) with the user's data folder under a regular file; a full disk as a limit on file size
  (RLIMIT_FSIZE: a write past it fails with "File too large");
- sketches quitting together: pairs of processes writing their autosave in the same second.
Prints the counts: events, crashes, samples lost, files damaged. Target: 0 crashes, 0 samples lost silently, 0 files
damaged.
"""

import argparse
import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from tests.test_readers_fuzz import BAD, ENTRIES, READERS  # noqa: E402

SKETCHES = ["classification", "regression"]
KEYS = list("cdefgabtrpvhumw") + ["space", "tab", "return", "backspace", "up", "down", "left shift", "f12", "1"]
TOTALS = Counter()


def environment(folder):
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "XDG_DATA_HOME": str(folder / "xdg"),
        "ML_SKETCHES_CACHE": str(folder / "cache"),
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
    }


def sketch_command(sketch, folder, actions, state=True):
    """Run `sketch` headless on a replay of `actions`, its state written to folder/state.json when `state`."""
    replay = folder / "replay.jsonl"
    replay.write_text("".join(json.dumps(action) + "\n" for action in actions))
    command = [sys.executable, str(ROOT / "sketches" / f"{sketch}.py"), "--headless", "--replay", str(replay)]
    return command + ["--quit-after-replay"] + (["--state-json", str(folder / "state.json")] if state else [])


def crashed(process, stderr, allowed=(0,)):
    """A crash: a traceback, or an exit status the sketch does not document for the case."""
    return "Traceback" in stderr or process.returncode not in allowed


def samples_in_files(folder):
    """(x, y, note) of every sample in every samples file under `folder`, each counted."""
    found = Counter()
    for path in folder.rglob("*.json"):
        if path.name in ("state.json",) or path.name.startswith("bad"):
            continue
        try:
            entries = json.loads(path.read_text())["data"]
        except (ValueError, KeyError, TypeError):
            continue
        found.update((entry["xs"]["x"], entry["xs"]["y"], entry["ys"]["label"]) for entry in entries)
    return found


def lost_samples(folder):
    """Samples in the sketch's memory at its end that no file it wrote holds."""
    state = json.loads((folder / "state.json").read_text())
    held = Counter((sample["x"], sample["y"], sample["label"]) for sample in state["samples"])
    return sum((held - samples_in_files(folder)).values())


def click(x, y, button=1, after=1):
    return [
        {"type": "mouse_down", "x": x, "y": y, "button": button, "after": after},
        {"type": "mouse_up", "x": x, "y": y, "button": button},
    ]


def random_actions(rng, count, bad_file):
    actions = []
    while len(actions) < count:
        kind = rng.random()
        x, y = rng.uniform(-20, 980), rng.uniform(-20, 620)
        if kind < 0.45:
            note = rng.choice("cdefgab")
            actions.append({"type": "key_down", "key": note, "after": rng.randint(0, 3)})
            for _ in range(rng.randint(1, 4)):
                actions += click(round(rng.uniform(20, 940)), round(rng.uniform(60, 550)), after=rng.randint(0, 2))
            actions.append({"type": "key_up", "key": note})
        elif kind < 0.75:
            name = rng.choice(KEYS)
            actions += [{"type": "key_down", "key": name, "after": rng.randint(0, 5)}, {"type": "key_up", "key": name}]
        elif kind < 0.85:
            actions += click(round(x), round(y), button=rng.choice([1, 1, 3]))
        elif kind < 0.98:
            actions.append({"type": "mouse_move", "x": round(x), "y": round(y)})
        else:
            actions.append({"type": "drop_file", "path": str(bad_file)})
    return actions + [
        {"type": "wait", "for": "idle", "timeout_s": 60},
        {"type": "key_down", "key": "escape", "after": 2},
        {"type": "key_up", "key": "escape"},
    ]


def random_events(runs, events):
    rng = random.Random(23)
    for run in range(runs):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            bad = folder / "bad-deep.json"
            bad.write_bytes(BAD["deep"])
            actions = random_actions(rng, events, bad)
            sketch = SKETCHES[run % 2]
            process = subprocess.run(
                sketch_command(sketch, folder, actions),
                cwd=folder,
                env=environment(folder),
                capture_output=True,
                text=True,
                timeout=300,
            )
            TOTALS["events"] += len(actions)
            TOTALS["crashes"] += crashed(process, process.stderr)
            lost = lost_samples(folder) if (folder / "state.json").exists() else 0
            TOTALS["samples lost"] += lost
            if crashed(process, process.stderr) or lost:
                print(
                    f"  random run {run} ({sketch}): exit {process.returncode}, {lost} samples lost: "
                    f"{process.stderr.strip().splitlines()[-1:] or ''}"
                )
    print(f"  random events: {runs} runs of {events} events")


def bad_files():
    """The fuzz test's bad files through every reader, then through every sketch's command line."""
    cases = 0
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for kind, data in BAD.items():
            path = folder / f"bad-{kind.replace(' ', '_')}.json"
            path.write_bytes(data)
            for reader, (read, error) in READERS.items():
                cases += 1
                try:
                    read(path)
                except error as refused:
                    if "\n" in str(refused).strip() or path.name not in str(refused):
                        print(f"  {reader} {kind}: not one line naming the file: {refused!r}")
                        TOTALS["crashes"] += 1
                except Exception as other:  # noqa: BLE001 - exactly what is counted
                    print(f"  {reader} {kind}: {type(other).__name__}: {other}")
                    TOTALS["crashes"] += 1
            for entry, (command, status, _) in ENTRIES.items():
                if entry == "--load-model" and kind != "binary":
                    continue  # torch's import makes each run long; the reader met every kind above
                cases += 1
                process = subprocess.run(
                    [sys.executable, str(ROOT / command[0]), "--headless", *command[1:], path],
                    cwd=folder,
                    env=environment(folder),
                    capture_output=True,
                    text=True,
                    timeout=300,
                )
                allowed = (status, 0) if (entry, kind) == ("--replay", "empty") else (status,)  # plays nothing
                if crashed(process, process.stderr, allowed=allowed):
                    print(f"  {entry} {kind}: exit {process.returncode}: {process.stderr.strip()[-300:]}")
                    TOTALS["crashes"] += 1
    TOTALS["bad files"] += cases
    print(f"  bad files: {len(BAD)} kinds, {cases} reader and command-line cases")


def children(pid):
    """The ids of the processes whose parent is `pid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cpu_ticks(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def kill_when_training(pid, limit_s=60):
    """SIGKILL the training process (the sketch's child) once it works after resting: mid-training."""
    deadline, trainer, last, rested = time.time() + limit_s, None, None, 0
    while time.time() < deadline:
        time.sleep(0.05)
        trainer = trainer or next(iter(children(pid)), None)
        if trainer is None:
            continue
        try:
            ticks = cpu_ticks(trainer)
        except OSError:
            return False
        rested = rested + 1 if ticks == last else (0 if rested < 20 else rested)
        if rested >= 20 and last is not None and ticks > last:  # one second at rest (torch loaded), then training
            os.kill(trainer, signal.SIGKILL)
            return True
        last = ticks
    return False


def trained_twice_actions(rng):
    actions = []
    for note in "ce":
        actions.append({"type": "key_down", "key": note})
        for _ in range(15):
            actions += click(round(rng.uniform(40, 900)), round(rng.uniform(80, 520)))
        actions.append({"type": "key_up", "key": note})
    press_t = [
        {"type": "key_down", "key": "t", "after": 90},
        {"type": "key_up", "key": "t"},
        {"type": "wait", "for": "idle", "timeout_s": 90},
    ]
    return (
        actions
        + press_t
        + press_t
        + [{"type": "key_down", "key": "escape", "after": 2}, {"type": "key_up", "key": "escape"}]
    )


def training_killed(runs):
    rng, caught, messages = random.Random(5), 0, Counter()
    for run in range(runs):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            actions = trained_twice_actions(rng)
            process = subprocess.Popen(
                sketch_command("classification", folder, actions),
                cwd=folder,
                env=environment(folder),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            caught += kill_when_training(process.pid)
            _, stderr = process.communicate(timeout=300)
            TOTALS["events"] += len(actions)
            TOTALS["faults"] += 1
            TOTALS["crashes"] += crashed(process, stderr)
            if (folder / "state.json").exists():
                TOTALS["samples lost"] += lost_samples(folder)
                state = json.loads((folder / "state.json").read_text())
                messages.update(m for m in state["messages"] if "train" in m and ("stop" in m or "fail" in m))
                messages[f"training at the end: {state['training']['status']}"] += 1
    print(f"  training process killed: {caught} of {runs} caught while training; said: {dict(messages)}")


WRITER = """
import sys
from mlcore.notes.sample_files import Sample, autosave
number, count, start = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
samples = [Sample(float(number), float(i), "C", 261.63) for i in range(count)]
import time
while time.time() < start:
    time.sleep(0.001)
print(autosave(samples, "classification", True), flush=True)
"""


def autosave_process(folder, number, count, start, **options):
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(number), str(count), str(start)],
        cwd=folder,
        env=environment(folder),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **options,
    )


def damaged_files(folder, counts):
    """Autosaves that are not whole: unreadable, or holding fewer samples than their writer had."""
    damaged = 0
    for path in folder.glob("classification-autosave-*.json"):
        try:
            entries = json.loads(path.read_text())["data"]
            whole = len(entries) in counts.values()
        except (ValueError, KeyError, TypeError):
            whole = False
        if not whole:
            damaged += 1
            print(f"  damaged: {path.name} ({path.stat().st_size} bytes)")
    return damaged


def kill_once_writing(process, folder, delay):
    """SIGKILL `process` `delay` seconds after its autosave touches `folder` (the name claimed or the temporary
    file made): part-way through the write itself, not while the samples are still turned into JSON."""
    while process.poll() is None and not any(folder.glob("*classification-autosave-*")):
        time.sleep(0.001)
    time.sleep(delay)
    process.kill()
    process.communicate()


def killed_mid_save(runs, count=200_000):
    """SIGKILL at a random moment of the autosave's write (tens of milliseconds for `count` samples)."""
    rng, left = random.Random(7), Counter()
    for run in range(runs):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            process = autosave_process(folder, run, count, time.time() + 2.0)
            kill_once_writing(process, folder, rng.uniform(0.0, 0.05))
            TOTALS["faults"] += 1
            TOTALS["files damaged"] += damaged_files(folder, {run: count})
            for path in folder.glob("classification-autosave-*.json"):
                left["empty autosave" if path.stat().st_size == 0 else "whole autosave"] += 1
            left[".part"] += len(list(folder.glob(".*.part")))
    print(
        f"  autosave killed part-way: {runs} kills; left: {dict(left)} (a .part is removed at the next start once "
        f"it is stale)"
    )


def unwritable(folder):
    """Make `folder` refuse new files: chmod for a user, `chattr +i` for root (chmod does not stop root)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(folder)], check=True)
        return "chattr +i (running as root)"
    folder.chmod(0o555)
    return "chmod 555"


def writable_again(folder):
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=False)
    folder.chmod(0o755)


def collect_and_quit(rng, escapes):
    actions = [{"type": "key_down", "key": "d"}]
    for _ in range(20):
        actions += click(round(rng.uniform(40, 900)), round(rng.uniform(80, 520)))
    actions.append({"type": "key_up", "key": "d"})
    for _ in range(escapes):
        actions += [{"type": "key_down", "key": "escape", "after": 10}, {"type": "key_up", "key": "escape"}]
    return actions


def full_disk():
    """In the child: writes past 1 KB fail with "File too large", as on a full disk (20 samples take 2 KB)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))


def folder_faults():
    """A read-only current folder (the user's data folder under a regular file), then a full disk: the sketch keeps
    the window open at the first Esc, exits with status 3 at the second, and says what was lost."""
    rng, said = random.Random(9), []
    for fault in ("read-only", "full"):
        with tempfile.TemporaryDirectory() as name:
            base = Path(name)
            folder = base / "class"
            folder.mkdir()
            actions = collect_and_quit(rng, escapes=2)
            command = sketch_command("classification", base, actions, state=False)  # nothing else to write
            env = environment(base)
            how = "RLIMIT_FSIZE 1 KB"
            if fault == "read-only":
                (base / "file").write_text("a regular file")
                env["XDG_DATA_HOME"] = str(base / "file" / "xdg")
                how = unwritable(folder)
            try:
                process = subprocess.run(
                    command,
                    cwd=folder,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=300,
                    preexec_fn=full_disk if fault == "full" else None,
                )
            finally:
                writable_again(folder)
            TOTALS["events"] += len(actions)
            TOTALS["faults"] += 1
            TOTALS["crashes"] += crashed(process, process.stderr, allowed=(3,))
            on_disk = sum(samples_in_files(base).values())
            if process.returncode == 0 and on_disk < 20:
                TOTALS["samples lost"] += 20 - on_disk  # lost without a word
            lines = [line for line in process.stderr.splitlines() if line.strip()]
            said.append(
                f"{fault} ({how}): exit {process.returncode}, {on_disk} of 20 samples on disk, "
                f"said: {lines[-1] if lines else '(nothing)'}"
            )
    for line in said:
        print(f"  {line}")


def quitting_together(pairs, count=20_000):
    lost = 0
    for pair in range(pairs):
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            start = time.time() + 2.5
            processes = [autosave_process(folder, number, count, start) for number in range(2)]
            for process in processes:
                process.communicate(timeout=120)
            found = samples_in_files(folder)
            lost += sum(count - sum(n for (x, _, _), n in found.items() if x == float(number)) for number in range(2))
            TOTALS["files damaged"] += damaged_files(folder, {0: count, 1: count})
    TOTALS["samples lost"] += lost
    print(f"  pairs quitting together: {pairs} pairs of {count:,} samples each, {lost} samples lost")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4, help="random runs (also kills and pairs: the same number)")
    parser.add_argument("--events", type=int, default=150, help="random events in each run")
    options = parser.parse_args()
    started = time.time()
    random_events(options.runs, options.events)
    bad_files()
    training_killed(max(1, options.runs // 2))
    killed_mid_save(options.runs)
    folder_faults()
    quitting_together(options.runs)
    print(
        f"events {TOTALS['events']}, bad files {TOTALS['bad files']}, faults {TOTALS['faults']}: "
        f"crashes {TOTALS['crashes']} (target 0), samples lost {TOTALS['samples lost']} (target 0), "
        f"files damaged {TOTALS['files damaged']} (target 0); {time.time() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
