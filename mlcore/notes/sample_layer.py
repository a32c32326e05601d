"""The samples drawn once onto a transparent layer, so that a canvas of thousands of samples still draws fast.

Each note's circle is made once as a small picture (a sprite) and stamped wherever a sample of that note is; the
layer is redrawn only when the samples are removed or replaced, the view moves or the theme changes, and a new
sample is stamped onto it alone. Samples at the same place (a file's, or two clicks on one spot) would hide each
other: they are drawn as a stack, one circle per note fanned around the place, with a count where a note is there
more than once.
"""

import gc
import math
import time

import pygame

from mlcore.notes.tasks import SAMPLE_RADIUS, draw_note_circle
from mlcore.notes.text_sizes import sizes
from mlcore.runtime.inputs import frames
from mlcore.widgets import theme, ui

CLEAR = (255, 0, 255)  # the layer's see-through colour (a colour key blits far faster than per-pixel alpha)
SAME_PLACE = 4  # window pixels: samples closer than this hide each other, so they are one stack
BULK = 2000  # more new samples than this at once (a file's) are drawn over a few frames…
BUILD_S = 0.003  # …taking this much of each frame at least…
BUILD_UNTIL_S = 0.008  # …and more while the frame is lighter: up to this long from its start (60 a second: 17 ms)


