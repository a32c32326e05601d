"""The frame loop: opens the window, routes events to the sketch's hooks, draws one frame per `step()`.

Also here: a mistake in the sketch's code shown on screen while the lesson goes on (errors.py), the sketch's file
reloaded when it is saved (reload.py), and a quit that the sketch may refuse once when something would be lost.
"""

import json
import os
import signal
import sys
import threading
import time

from mlcore import jobs
from mlcore.files import output_folders, remove_stale_parts
from mlcore.knob_rules import DEFAULT_SIZE, canvas_size
from mlcore.runtime.arguments import common_arguments, sketch_parser
from mlcore.runtime.error_list import TIP, ErrorList
from mlcore.runtime.errors import HookErrors, Notices, draw_bars
from mlcore.runtime.events import handle_event, take_answer
from mlcore.runtime.frame_times import FrameTimes, process_facts
from mlcore.runtime.hooks import find_hook, hook_arguments, host_point, misspelt_hooks
from mlcore.runtime.inputs import frames
from mlcore.runtime.knobs import knob_values, located, merged
from mlcore.runtime.pace import FramePace, frame_rate
from mlcore.runtime.reload import SketchFile, carry_over, fresh_module, sketch_path
from mlcore.runtime.replay import Recorder, Replay, ReplayError, post_action, read_actions
from mlcore.runtime.watchdog import HookTimeout, Watchdog
from mlcore.runtime.window import Fit, NoDisplay, open_window, start_display

