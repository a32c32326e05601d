"""How the New dataset view draws its parts: the Record button, the classes with their counts, and the newest
pictures of the chosen class. `view` is the `CollectionView` drawn."""

import pygame

from mlcore.widgets import ui
from mlcore.widgets.thumbnails import class_colour, image_surface


def draw_record_button(screen, view):
    """The Record button, saying which class it records and whether it does now."""
    button = view.record_button
    caption = (
        f"Recording {view.selected}…"
        if view.recording
        else f"Record {view.selected} (hold R)"
        if view.selected
        else "Record (hold R)"
    )
    button.caption = ui.cut(caption, button.rect.width - 20, 30)
    button.selected = view.recording
    button.enabled = view.selected is not None
    button.draw(screen)


def draw_rows(screen, view, collection):
    """Each class of the collection: its colour, its name, its count and a bar as long as the count."""
    classes = collection.classes
    if not classes:
        ui.label(screen, "No classes yet: click the box above, type a name", view.rows.topleft, size=26, colour=ui.DIM)
        ui.label(
            screen,
            "(thumbs up, empty desk…), then Add. Two classes or more.",
            (view.rows.x, view.rows.y + 30),
            size=26,
            colour=ui.DIM,
        )
        return
    counts = collection.counts()
    most = max(counts.values()) or 1
    # The colours the thumbnails will have: classes sorted, those without images left out of the dataset.
    filled = sorted(name for name in classes if counts[name])
    for index, name in enumerate(classes):
        row = view.row_rect(index)
        if row.bottom > view.rows.bottom + 4:
            ui.label(screen, f"…and {len(classes) - index} more", (row.x, row.y), size=22, colour=ui.DIM)
            break
        chosen = name == view.selected
        pygame.draw.rect(screen, (255, 255, 255) if chosen else (236, 236, 232), row, border_radius=6)
        if chosen:
            pygame.draw.rect(screen, ui.ACCENT, row, 3, border_radius=6)
        colour = class_colour(name, filled) if name in filled else ui.DIM
        pygame.draw.rect(screen, colour, (row.x + 8, row.centery - 8, 16, 16), border_radius=3)
        size = 28 if row.height >= 34 else 24
        ui.label(
            screen, ui.cut(name, 230, size, chosen), (row.x + 32, row.centery), size=size, bold=chosen, anchor="midleft"
        )
        count = counts[name]
        ui.label(
            screen,
            f"{count} image{'s' if count != 1 else ''}",
            (row.x + 390, row.centery),
            size=size,
            anchor="midright",
            colour=ui.ERROR if count == 0 else ui.INK,
        )
        bar = pygame.Rect(row.x + 404, row.centery - 6, row.right - row.x - 416, 12)
        pygame.draw.rect(screen, (214, 214, 218), bar, border_radius=6)
        if count:
            pygame.draw.rect(
                screen, colour, (bar.x, bar.y, max(6, round(bar.width * count / most)), bar.height), border_radius=6
            )


def draw_strip(screen, view, collection):
    """The newest pictures of the selected class, so a blurred or wrong one is seen at once."""
    if view.selected is None or view.selected not in collection.classes:
        return
    samples = [sample for sample in collection.samples if sample.label == view.selected]
    room = (view.strip.width + 8) // (view.THUMB + 8)
    ui.label(
        screen,
        ui.cut(f"Newest pictures of {view.selected}", view.strip.width, 24, True),
        view.strip.topleft,
        size=24,
        bold=True,
    )
    if not samples:
        ui.label(screen, "none yet", (view.strip.x, view.strip.y + 30), size=24, colour=ui.DIM)
        return
    for position, sample in enumerate(reversed(samples[-room:])):
        picture = view.thumbs.get(sample.id)
        if picture is None:
            picture = view.thumbs[sample.id] = image_surface(sample.image, view.THUMB)
        screen.blit(picture, (view.strip.x + position * (view.THUMB + 8), view.strip.y + 30))