class SampleLayer:
    """A transparent surface the size of the canvas with every sample on it."""

    def __init__(self, size):
        self.size = size
        self.surface = None
        self.key = None
        self.count = 0  # how many samples are on the layer
        self.ends = None  # the first and the last of them (a new list, or an undo, changes these)
        self.sprites = {}
        self.places = {}  # (cell x, cell y) -> the stacks whose place is in that cell
        self.stacks = []  # [place (x, y) on the window, [samples]]
        self.rects = []  # the rectangle each drawn stack takes (its whole fan), for labels to keep off
        self.texts = []  # (text, box) of the counts drawn onto the layer, audited with each frame…
        self.entries = theme.Entries([])  # …as `theme.audit_entry`s, made as they are drawn, at this scale:
        self.entries_scale = None
        self.letters = {}  # note -> the place of its first stack (where its letter is read)
        self.building = None  # [samples to place, how many are placed, the first stack not drawn] during a build

    def _sprite(self, colour, note):
        key = (tuple(colour), note, theme.current().name)
        if key not in self.sprites:
            side = 2 * SAMPLE_RADIUS + 4
            sprite = pygame.Surface((side, side))
            sprite.fill(CLEAR)
            draw_note_circle(sprite, side // 2, side // 2, colour, note)
            sprite.set_colorkey(CLEAR, pygame.RLEACCEL)
            self.sprites[key] = sprite
        return self.sprites[key]

    def draw(self, screen, samples, colours, transform):
        """Blit the layer; `transform` (factor, dx, dy) places the canvas point (x, y) at
        (x factor + dx, y factor + dy)."""
        self.update(samples, colours, transform)
        self.blit(screen)

    def update(self, samples, colours, transform):
        """Bring the layer up to `samples` (stamping new ones, redrawing all when some went or the view moved)."""
        key = (transform, theme.current().name, tuple(sorted(colours.items())))
        new = samples[self.count :]
        if self._stale(samples, key) or (self.building is None and len(new) > BULK and self.count):
            self._clear(key)  # many more at once: all drawn again, over a few frames
            new = samples
        if self.building is not None or len(new) > BULK:
            self._build(samples, colours, transform)
        elif new:
            if not self._add(new, colours, transform):  # a sample joined a stack already drawn: draw all again
                self._clear(key)
                self._build(samples, colours, transform)
                return
            self._drawn(samples, len(samples))

    def _stale(self, samples, key):
        """True when the layer no longer shows the first of `samples`: some went, the list is another, or the view
        moved (or a build's samples changed under it)."""
        shorter = len(samples) < self.count
        ends = (samples[0], samples[self.count - 1]) if self.count and not shorter else None
        building = self.building
        return (
            self.surface is None
            or key != self.key
            or shorter
            or ends != self.ends
            or (ends is not None and (ends[0] is not self.ends[0] or ends[1] is not self.ends[1]))
            or (
                building is not None
                and (len(samples) < self.count + len(building[0]) or samples[self.count] is not building[0][0])
            )
        )

    def _drawn(self, samples, count):
        """The first `count` of `samples` are on the layer."""
        self.count = count
        self.ends = (samples[0], samples[count - 1])

    def _build(self, samples, colours, transform):
        """Many samples at once (a file's): grouped into stacks, then drawn, for BUILD_S of each frame or until
        BUILD_UNTIL_S from its start, so that frames stay short however many there are; the layer fills in over a
        few frames."""
        deadline = time.perf_counter() + max(BUILD_S, BUILD_UNTIL_S - frames.elapsed())
        if self.building is None:
            self.building = [samples[self.count :], 0, len(self.stacks)]  # to place, placed, first stack to draw
        todo, placed, first = self.building
        factor, dx, dy = transform
        while placed < len(todo) and time.perf_counter() < deadline:
            for sample in todo[placed : placed + 200]:
                place = (round(sample.x * factor + dx), round(sample.y * factor + dy))
                stack = self._stack_at(place)
                if stack is None:
                    self._new_stack(place, sample)
                else:
                    stack[1].append(sample)
            placed = self.building[1] = min(len(todo), placed + 200)
        while placed == len(todo) and first < len(self.stacks) and time.perf_counter() < deadline:
            self._stamp(self.stacks[first : first + 20], colours)
            first = self.building[2] = min(len(self.stacks), first + 20)
        # The stacks stay as long as the samples: left out of the collector's full passes, as a file's samples are.
        # Each pass goes over every object not left out; tens of thousands of new stacks made them 50 ms long.
        gc.freeze()
        if placed == len(todo) and first == len(self.stacks):
            self.building = None
            self._drawn(samples, self.count + len(todo))

    def blit(self, screen):
        screen.blit(self.surface, (0, 0))
        self._audit()

    def _clear(self, key):
        if self.surface is None:
            self.surface = pygame.Surface(self.size)
            self.surface.set_colorkey(CLEAR)
        self.surface.fill(CLEAR)
        self.key, self.count, self.ends, self.places, self.stacks, self.rects, self.texts = key, 0, None, {}, [], [], []
        self.entries, self.entries_scale, self.letters = theme.Entries([]), theme.scale(), {}
        self.building = None

    def _add(self, new, colours, transform):
        """Stamp the new samples (stacks fanned out); False, having drawn nothing, when one of them lands on a stack
        or a sample already drawn."""
        factor, dx, dy = transform
        made, mine = [], set()
        for sample in new:
            place = (round(sample.x * factor + dx), round(sample.y * factor + dy))
            stack = self._stack_at(place)
            if stack is None:
                made.append(self._new_stack(place, sample))
                mine.add(id(made[-1]))
            elif id(stack) in mine:
                stack[1].append(sample)
            else:
                return False
        self._stamp(made, colours)
        return True

    def _stamp(self, stacks, colours):
        """Draw `stacks` onto the layer: a lone sample's circle stamped, a stack fanned out; note the rectangle each
        takes (stacks are whole when they are drawn: a sample that lands on a drawn one draws all again)."""
        half = SAMPLE_RADIUS + 2
        for (x, y), members in stacks:
            notes = 1 if len(members) == 1 else len({sample.note for sample in members})
            reach = half + (0 if notes == 1 else round(_spread(notes)))
            self.rects.append(pygame.Rect(x - reach, y - reach, 2 * reach, 2 * reach))
            self.letters.setdefault(members[0].note, (x, y))
        sprites = {note: self._sprite(colour, note) for note, colour in colours.items()}
        small = sizes().small
        height, cap = ui.line_height(small), ui.cap_height(small, True)
        self.surface.blits(
            [(sprites[members[0].note], (x - half, y - half)) for (x, y), members in stacks if len(members) == 1],
            doreturn=False,
        )
        for stack in stacks:
            if len(stack[1]) > 1:
                for text, box in self._draw_stack(stack, colours, sprites):
                    self.texts.append((text, box))
                    self.entries.add(theme.audit_entry(text, height, cap, box))

    def _stack_at(self, place):
        cx, cy = place[0] // SAME_PLACE, place[1] // SAME_PLACE
        for cell in ((cx + i, cy + j) for i in (-1, 0, 1) for j in (-1, 0, 1)):
            for stack in self.places.get(cell, ()):
                if abs(stack[0][0] - place[0]) < SAME_PLACE and abs(stack[0][1] - place[1]) < SAME_PLACE:
                    return stack
        return None

    def _new_stack(self, place, sample):
        stack = [place, [sample]]
        self.stacks.append(stack)
        self.places.setdefault((place[0] // SAME_PLACE, place[1] // SAME_PLACE), []).append(stack)
        return stack

    def obstacles(self):
        """The rectangles the samples take on the window (a stack: its whole fan), for labels to keep off."""
        return self.rects

    def _draw_stack(self, stack, colours, sprites):
        """One circle per note, fanned around the place (a dot marks it), each with its count when over one; yields
        each count's text and box."""
        (x, y), members = stack
        counts = {}
        for sample in members:
            counts[sample.note] = counts.get(sample.note, 0) + 1
        spread = 0 if len(counts) == 1 else _spread(len(counts))
        look = theme.current()
        pygame.draw.circle(self.surface, look.ink, (x, y), 4)
        for index, (note, count) in enumerate(counts.items()):
            angle = math.pi + 2 * math.pi * index / len(counts)
            cx, cy = round(x + spread * math.cos(angle)), round(y + spread * math.sin(angle))
            self.surface.blit(sprites[note], (cx - SAMPLE_RADIUS - 2, cy - SAMPLE_RADIUS - 2))
            if count > 1:
                at = (cx + SAMPLE_RADIUS - 2, cy + SAMPLE_RADIUS - 2)
                box = ui.label(
                    self.surface,
                    f"×{count}",
                    at,
                    size=sizes().small,
                    colour=look.ink,
                    anchor="center",
                    bold=True,
                    background=(255, 255, 255),
                    padding=1,
                )
                yield f"×{count}", box

    def _audit(self):
        """The layer's texts go to the frame's record with the frame's other texts: each note's letter once (as its
        first circle shows it) and every count. A count's entry is made as it is drawn: a canvas of thousands of
        samples has thousands of counts, too many to note in one frame."""
        if self.building is not None:
            return  # noted once the layer is whole
        if self.entries_scale != theme.scale():  # the window was resized under the layer: noted again at its scale
            small = sizes().small
            height, cap = ui.line_height(small), ui.cap_height(small, True)
            self.entries = theme.Entries([theme.audit_entry(text, height, cap, box) for text, box in self.texts])
            self.entries_scale = theme.scale()
        theme.record_entries(self._letter_entries())
        theme.record_entries(self.entries)

    def _letter_entries(self):
        size = sizes().letter
        typeface, cap = ui.font(size, True), ui.cap_height(size, True)
        entries = []
        for note, (x, y) in self.letters.items():
            box = typeface.size(note)
            entries.append(
                theme.audit_entry(note, typeface.get_height(), cap, (x - box[0] // 2, y + 1 - box[1] // 2, *box))
            )
        return entries

    def state(self):
        """The stacks: samples at one place, with how many of each note."""
        found = []
        for _, members in self.stacks:
            if len(members) > 1:
                notes = {}
                for sample in members:
                    notes[sample.note] = notes.get(sample.note, 0) + 1
                found.append({"x": members[0].x, "y": members[0].y, "count": len(members), "notes": notes})
        return found


def _spread(notes):
    """How far from their place the circles of a stack of `notes` notes lie: neighbours just touch."""
    return (SAMPLE_RADIUS + 1) / math.sin(math.pi / notes)
