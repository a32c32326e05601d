"""The frame loop: opens the window, routes events to the sketch's hooks, draws one frame per `step()`."""

import json
import os
import signal
import sys
import threading
import time
import traceback

from mlcore import jobs
from mlcore.runtime.arguments import common_arguments, sketch_parser
from mlcore.runtime.hooks import hook_arguments, misspelt_hooks
from mlcore.runtime.inputs import frames, keyboard, mouse
from mlcore.runtime.replay import Recorder, Replay, ReplayError, post_action, read_actions

STARTED = time.perf_counter()  # first_frame_s counts from the moment the runtime is imported

DEFAULT_SIZE = (960, 600)
FPS = 60
# Seconds of sleep added to every frame: frames as a slower machine would draw them, to check that a recording
# still replays there (README.md, "Headless automation").
FRAME_DELAY_VARIABLE = "ML_SKETCHES_FRAME_DELAY"


class Runner:
    """Opens the window, routes events to the sketch's hooks, and draws frames one `step()` at a time."""

    def __init__(self, module, argv=None):
        self.module = module
        self.namespace = vars(module)
        parser = sketch_parser(_program_name(module), module.__doc__)
        common_arguments(parser)
        if "arguments" in self.namespace:
            self.namespace["arguments"](parser)
        self.args = parser.parse_args(argv)
        driver_chosen = "SDL_VIDEODRIVER" in os.environ
        if self.args.headless:
            os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
            os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        # A software framebuffer: with OpenGL behind the window, SDL loads Mesa and its LLVM, which clashes with
        # the LLVM that torch's triton package loads on first training, and the process crashes.
        os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
        import pygame

        self.pygame = pygame
        # Background work (training, feature extraction) hands the interpreter back to the draw loop more often:
        # frames stay smooth at a small cost in throughput.
        sys.setswitchinterval(0.001)
        pygame.display.init()
        pygame.font.init()
        if not (self.args.headless or driver_chosen) and pygame.display.get_driver() in ("offscreen", "dummy"):
            print("no display: there is no screen here to open a window on, so the sketch runs unseen (from a "
                  "desktop's terminal it shows; on a server use xvfb-run, or --headless for scripts)", file=sys.stderr)
        try:  # a replay file is checked whole before the window opens: one line names what is wrong
            actions = read_actions(self.args.replay, pygame.key.key_code) if self.args.replay else None
        except ReplayError as error:
            parser.exit(2, f"{parser.prog}: error: {error}\n")
        from mlcore.widgets import ui

        ui.forget_fonts()  # fonts made before an earlier pygame.quit() are dead
        self.size = (int(self.namespace.get("WIDTH", DEFAULT_SIZE[0])), int(self.namespace.get("HEIGHT", DEFAULT_SIZE[1])))
        title = self.namespace.get("TITLE") or _program_name(module)
        pygame.display.set_caption(title)
        self._open_window()
        self.canvas = pygame.Surface(self.size).convert()
        self.clock = pygame.time.Clock()
        self.running = True
        self.exit_status = 0
        self.errors = []
        self.banner = misspelt_hooks(self.namespace)
        for message in self.banner:
            print(message, file=sys.stderr)
        self.replay = Replay(actions) if actions is not None else None
        self.record = Recorder(self.args.record) if self.args.record else None
        self.frame_delay = _frame_delay()
        self.first_frame_s = None
        self.frame_ms_while_busy = []
        self.frame_ms_max = 0.0
        self.last_frame_start = None
        if threading.current_thread() is threading.main_thread():
            # A terminal's kill (SIGTERM) ends the sketch like closing its window: quitting() still saves.
            signal.signal(signal.SIGTERM, lambda number, frame: setattr(self, "running", False))
        self.call("setup", args=self.args)

    # -- the window ---------------------------------------------------------------------------------------------
    def _open_window(self):
        pygame = self.pygame
        if self.args.fullscreen:
            self.window = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            scaled = (round(self.size[0] * self.args.scale), round(self.size[1] * self.args.scale))
            self.window = pygame.display.set_mode(scaled, pygame.RESIZABLE)
        self._fit()

    def _fit(self):
        """Scale the canvas to the window, keeping its shape (black bars where the shapes differ)."""
        width, height = self.window.get_size()
        self.scale = min(width / self.size[0], height / self.size[1])
        self.offset = ((width - self.size[0] * self.scale) / 2, (height - self.size[1] * self.scale) / 2)

    def to_canvas(self, pos):
        return ((pos[0] - self.offset[0]) / self.scale, (pos[1] - self.offset[1]) / self.scale)

    def to_window(self, x, y):
        return (round(x * self.scale + self.offset[0]), round(y * self.scale + self.offset[1]))

    def on_canvas(self, x, y):
        return 0 <= x < self.size[0] and 0 <= y < self.size[1]

    # -- hooks -------------------------------------------------------------------------------------------------
    def call(self, name, **available):
        function = self.namespace.get(name)
        if function is None:
            return None
        try:
            return hook_arguments(function, available)
        except Exception as error:
            if self.args.headless:
                raise  # tests and scripts must see the failure
            line = f"{name}(): {type(error).__name__}: {error}"
            traceback.print_exc()
            if line not in self.errors:
                self.errors.append(line)
            return None

    def state(self):
        state = dict(self.call("state") or {})
        state.setdefault("timing", {}).update(self.timing())
        if self.errors or self.banner:
            state["runtime_messages"] = self.banner + self.errors
        return state

    def state_matches(self, until):
        state = self.call("state") or {}
        for field, wanted in until.items():
            value = state
            for part in field.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if value != wanted:
                return False
        return True

    def timing(self):
        busy = sorted(self.frame_ms_while_busy)
        percentile = busy[min(len(busy) - 1, int(0.95 * len(busy)))] if busy else None
        return {"first_frame_s": self.first_frame_s, "frames": frames.count,
                "frames_while_training": len(busy), "frame_ms_max_while_training": busy[-1] if busy else None,
                "frame_ms_p95_while_training": percentile, "frame_ms_max": self.frame_ms_max}

    # -- events --------------------------------------------------------------------------------------------------
    def post(self, action):
        """Turn one replay action into the pygame event a person's hand would have made."""
        post_action(self.pygame, action, self.to_window)

    def _record(self, action):
        if self.record is not None:
            self.record.write(action)

    def handle(self, event):
        """Route one pygame event to the sketch's hooks (and to the recording)."""
        self._handle(event)
        if self.record is not None:
            self.record.watch(jobs.busy())  # work that this event started, however short, gets a wait

    def _handle(self, event):
        pygame = self.pygame
        if event.type == pygame.QUIT:
            self.running = False
        elif event.type == pygame.VIDEORESIZE or event.type == getattr(pygame, "WINDOWSIZECHANGED", -1):
            self.window = pygame.display.get_surface()
            self._fit()
        elif event.type == pygame.KEYDOWN:
            name = pygame.key.name(event.key)
            if name == "escape":
                self.running = False
                return
            self._record({"type": "key_down", "key": name})
            if name in keyboard.held:
                return  # a held key's repeats are not new presses
            keyboard.held.add(name)
            self.call("key_pressed", key=name, unicode=getattr(event, "unicode", ""), mod=getattr(event, "mod", 0))
        elif event.type == pygame.KEYUP:
            name = pygame.key.name(event.key)
            self._record({"type": "key_up", "key": name})
            keyboard.held.discard(name)
            self.call("key_released", key=name)
        elif event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION):
            x, y = self.to_canvas(event.pos)
            mouse.x, mouse.y = x, y
            inside = self.on_canvas(x, y)
            if event.type == pygame.MOUSEMOTION:
                self._record({"type": "mouse_move", "x": round(x), "y": round(y)})
                if inside:
                    self.call("mouse_moved", x=x, y=y, buttons=set(mouse.buttons))
            elif event.button in (4, 5):
                return  # old-style wheel clicks; MOUSEWHEEL carries the wheel
            elif event.type == pygame.MOUSEBUTTONDOWN:
                self._record({"type": "mouse_down", "x": round(x), "y": round(y), "button": event.button})
                if inside:
                    mouse.buttons.add(event.button)
                    self.call("mouse_pressed", x=x, y=y, button=event.button)
            else:
                self._record({"type": "mouse_up", "x": round(x), "y": round(y), "button": event.button})
                if event.button in mouse.buttons:
                    mouse.buttons.discard(event.button)
                    self.call("mouse_released", x=x, y=y, button=event.button)
        elif event.type == pygame.MOUSEWHEEL:
            self.call("mouse_wheel", x=mouse.x, y=mouse.y, dy=event.y)
        elif event.type == pygame.DROPFILE:
            self._record({"type": "drop_file", "path": event.file})
            self.call("file_dropped", path=event.file)

    # -- one frame -------------------------------------------------------------------------------------------------
    def step(self):
        """Handle events, update and draw exactly one frame."""
        start = time.perf_counter()
        if self.last_frame_start is not None:
            interval = (start - self.last_frame_start) * 1000
            self.frame_ms_max = max(self.frame_ms_max, interval)
            if jobs.busy():
                self.frame_ms_while_busy.append(interval)
        dt = 0.0 if self.last_frame_start is None else start - self.last_frame_start
        self.last_frame_start = start
        if self.record is not None:
            self.record.watch(jobs.busy())
        if self.replay:
            problem = self.replay.feed(self)
            if problem:
                print(problem, file=sys.stderr)
                self.exit_status, self.running = 1, False
        for event in self.pygame.event.get():
            self.handle(event)
        self.call("update", dt=dt)
        self.call("draw", screen=self.canvas)
        self._draw_messages()
        self._present()
        frames.count += 1
        frames.seconds += dt
        if self.record is not None:
            self.record.frame_done()
        if self.first_frame_s is None:
            self.first_frame_s = time.perf_counter() - STARTED
        if self.args.max_frames and frames.count >= self.args.max_frames:
            self.running = False
        if (self.args.quit_after_replay and self.replay and self.replay.finished_at_frame is not None
                and frames.count >= self.replay.finished_at_frame + 5):
            self.running = False

    def _draw_messages(self):
        """Spelling hints and hook errors, in red along the bottom, so a student sees them."""
        lines = self.banner + self.errors
        if not lines:
            return
        from mlcore.widgets import ui

        for index, line in enumerate(lines[-3:]):
            ui.label(self.canvas, line, (8, self.size[1] - 8 - 26 * (len(lines[-3:]) - index - 1)), size=22,
                     colour=(255, 255, 255), background=(180, 20, 20), anchor="bottomleft")

    def _present(self):
        pygame = self.pygame
        if self.scale == 1 and self.offset == (0, 0):
            self.window.blit(self.canvas, (0, 0))
        else:
            self.window.fill((0, 0, 0))
            size = (round(self.size[0] * self.scale), round(self.size[1] * self.scale))
            self.window.blit(pygame.transform.smoothscale(self.canvas, size), (round(self.offset[0]), round(self.offset[1])))
        pygame.display.flip()

    def finish(self):
        """Tell the sketch, save what was asked for, stop the background work, and close."""
        self.call("quitting")
        if self.args.screenshot:
            self.pygame.image.save(self.window, self.args.screenshot)
        if self.args.state_json:
            with open(self.args.state_json, "w", encoding="utf-8") as out:
                json.dump(self.state(), out, indent=1, default=_jsonable)
        if self.record:
            self.record.close()
        jobs.shutdown()
        # pygame closes the window when the process ends; quitting and starting pygame again in one process
        # (as tests do) corrupts the events posted afterwards in pygame 2.6.1.

    def loop(self):
        try:
            while self.running:
                self.step()
                self.clock.tick(FPS)
                if self.frame_delay:
                    time.sleep(self.frame_delay)
        finally:  # even after a crash, the sketch's quitting() saves what a student collected
            self.finish()
        return self.exit_status


def _jsonable(value):
    """numpy numbers and arrays in a state dict become plain JSON."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _frame_delay():
    try:
        return max(0.0, float(os.environ.get(FRAME_DELAY_VARIABLE) or 0))
    except ValueError:
        return 0.0


def _program_name(module):
    name = getattr(module, "__spec__", None) and module.__spec__.name
    if name and name != "__main__":
        return f"python -m {name}"
    return os.path.basename(getattr(module, "__file__", "sketch"))


def run(module=None, argv=None):
    """Run the calling sketch until its window closes; exits the process with the runtime's status."""
    if module is None:
        caller = sys._getframe(1).f_globals["__name__"]
        module = sys.modules[caller]
    sys.exit(Runner(module, argv).loop())
