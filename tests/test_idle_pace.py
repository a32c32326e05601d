"""An idle window costs little: a few frames a second while nothing moves, full speed at the first event."""

import json
import os
import signal
import subprocess
import sys
import time

from driver import ROOT, cluster, key
from mlcore.runtime.pace import FPS, IDLE_AFTER_S, IDLE_FPS, WORK_FPS, FramePace, frame_rate


class FakePygame:
    """The two parts of pygame that FramePace uses: a clock whose ticks are counted, and an event queue."""

    def __init__(self):
        self.queue = []
        self.ticks = []
        self.time = self
        self.event = self

    def Clock(self):  # noqa: N802 (pygame's name)
        return self

    def tick(self, fps=0):
        self.ticks.append(fps)

    def peek(self):
        return bool(self.queue)


class FakeTime:
    def __init__(self):
        self.now = 100.0
        self.slept = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds
        self.slept += seconds


def pace_with_fakes():
    pygame, clock = FakePygame(), FakeTime()
    return FramePace(pygame, clock=clock.clock, sleep=clock.sleep), pygame, clock


def test_frames_come_at_full_speed_while_a_person_acts_or_something_moves():
    pace, pygame, clock = pace_with_fakes()
    pace.tick(IDLE_FPS)  # input a moment ago (the start counts as one): full speed all the same
    clock.now += 10 * IDLE_AFTER_S
    pace.tick(FPS)  # curves drawing in, say: nobody at the keys, yet the picture moves
    assert pygame.ticks == [FPS, FPS] and clock.slept == 0 and not pace.idle


def test_background_work_alone_gets_fewer_frames_and_the_cores():
    pace, pygame, clock = pace_with_fakes()
    clock.now += IDLE_AFTER_S + 0.1
    pace.tick(WORK_FPS)
    assert abs(clock.slept - 1 / WORK_FPS) < 0.02 and pace.state() == {"idle": False, "idle_frames": 0, "fps": WORK_FPS}


def test_after_a_second_of_stillness_frames_come_a_few_times_a_second():
    pace, pygame, clock = pace_with_fakes()
    clock.now += IDLE_AFTER_S + 0.1
    pace.tick(IDLE_FPS)
    assert pace.idle and pace.state() == {"idle": True, "idle_frames": 1, "fps": IDLE_FPS}
    assert abs(clock.slept - 1 / IDLE_FPS) < 0.02  # the wait for the next frame is the idle one
    assert pygame.ticks == [0]  # not the clock's full-speed wait


def test_the_first_event_ends_the_idle_wait_and_brings_full_speed_back():
    pace, pygame, clock = pace_with_fakes()
    clock.now += IDLE_AFTER_S + 0.1
    pygame.queue.append("a key")  # pressed while the window was idle
    pace.tick(IDLE_FPS)
    assert clock.slept == 0  # no wait at all: the next frame handles the key at once
    pace.acted()  # the loop handed the key to the sketch
    pace.tick(IDLE_FPS)
    assert not pace.idle and pygame.ticks[-1] == FPS


def test_the_rate_asked_for_follows_what_moves():
    assert frame_rate(counting=True, moving=False, working=False) == FPS  # a replay counts frames
    assert frame_rate(counting=False, moving=True, working=True) == FPS  # curves drawing in
    assert frame_rate(counting=False, moving=False, working=True) == WORK_FPS  # features computed, a progress bar
    assert frame_rate(counting=False, moving=False, working=False) == IDLE_FPS


def run_until_signalled(sketch, actions, folder, seconds, arguments=()):
    """Run a sketch headless with a replay that does not end the run; SIGTERM after `seconds`; its state."""
    replay, state = folder / "replay.jsonl", folder / "state.json"
    replay.write_text("".join(json.dumps(a) + "\n" for a in actions))
    command = [sys.executable, "-m", f"sketches.{sketch}", "--headless", "--replay", str(replay)]
    command += ["--state-json", str(state), *arguments]
    process = subprocess.Popen(command, cwd=folder, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    time.sleep(seconds)
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0
    return json.loads(state.read_text())


def test_a_note_sketch_left_alone_after_a_replay_slows_down(tmp_path):
    actions = cluster("c", [(200, 200), (220, 210)]) + key("e")
    state = run_until_signalled("classification", actions, tmp_path, seconds=12)
    assert len(state["samples"]) == 2  # the replay was played whole first, at full speed
    assert state["pace"]["idle"] and state["pace"]["idle_frames"] >= 2
    # Frames at the idle pace are at least a quarter of a second apart; 60 a second would have made hundreds more.
    assert state["timing"]["frames"] < 60 * 12 * 0.75


def test_a_large_file_comes_in_at_full_speed_with_no_one_at_the_keys(tmp_path):
    # Its samples are made and drawn a few a frame: at the idle pace, a class would watch an empty canvas for long.
    entries = [{"xs": {"x": 20 + i % 900, "y": 60 + i % 490}, "ys": {"label": "CDE"[i % 3]}} for i in range(30_000)]
    (tmp_path / "large.json").write_text(json.dumps({"data": entries}))
    state = run_until_signalled("classification", [], tmp_path, seconds=6, arguments=["--load", "large.json"])
    assert len(state["samples"]) == 30_000
    assert state["samples_drawn"] == 30_000, "the samples are not all drawn 6 s after the start"
