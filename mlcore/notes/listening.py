"""A drag across the trained canvas, heard and drawn: the speaker's voice follows the network's answers while the
button is held, and a trail in the answers' colours keeps where each was heard (until the next drag).

Experiment 3 of the course asks where the network hesitates: dragging across a border, the class hears the note
change there, quieter and wavering where the network is unsure.
"""

import pygame

from mlcore.notes import arguments
from mlcore.widgets import theme, ui

LISTEN_FIELDS = {"classification": ("label", "confidence"), "regression": ("frequency",)}


class Listening:
    """Every drag of the session, each as the answers heard along it; the latest is the trail, and sounds while
    the button is held."""

    def __init__(self):
        self.active = False
        self.drags = []  # per drag: {"heard": its answers, "released": where in the sound the button was let go}
        self.trail = []  # the latest drag's answers, drawn (until the next drag, or a new network)

    def hear(self, canvas, x, y, answer):
        """The answer at (x, y) sounds now and joins the trail; the first of a drag clears the last drag's trail."""
        check_answer(canvas.task.name, x, y, answer)
        speaker = canvas.speaker
        if not self.active:  # the tone of the click that began the drag rings on under the voice, and ends
            self.active, self.trail = True, []
            self.drags.append({"heard": self.trail, "released": None})
        hz, loudness, tremolo, colour = canvas.task.sound_of(answer, canvas)
        if speaker is not None:
            speaker.hold(hz, loudness, tremolo)
        frame = speaker.frames if speaker is not None else 0  # where in the sound this answer begins to be heard
        self.trail.append(
            {
                "x": round(float(x), 1),
                "y": round(float(y), 1),
                **answer,
                "hz": round(hz, 2),
                "colour": [round(value) for value in colour],
                "frame": frame,
            }
        )

    def stop(self, speaker):
        """The button is let go: the voice fades out; the trail stays until the next drag."""
        if self.active and speaker is not None:
            speaker.let_go()
            self.drags[-1]["released"] = speaker.frames
        self.active = False

    def forget(self):
        """A new network: the last one's trail goes."""
        self.trail = []

    def draw(self, screen, to_view):
        """The trail, each stretch in the colour of the answer heard at its end, outlined so that a pale note shows
        on the paper and on the map; drawn under the samples, so it hides none of them. A run of stretches of one
        colour is one line (a ten-second drag draws in about a millisecond)."""
        if not self.trail:
            return
        width = 3 * theme.current().stroke
        points = [to_view(point["x"], point["y"]) for point in self.trail]
        if len(points) == 1:  # a drag of one move: a dot
            pygame.draw.circle(screen, self.trail[0]["colour"], points[0], width)
            return
        pygame.draw.lines(screen, ui.INK, False, points, width + 4)
        runs = []  # (colour, points): each run starts where the one before ended
        for point, start, end in zip(self.trail[1:], points, points[1:]):
            if runs and runs[-1][0] == point["colour"]:
                runs[-1][1].append(end)
            else:
                runs.append((point["colour"], [start, end]))
        for colour, stretch in runs:
            pygame.draw.lines(screen, colour, False, stretch, width)

    def state(self):
        return {"active": self.active, "drags": [dict(drag, heard=list(drag["heard"])) for drag in self.drags]}


def check_answer(task, x, y, answer):
    """`listen` takes the place and the answer's fields of the task (label and confidence, or frequency)."""
    call = "listen(x, y, " + ", ".join(f"{name}=…" for name in LISTEN_FIELDS[task]) + ")"
    arguments.check_place(call, x, y)
    if sorted(answer) != sorted(LISTEN_FIELDS[task]):
        raise TypeError(f"{call} for a {task} (it was given {', '.join(sorted(answer)) or 'no answer'})")
    for name, value in answer.items():
        if not (isinstance(value, str) if name == "label" else arguments.finite(value)):
            raise TypeError(f"{call}: {name} must be {'a text' if name == 'label' else 'a number'} (not {value!r})")
