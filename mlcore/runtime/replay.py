"""Replay: the actions of a JSON Lines file become the pygame events a person's hand would have made."""

import json
import sys
import time

from mlcore.runtime.inputs import frames, mouse


class Replay:
    """Feeds the actions of a JSON Lines file into pygame's event queue, frame by frame."""

    def __init__(self, path):
        self.actions = []
        with open(path, encoding="utf-8") as lines:
            for number, line in enumerate(lines, 1):
                if line.strip():
                    try:
                        self.actions.append(json.loads(line))
                    except json.JSONDecodeError as error:
                        raise SystemExit(f"{path}:{number}: not JSON ({error.msg})")
        self.index = 0
        self.countdown = self.actions[0].get("after", 1) if self.actions else 0
        self.waiting_since = None
        self.finished_at_frame = None if self.actions else 0

    def feed(self, runner):
        """Post the events due this frame; returns an error message if a wait timed out."""
        while self.index < len(self.actions):
            action = self.actions[self.index]
            if self.countdown > 0:
                self.countdown -= 1
                return None
            if action.get("type") == "wait":
                if self.waiting_since is None:
                    self.waiting_since = time.perf_counter()
                if not runner.state_matches(action.get("until", {})):
                    if time.perf_counter() - self.waiting_since > action.get("timeout_s", 60):
                        return f"replay line {self.index + 1}: timed out waiting for {action.get('until')}"
                    return None
                self.waiting_since = None
            else:
                runner.post(action)
            self.index += 1
            if self.index < len(self.actions):
                self.countdown = self.actions[self.index].get("after", 1)
        if self.finished_at_frame is None:
            self.finished_at_frame = frames.count
        return None


def post_action(pygame, action, to_window):
    """Turn one replay action into the pygame event a person's hand would have made."""
    kind = action.get("type")
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
    else:
        print(f"replay: unknown action {action!r} ignored", file=sys.stderr)
