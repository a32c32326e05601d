"""A run with no person at the keyboard (`--quit-when-idle`): it quits once nothing runs or waits, and a step that
failed (loading, training, predicting, saving, exporting) is one line on stderr and exit status EXIT_STEP_FAILED.

    image_classifier: loading failed: broken.json: not valid JSON, … (not done: training)
"""

import sys

import pygame

from mlcore.image_app.steps import step_name

EXIT_STEP_FAILED = 4  # the runtime's: 1 a hook raised, 2 a bad command line or replay, 3 something not saved


class Batch:
    """Whether the run quits when idle, and the lines of the steps that failed."""

    def __init__(self):
        self.quit_when_idle = False
        self.quit_posted = False
        self.failed = []  # one line per failed step, as printed

    def step_failed(self, step, error, dropped=()):
        """A step failed: in a batch run, one line on stderr says what and why (and which steps it leaves undone)."""
        if not self.quit_when_idle:
            return
        line = f"image_classifier: {step_name(step)} failed: {error or 'no reason given'}"
        if dropped:
            line += f" (not done: {', '.join(step_name(waiting) for waiting in dropped)})"
        self.failed.append(line)
        print(line, file=sys.stderr, flush=True)

    def update(self, idle, frame_count):
        """Once a frame: post the window's close once nothing runs or waits (after the first frames)."""
        if self.quit_when_idle and idle and not self.quit_posted and frame_count > 1:
            self.quit_posted = True
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    @property
    def exit_status(self):
        """EXIT_STEP_FAILED when a step failed, else None (the runtime's own status stands)."""
        return EXIT_STEP_FAILED if self.failed else None