# Seconds of sleep added to every frame: frames as a slower machine would draw them, to check that a recording
# still replays there (README.md, "Headless automation").
FRAME_DELAY_VARIABLE = "ML_SKETCHES_FRAME_DELAY"
EXIT_SKETCH_RAISED = 1  # the sketch's code raised during the run (the lesson went on; tracebacks are on stderr)
EXIT_LOST = 3  # quitting() said that something could not be saved


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
        self.pygame = pygame = _start_pygame(self.args, parser)
        try:  # a replay file is checked whole before the window opens: one line names what is wrong
            actions = read_actions(self.args.replay, pygame.key.key_code) if self.args.replay else None
        except ReplayError as error:
            parser.exit(2, f"{parser.prog}: error: {error}\n")
        from mlcore.widgets import ui

        ui.forget_fonts()  # fonts made before an earlier pygame.quit() are dead
        pygame.display.set_caption(str(self.namespace.get("TITLE") or _program_name(module)))
        self.notices = Notices()
        self.errors = HookErrors(sketch_path(module))
        self.error_list = ErrorList()
        self.error_bar_top = None  # where the bars along the bottom begin (a click there opens the error list)
        self.watchdog = Watchdog(sketch_path(module))
        self.stopped = set()  # the sketch's hooks stopped for never ending: not called again until a reload
        self.open_canvas(self.check_knobs())
        self.pace = FramePace(pygame)
        self.running, self.exit_status = True, 0
        self.quit_refused = self.closed_by_quit = self.lost = False
        self.banner = misspelt_hooks(self.namespace)
        for message in self.banner:
            print(message, file=sys.stderr)
        self.replay = Replay(actions) if actions is not None else None
        self.record = Recorder(self.args.record) if self.args.record else None
        self.frame_delay = _frame_delay()
        self.times = FrameTimes()
        reload_wanted = self.args.reload if self.args.reload is not None else not self.args.replay
        self.watch = SketchFile(sketch_path(module)) if reload_wanted and sketch_path(module) else None
        self.reloads_done = self.reloads_failed = 0
        if threading.current_thread() is threading.main_thread():
            # A terminal's kill (SIGTERM) ends the sketch like closing its window: quitting() still saves.
            signal.signal(signal.SIGTERM, lambda number, frame: setattr(self, "running", False))
        for folder in output_folders():  # what writes killed in an earlier run left (S, M, F12, autosaves)
            remove_stale_parts(folder)
        self.call("setup", args=self.args)
        self.notices.hand_over(self.hand_notice)

    # -- the window ---------------------------------------------------------------------------------------------
    def open_canvas(self, size):
        """Open the window for a canvas of `size` (again, at another size, after a reload changed WIDTH or HEIGHT)."""
        self.size = size
        self.window, notice = open_window(self.pygame, size, self.args.scale, self.args.fullscreen)
        if notice:
            self.notices.say(notice, seconds=8)
        self.fit = Fit(size, self.window.get_size())
        self.canvas = self.pygame.Surface(size).convert()
        self.last_good = self.canvas.copy()  # a failing draw() leaves the last good frame under the error
        self.frame = None

    def window_changed(self):
        self.window = self.pygame.display.get_surface()
        self.fit = Fit(self.size, self.window.get_size())

    def to_canvas(self, pos):
        return self.fit.to_canvas(pos)

    def to_window(self, x, y):
        return self.fit.to_window(x, y)

    def on_canvas(self, x, y):
        return 0 <= x < self.size[0] and 0 <= y < self.size[1]

    def host_point(self, x, y):
        """The place the mouse hooks are given for the canvas point (x, y) (the host may show a shrunk view)."""
        return host_point(self.namespace, x, y)

    # -- hooks -------------------------------------------------------------------------------------------------
    def call(self, name, **available):
        """Call the sketch's hook `name` if it has one (or else its host's method of that name); an exception is
        shown on screen, and the lesson goes on."""
        function = find_hook(self.namespace, name, skip_sketch=name in self.stopped)
        if function is None:
            return None
        try:
            with self.watchdog.watching(name):
                result = hook_arguments(function, available)
        except HookTimeout as error:  # an endless loop, stopped: the sketch's hook is called no more until a reload
            self.errors.failed(name, error)
            if function is self.namespace.get(name):
                self.stopped.add(name)
            return None
        except Exception as error:
            self.errors.failed(name, error)
            return None
        if name not in self.stopped:
            self.errors.succeeded(name)
        return result

    def check_knobs(self):
        """The sketch's knobs checked (WIDTH and HEIGHT here, the others by its `knobs` hook), each bad one on the
        red bar by name and line; returns the canvas size to use."""
        size, own = canvas_size(self.namespace, DEFAULT_SIZE)
        said = self.call("knobs", values=knob_values(self.namespace))
        sentences = merged(own, [str(sentence) for sentence in said] if isinstance(said, (list, tuple)) else [])
        self.errors.forget("knob ")
        for line in located(sentences, sketch_path(self.module)):
            self.errors.problem(f"knob {line}", line)
        return size

    def hand_notice(self, text, seconds, error):
        """A runtime notice for the sketch's own message bar, through its `notice` hook: True if it took it."""
        if find_hook(self.namespace, "notice") is None:
            return False
        self.call("notice", text=text, seconds=seconds, error=error)
        return not self.errors.failing("notice")

    def state(self):
        state = dict(self.call("state") or {})
        state.setdefault("timing", {}).update(self.times.timing())
        state["process"] = process_facts()
        state["window"] = {"size": list(self.window.get_size()), "scale": round(self.fit.scale, 4)}
        state["reloads"] = self.reloads()
        state["pace"] = self.pace.state()
        messages = self.banner + self.errors.log + self.notices.log
        if messages:
            state["runtime_messages"] = messages
        state["error_list"] = self.error_list.state(self.errors)
        state["runtime_bar"] = [text for text, _ in self._bar_lines()]  # what the runtime draws over the canvas
        return state

    def frame_rate(self):
        """Frames a second while no one acts (`pace.frame_rate`)."""
        replaying = self.replay is not None and (self.replay.finished_at_frame is None or self.args.quit_after_replay)
        counting = replaying or bool(self.record is not None or self.args.max_frames)
        own_draw = "draw" in self.namespace and "animating" not in self.namespace
        return frame_rate(counting, own_draw or self.call("animating") is not False, jobs.busy())

    def state_matches(self, until):
        state = dict(self.call("state") or {}, reloads=self.reloads())
        for field, wanted in until.items():
            value = state
            for part in field.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if value != wanted:
                return False
        return True

    # -- events --------------------------------------------------------------------------------------------------
    def post(self, action):
        """Turn one replay action into the pygame event a person's hand would have made."""
        post_action(self.pygame, action, self.to_window)

    def record_action(self, action):
        if self.record is not None:
            self.record.write(action)

    def handle(self, event):
        """Route one pygame event to the sketch's hooks (and to the recording)."""
        self.pace.acted()
        handle_event(self, event)
        if self.record is not None:
            self.record.watch(jobs.busy())  # work that this event started, however short, gets a wait

    # -- live reload ------------------------------------------------------------------------------------------------
    def reload(self):
        """Run the saved file's new code; the old code keeps running if the new one fails to import or set up."""
        old_module, old_namespace = self.module, self.namespace
        try:
            with self.watchdog.watching("reload"):
                module = fresh_module(old_module)
                self.namespace = vars(module)
                size = self.check_knobs()
                if "setup" in self.namespace:
                    hook_arguments(self.namespace["setup"], {"args": self.args})
        except (Exception, HookTimeout) as error:
            self.namespace = old_namespace
            self.check_knobs()  # the old code's knobs, which it goes on running with
            self.errors.failed("reload", error)
            self.reloads_failed += 1
            return False
        carry_over(old_namespace, self.namespace)
        self.module = module
        self.stopped.clear()
        self.errors.forget("", keep="knob ")  # the new code's hooks show their own mistakes
        if size != self.size:
            self.open_canvas(size)
        self.pygame.display.set_caption(str(self.namespace.get("TITLE") or _program_name(module)))
        self.call("reloaded", old_module=old_module)
        self.banner = misspelt_hooks(self.namespace)
        self.reloads_done += 1
        self.notices.say(f"reloaded {os.path.basename(module.__file__)}")
        return True

    def reloads(self):
        return {"done": self.reloads_done, "failed": self.reloads_failed}

    # -- one frame -------------------------------------------------------------------------------------------------
    def step(self):
        """Handle events, update and draw exactly one frame."""
        dt = self.times.frame_started()
        if self.watch is not None and self.watch.changed():
            self.reload()
        if self.record is not None:
            self.record.watch(jobs.busy())
        if self.replay:
            problem = self.replay.feed(self)
            if problem:
                print(problem, file=sys.stderr)
                self.exit_status, self.running = 1, False
        for event in self.pygame.event.get():
            self.handle(event)
        self.call("update", dt=dt, frame_count=frames.count)
        self.last_good.blit(self.canvas, (0, 0))
        failures = self.errors.failures
        self.call("draw", screen=self.canvas)
        if self.errors.failures != failures:
            self.canvas.blit(self.last_good, (0, 0))
        self.fit.present(self.pygame, self.window, self._with_messages())
        frames.count += 1
        frames.seconds += dt
        if self.record is not None:
            self.record.frame_done()
        self.times.frame_done()
        if self.args.max_frames and frames.count >= self.args.max_frames:
            self.running = False
        if (
            self.args.quit_after_replay
            and self.replay
            and self.replay.finished_at_frame is not None
            and frames.count >= self.replay.finished_at_frame + 5
        ):
            self.running = False

    def _with_messages(self):
        """The canvas, with spelling hints, errors (red) and notices along the bottom, on a copy of its own: the
        sketch's canvas stays as it drew it (a sketch that never clears it keeps its picture)."""
        lines = self._bar_lines()
        if not lines and not self.error_list.visible:
            self.error_bar_top = None
            return self.canvas
        if self.frame is None:
            self.frame = self.canvas.copy()
        self.frame.blit(self.canvas, (0, 0))
        self.error_bar_top = draw_bars(self.frame, lines, tip=TIP if self.errors.recent else "")
        if self.error_list.visible:
            self.error_list.draw(self.frame, self.errors)
        return self.frame

    def _bar_lines(self):
        return [(line, True) for line in self.banner + self.errors.lines()] + self.notices.current()

    def finish(self):
        """Tell the sketch (unless a quit already did), save what was asked for, stop the background work."""
        if not self.closed_by_quit:
            take_answer(self, self.call("quitting"))
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
        """`step()` until the window closes; returns the exit status (0, or EXIT_SKETCH_RAISED, EXIT_LOST…)."""
        try:
            while self.running:
                self.step()
                self.pace.tick(self.frame_rate())
                if self.frame_delay:
                    time.sleep(self.frame_delay)
        finally:  # even after a crash, the sketch's quitting() saves what a student collected
            self.finish()
        if self.lost:
            return EXIT_LOST
        return self.exit_status or (EXIT_SKETCH_RAISED if self.errors.log else 0)


def _start_pygame(args, parser):
    """pygame with its display started, or one sentence and exit status 1 when no window can open here."""
    driver_chosen = "SDL_VIDEODRIVER" in os.environ
    if args.headless:
        os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    # A software framebuffer: with OpenGL behind the window, SDL loads Mesa and its LLVM, which clashes with
    # the LLVM that torch's triton package loads on first training, and the process crashes.
    os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    import pygame

    # Background work (training, feature extraction) hands the interpreter back to the draw loop more often:
    # frames stay smooth at a small cost in throughput.
    sys.setswitchinterval(0.001)
    try:
        start_display(pygame, args.headless, driver_chosen)
    except NoDisplay as error:
        parser.exit(1, f"{error}\n")
    pygame.font.init()
    return pygame


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
