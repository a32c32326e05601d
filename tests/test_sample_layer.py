"""The layer the note canvas draws its samples on: thousands laid out over a few frames, laid out again whole when
the view moves, and its texts audited as drawn; and the canvas's picture kept one frame more where the sketch's own
work already made the frame long."""

import time
from types import SimpleNamespace

import numpy as np
import pygame
import pytest

from mlcore.notes.canvas import NoteCanvas
from mlcore.notes.sample_files import Sample
from mlcore.notes.sample_layer import BULK, SampleLayer
from mlcore.runtime import frames
from mlcore.widgets import theme

SIZE = (960, 600)
COLOURS = {"C": (213, 94, 0), "E": (0, 158, 115)}
WHOLE, BESIDE_A_POPUP = (1.0, 0.0, 0.0), (0.5, 0.0, 20.0)  # (factor, dx, dy): the canvas's place on the window


@pytest.fixture
def screen():
    pygame.display.init()
    yield pygame.display.set_mode(SIZE)
    frames.started = None


def many_samples(count=3 * BULK, seed=0):
    """`count` samples over the left of the canvas, and the last one alone on its right, at (850, 300)."""
    rng = np.random.default_rng(seed)
    places = zip(rng.uniform(20, 700, count), rng.uniform(60, 550, count))
    crowd = [Sample(round(x, 1), round(y, 1), "CE"[i % 2], 261.63) for i, (x, y) in enumerate(places)]
    return crowd + [Sample(850.0, 300.0, "E", 329.63)]


def frame(layer, screen, samples, transform, started_ago=0.0):
    """One frame's drawing of the layer, `started_ago` seconds into the frame."""
    frames.started = time.perf_counter() - started_ago
    theme.begin_frame(screen)
    layer.draw(screen, samples, COLOURS, transform)


def lay_out(layer, screen, samples, transform, most_frames=2000):
    """Frames until the layer shows every sample; how many it took."""
    for count in range(1, most_frames + 1):
        frame(layer, screen, samples, transform)
        if layer.building is None and layer.count == len(samples) and layer.key[0] == transform:
            return count
    raise AssertionError(f"after {most_frames} frames the layer shows {layer.count} of {len(samples)} samples")


def colour_at(layer, x, y):
    """The colour inside the circle of a sample at (x, y), left of its letter."""
    return tuple(layer.surface.get_at((round(x) - 10, round(y))))[:3]


def test_a_view_that_moves_under_thousands_of_samples_lays_them_all_out_again(screen):
    samples = many_samples()
    assert lay_out(layer := SampleLayer(SIZE), screen, samples, WHOLE) > 1  # over several frames, not in one
    assert colour_at(layer, 850, 300) == COLOURS["E"]

    assert lay_out(layer, screen, samples, BESIDE_A_POPUP) > 1  # the popup opened: the canvas moved and shrank
    assert layer.count == len(samples)
    assert sum(len(members) for _, members in layer.stacks) == len(samples)
    factor, dx, dy = BESIDE_A_POPUP
    assert colour_at(layer, 850 * factor + dx, 300 * factor + dy) == COLOURS["E"]
    assert colour_at(layer, 850, 300) != COLOURS["E"]  # not where it was


def test_a_frame_the_sketchs_own_work_made_long_keeps_the_picture_it_has_one_frame_more_never_two(screen):
    canvas = NoteCanvas("classification", *SIZE)
    canvas.speaker = SimpleNamespace(available=True, notice="", play=lambda hz: None)
    for sample in many_samples(count=BULK // 2):
        canvas.add_sample(sample.x, sample.y, sample.note)
    picture = pygame.Surface(SIZE)

    def drawn(started_ago):
        frames.started = time.perf_counter() - started_ago
        canvas.draw(picture)
        return pygame.image.tobytes(picture, "RGB")

    before = drawn(0.0)
    canvas.add_sample(850, 80, "C")  # a change the next frame should show…
    assert drawn(0.08) == before  # …but T's loop of add_data took 80 ms of it: the picture stays
    assert drawn(0.08) != before  # the next frame draws, however long it is
    assert drawn(0.0) == drawn(0.0)


def test_every_count_drawn_is_in_the_frames_text_audit_and_every_stack_is_kept_clear_of_labels(screen):
    rng = np.random.default_rng(1)
    spots = rng.uniform(60, 540, size=(500, 2))  # 500 places with 4 to 9 samples each, of one note or of two
    samples = [
        Sample(float(x), float(y), "CE"[(i + j) % 2] if i % 3 else "C", 261.63)
        for i, (x, y) in enumerate(spots)
        for j in range(4 + i % 6)
    ]
    layer = SampleLayer(SIZE)
    lay_out(layer, screen, samples, WHOLE)
    frame(layer, screen, samples, WHOLE)
    counts = sorted(
        f"×{members.count(note)}"
        for _, stack in layer.stacks
        for members in [[sample.note for sample in stack]]
        for note in set(members)
        if members.count(note) > 1
    )
    audit = theme.report()["text_audit"]
    assert sorted(entry["text"] for entry in audit if entry["text"].startswith("×")) == counts
    assert all(entry["cap_px"] and entry["box"] for entry in audit)
    assert {entry["text"] for entry in audit} >= {"C", "E"}  # each note's letter, once
    assert len(layer.obstacles()) == len(layer.stacks)
    for ((x, y), _), rect in zip(layer.stacks, layer.obstacles()):
        assert rect.collidepoint(x, y)
