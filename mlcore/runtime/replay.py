"""Replay and record: JSON Lines files of actions, played as the pygame events a person's hand would have made.

A recording keeps the frames between two actions (`"after"`), and, wherever background work (training, feature
extraction) ran, a `{"type": "wait", "for": "idle"}` line: on a slower machine the replay holds there until the
work is done, instead of clicking before training ended.
"""

import json
import math
import time

from mlcore import jobs
from mlcore.files import parse_json, read_bytes, utf8_text
from mlcore.runtime.inputs import frames, mouse

ACTIONS = ("key_down", "key_up", "mouse_down", "mouse_up", "mouse_move", "drop_file", "wait")
DEFAULT_TIMEOUT_S = 60


class ReplayError(Exception):
    """A replay file that cannot be played; the message names the file and the line."""


def read_actions(path, key_code):
    """The actions of a replay file as (line number, action) pairs, each checked before anything is played.

    `key_code` turns a key name into pygame's code and raises ValueError for a name it does not know.
    """
    actions = []
    text, _ = utf8_text(read_bytes(path, "a replay file", ReplayError), path, ReplayError, what="a replay file")
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            action = parse_json(line, f"{path}, line {number}", ReplayError)
            problem = action_problem(action, key_code)
            if problem:
                raise ReplayError(f"{path}, line {number}: {problem}")
            actions.append((number, action))
    return actions


def action_problem(action, key_code):
    """What is wrong with one replay action, or None."""
    if not isinstance(action, dict):
        return 'not an action (a JSON object such as {"type": "key_down", "key": "c"})'
    kind = action.get("type")
    if kind not in ACTIONS:
        return f"unknown action type {json.dumps(kind)} (known: {', '.join(ACTIONS)})"
    after = action.get("after", 1)
    if not _whole(after) or after < 0:
        return f'"after" must be a whole number of frames, 0 or more, not {json.dumps(after)}'
    if kind in ("key_down", "key_up"):
        return _key_problem(action.get("key"), key_code)
    if kind.startswith("mouse_"):
        for axis in ("x", "y"):
            if axis in action and not _finite(action[axis]):
                return f'"{axis}" must be a finite number, not {json.dumps(action[axis])}'
        button = action.get("button", 1)
        if not _whole(button) or button < 1:
            return f'"button" must be 1 (left), 2 (middle), 3 (right)…, not {json.dumps(button)}'
    if kind == "drop_file" and not isinstance(action.get("path"), str):
        return 'drop_file needs a "path"'
    if kind == "wait":
        return _wait_problem(action)
    return None


def _key_problem(name, key_code):
    if not isinstance(name, str):
        return f'a key action needs a "key" name, not {json.dumps(name)}'
    try:
        key_code(name)
    except ValueError:
        return f'unknown key name {json.dumps(name)} (pygame\'s names: "a", "space", "left shift", "page up"…)'
    return None


def _wait_problem(action):
    until, wanted = action.get("until"), action.get("for")
    if until is None and wanted is None:
        return 'a wait needs "until" (state fields and their values) or "for": "idle"'
    if until is not None and not isinstance(until, dict):
        return f'"until" must be an object such as {{"mode": "predicting"}}, not {json.dumps(until)}'
    if wanted is not None and wanted != "idle":
        return f'"for" can only be "idle", not {json.dumps(wanted)}'
    timeout = action.get("timeout_s", DEFAULT_TIMEOUT_S)
    if not _finite(timeout) or timeout <= 0:
        return f'"timeout_s" must be a number of seconds above 0, not {json.dumps(timeout)}'
    return None


def _whole(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _finite(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _waiting_for(action):
    parts = ([str(action["until"])] if "until" in action else []) + (
        ["the background work to end"] if action.get("for") == "idle" else []
    )
    return " and ".join(parts)


class Replay:
    """Feeds checked actions into pygame's event queue, frame by frame."""

    def __init__(self, actions):
        self.actions = actions  # (line number, action) pairs, from read_actions
        self.index = 0
        self.countdown = self.actions[0][1].get("after", 1) if self.actions else 0
        self.waiting_since = None
        self.finished_at_frame = None if self.actions else 0

    def feed(self, runner):
        """Post the events due this frame; returns an error message if a wait timed out."""
        while self.index < len(self.actions):
            number, action = self.actions[self.index]
            if self.countdown > 0:
                self.countdown -= 1
                return None
            if action["type"] == "wait":
                if self.waiting_since is None:
                    self.waiting_since = time.perf_counter()
                idle = action.get("for") != "idle" or not jobs.busy()
                if not (idle and runner.state_matches(action.get("until", {}))):
                    if time.perf_counter() - self.waiting_since > action.get("timeout_s", DEFAULT_TIMEOUT_S):
                        return f"replay line {number}: timed out waiting for {_waiting_for(action)}"
                    return None
                self.waiting_since = None
            else:
                runner.post(action)
            self.index += 1
            if self.index < len(self.actions):
                self.countdown = self.actions[self.index][1].get("after", 1)
        if self.finished_at_frame is None:
            self.finished_at_frame = frames.count
        return None


class Recorder:
    """Writes what a person does as replay lines, with a wait for idle wherever background work ran."""

    def __init__(self, path):
        self.file = open(path, "w", encoding="utf-8")
        self.frames = 0  # frames since the last line written
        self.busy_since = None  # when background work was first seen since it was last idle

    def watch(self, busy):
        """Called at the start of each frame and after each event: note when background work starts and ends."""
        now = time.perf_counter()
        if busy and self.busy_since is None:
            self.busy_since = now
        elif not busy and self.busy_since is not None:
            # Ten times the time it took here, so that a slower machine still gets there.
            timeout = max(DEFAULT_TIMEOUT_S, math.ceil(10 * (now - self.busy_since)))
            self.write({"type": "wait", "for": "idle", "timeout_s": timeout})
            self.busy_since = None

    def write(self, action):
        self.file.write(json.dumps({"after": self.frames, **action}) + "\n")
        self.file.flush()
        self.frames = 0

    def frame_done(self):
        self.frames += 1

    def close(self):
        self.file.close()


def post_action(pygame, action, to_window):
    """Turn one replay action into the pygame event a person's hand would have made."""
    kind = action["type"]
    if kind in ("key_down", "key_up"):
        name = action["key"]
        code = pygame.key.key_code(name)
        event_type = pygame.KEYDOWN if kind == "key_down" else pygame.KEYUP
        unicode = name if len(name) == 1 else ""
        pygame.event.post(pygame.event.Event(event_type, key=code, mod=0, unicode=unicode, scancode=0))
    elif kind in ("mouse_down", "mouse_up", "mouse_move"):
        pos = to_window(action.get("x", mouse.x), action.get("y", mouse.y))
        if kind == "mouse_move":
            pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
        else:
            event_type = pygame.MOUSEBUTTONDOWN if kind == "mouse_down" else pygame.MOUSEBUTTONUP
            pygame.event.post(pygame.event.Event(event_type, pos=pos, button=action.get("button", 1)))
    elif kind == "drop_file":
        pygame.event.post(pygame.event.Event(pygame.DROPFILE, file=action["path"]))
