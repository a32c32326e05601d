"""How fast frames come: full speed while a person acts or something moves, a few a second while nothing does.

A window that draws 60 frames a second of a picture that does not change keeps a core busy: on a laptop that is
its fan and its battery, and it slows the training or the feature extraction it shares the cores with. After
IDLE_AFTER_S seconds without input, while nothing moves on its own, frames come IDLE_FPS times a second (a message
that times out or a countdown still changes on screen); while only background work runs (features, a training
whose host draws nothing that moves), WORK_FPS times a second: a progress bar moves on, and the cores go to the
work. Meanwhile the loop watches for input, so the first key, click or move of the mouse is drawn at once, and at
full speed again.
"""

import time

FPS = 60  # frames a second while a person acts or something moves
WORK_FPS = 15  # frames a second while only background work goes on
IDLE_FPS = 4  # frames a second while nothing moves
IDLE_AFTER_S = 1.0  # seconds without input before the frames slow down
POLL_S = 0.01  # how often an idle loop looks for input: the longest a first event waits for its frame


def frame_rate(counting, moving, working):
    """Frames a second while no one acts: FPS while frames are counted (a replay still playing, a recording) or the
    picture moves (a host that says it is `animating()`; a `draw` of the sketch's own, which may move on its own
    unless its `animating` hook says not), WORK_FPS while only background work runs, else IDLE_FPS."""
    if counting or moving:
        return FPS
    return WORK_FPS if working else IDLE_FPS


class FramePace:
    """Ends each frame: `tick(fps)` waits for the next one, 1/FPS after a person's input, else 1/fps."""

    def __init__(self, pygame, clock=time.monotonic, sleep=time.sleep):
        self.pygame = pygame
        self.clock = pygame.time.Clock()
        self.now, self.sleep = clock, sleep
        self.last_input = clock()
        self.fps = FPS  # the pace of the last wait
        self.idle_frames = 0  # frames drawn at IDLE_FPS, for the state

    def acted(self):
        """A person's input arrived (a key, a click, a move): full speed from now on."""
        self.last_input = self.now()

    @property
    def idle(self):
        return self.fps == IDLE_FPS

    def tick(self, fps):
        """Wait for the next frame: 1/FPS after the last one when a person acted in the last IDLE_AFTER_S seconds
        (or `fps` is FPS), else until 1/`fps` has passed or input arrives, whichever comes first."""
        started = self.now()
        self.fps = FPS if started - self.last_input < IDLE_AFTER_S else fps
        if self.fps >= FPS:
            self.clock.tick(FPS)
            return
        self.idle_frames += self.idle
        deadline = started + 1 / self.fps
        while self.now() < deadline and not self.pygame.event.peek():
            self.sleep(POLL_S)
        self.clock.tick()  # the clock's last frame is now: the next full-speed tick counts from here

    def state(self):
        return {"idle": self.idle, "idle_frames": self.idle_frames, "fps": self.fps}
