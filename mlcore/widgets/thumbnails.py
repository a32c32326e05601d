"""Thumbnails of a dataset's images: small pygame pictures made once, a browsable grid of them, an enlarged view.

The grid shows a list of (split, index) items, a page at a time: the mouse wheel moves it a row, the two arrow
buttons in its header a page. Under each picture a strip in its class's colour names the class, so a student can
read the classes from across the room. Pictures are shrunk with OpenCV on first sight and kept, and at most
New ones are made for at most `MAKE_S` of a frame, so that opening a page of a large dataset never stalls the window.
"""

import time

import cv2
import numpy as np
import pygame

from mlcore.widgets import theme, ui
from mlcore.widgets.class_colours import class_colours, colour_at

MAKE_S = 0.006  # seconds of a frame spent making new pictures (one at least, whatever their size)
ARROW = 34  # the side of a page button


def class_colour(which, classes=None):
    """The colour of class `which` (a name) among `classes`: the colour its name names ("red", "vert"…), else one
    by its position among the others. Given a number and no class list, the palette's colour at that position."""
    if classes is None:
        return colour_at(which)
    return class_colours(tuple(classes)).get(which, theme.current().dim)


def as_surface(rgb):
    """An (H, W, 3) uint8 array as a pygame Surface of its own size."""
    rgb = np.ascontiguousarray(rgb)
    return pygame.image.frombuffer(rgb.tobytes(), (rgb.shape[1], rgb.shape[0]), "RGB").copy()


def image_surface(image, size):
    """An RGB uint8 image (H x W x 3) as a pygame Surface `size` pixels square."""
    image = np.ascontiguousarray(np.asarray(image, dtype=np.uint8)[:, :, :3])
    if image.shape[:2] != (size, size):
        shrinking = image.shape[0] > size or image.shape[1] > size
        image = cv2.resize(image, (size, size), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    return as_surface(image)


def fitted_surface(frame, size):
    """An RGB frame as a Surface that fits in `size` (width, height), its shape kept."""
    height, width = frame.shape[:2]
    scale = min(size[0] / width, size[1] / height)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    return as_surface(cv2.resize(frame, target, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR))


def stretched_surface(rgb, size):
    """An (H, W, 3) uint8 array stretched to `size` (width, height): averaged where it shrinks (1280 numbers on a
    few hundred pixels), blocky where it grows (a hundred images on a few hundred rows)."""
    width, height = size
    rgb = np.ascontiguousarray(rgb)
    shrink = cv2.INTER_AREA
    rgb = cv2.resize(rgb, (width, rgb.shape[0]), interpolation=shrink if width < rgb.shape[1] else cv2.INTER_NEAREST)
    rgb = cv2.resize(rgb, (width, height), interpolation=shrink if height < rgb.shape[0] else cv2.INTER_NEAREST)
    return as_surface(rgb)


class Thumbnails:
    """Pictures of one dataset's samples at the sizes asked for, made on demand and kept until the data changes."""

    def __init__(self):
        self.dataset = None
        self._surfaces = {}
        self._frame_started, self._made_this_frame = time.perf_counter(), 0
        self.owed = False  # whether a picture asked for this frame is left for the next (a few are made a frame)

    def new_frame(self):
        self._frame_started, self._made_this_frame = time.perf_counter(), 0
        self.owed = False

    def use(self, dataset):
        """Forget the pictures of the previous dataset."""
        if dataset is not self.dataset:
            self.dataset, self._surfaces = dataset, {}

    def sample(self, split, index):
        samples = self.dataset.train if split == "train" else self.dataset.test
        return samples[index]

    def get(self, split, index, size, wait=False):
        """The picture of sample `index` of `split`, or None while it is not made yet (`wait` makes it now)."""
        key = (split, index, size)
        surface = self._surfaces.get(key)
        in_time = self._made_this_frame == 0 or time.perf_counter() - self._frame_started < MAKE_S
        if surface is None and self.dataset is not None and (wait or in_time):
            self._made_this_frame += 1
            surface = self._surfaces[key] = image_surface(self.sample(split, index).image, size)
        self.owed = self.owed or (surface is None and self.dataset is not None)
        return surface


def _two_lines(name, size):
    """The width of `name`'s label cut between two of its words where its longer line is shortest."""
    words = name.split()
    return min(
        [
            max(ui.text_width(" ".join(words[:cut]), size, True), ui.text_width(" ".join(words[cut:]), size, True))
            for cut in range(1, len(words))
        ]
        or [ui.text_width(name, size, True)]
    )


def draw_arrow(surface, rect, up, enabled=True):
    """A page button: a box with a triangle pointing up or down (the bundled font has no arrow glyphs)."""
    rect = pygame.Rect(rect)
    pygame.draw.rect(surface, (225, 228, 235) if enabled else (238, 238, 238), rect, border_radius=6)
    pygame.draw.rect(surface, (120, 124, 135), rect, 1, border_radius=6)
    cx, cy, half = rect.centerx, rect.centery, rect.width // 4
    tip, base = (cy - half, cy + half) if up else (cy + half, cy - half)
    colour = ui.INK if enabled else (160, 160, 160)
    pygame.draw.polygon(surface, colour, [(cx, tip), (cx - half - 2, base), (cx + half + 2, base)])


class ThumbnailGrid:
    """A page of thumbnails with class captions, browsed with the wheel (a row) or the arrow buttons (a page)."""

    def __init__(self, rect, title, size=76, caption=20, gap=8, header=40, may_number=False):
        self.rect = pygame.Rect(rect)
        # `may_number`: where whole names would make the tiles too large for a full page, each band shows its
        # class's number instead, and the page's legend names the numbered classes (`numbered` says when).
        self.may_number, self.numbered = may_number, False
        self.title = title
        self.base, self.least_caption = size, caption  # the tiles' side and band when the class names fit them
        self.size, self.caption, self.gap, self.header = size, caption, gap, header
        self.label_size, self.label_lines = theme.current().tick, 1
        self.items = []  # (split, index) pairs
        self.first_row = 0
        self._arrange()
        self.up_button = pygame.Rect(self.rect.right - 2 * ARROW - 6, self.rect.y, ARROW, ARROW)
        self.down_button = pygame.Rect(self.rect.right - ARROW, self.rect.y, ARROW, ARROW)

    def _arrange(self):
        self.columns, self.rows = self._grid(self.size, self.caption)

    def _grid(self, side, caption):
        """(columns, rows) of tiles `side` pixels wide with a band `caption` pixels tall."""
        columns = max(1, (self.rect.width + self.gap) // (side + self.gap))
        rows = max(1, (self.rect.height - self.header + self.gap) // (side + caption + self.gap))
        return columns, rows

    def fit(self, classes):
        """Tiles that name their class whole, and as many on a page as that allows: the label as small as the theme
        allows (never under its minimum on screen), a name of several words on one line or two (whichever puts more
        pictures on the page), then the tiles as large as the page has room for without losing one."""
        floor, size = ui.shown_size(1), theme.current().tick
        widths = {name: ui.text_width(name, size, True) for name in classes}
        while size > floor and max(widths.values(), default=0) > self.base - 6:
            size -= 1
            widths = {name: ui.text_width(name, size, True) for name in classes}
        needs = {1: max(widths.values(), default=0) + 6, 2: max((_two_lines(n, size) for n in classes), default=0) + 6}
        options = []
        for lines, width in needs.items():
            side = max(self.base, min(round(2.5 * self.base), width))
            caption = max(self.least_caption, lines * ui.line_height(size) + 2)
            columns, rows = self._grid(side, caption)
            options.append((columns * rows, -lines, side, caption, lines))
        count, _, side, caption, lines = max(options)
        self.numbered = self.may_number and side > 1.25 * self.base
        if self.numbered:  # a number on each band: tiles of the usual size, far more of them on a page
            side, lines, caption = self.base, 1, max(self.least_caption, ui.line_height(size) + 2)
            count = (lambda c, r: c * r)(*self._grid(side, caption))
        while side < 2.5 * self.base and (lambda c, r: c * r)(*self._grid(side + 1, caption)) == count:
            side += 1  # larger pictures where the page has room, as many of them
        if (side, caption, size, lines) != (self.size, self.caption, self.label_size, self.label_lines):
            self.size, self.caption, self.label_size, self.label_lines = side, caption, size, lines
            self._arrange()
            self.scroll(0)

    def set_header(self, height):
        """Make the header (the title, and what a page draws under it) `height` pixels tall; the tiles follow."""
        if height != self.header:
            self.header = height
            self._arrange()
            self.scroll(0)

    def set_items(self, items):
        """Show these (split, index) pairs; back to the first page when they change."""
        items = list(items)
        if items != self.items:
            self.items, self.first_row = items, 0

    @property
    def total_rows(self):
        return -(-len(self.items) // self.columns)

    def scroll(self, rows):
        """Move by `rows` rows (negative: back), staying within the items."""
        last = max(0, self.total_rows - self.rows)
        self.first_row = max(0, min(last, self.first_row + rows))

    def visible(self):
        """(position on the page, item) for every item shown now."""
        start = self.first_row * self.columns
        return list(enumerate(self.items[start : start + self.columns * self.rows]))

    def cell_rect(self, position):
        """Where the picture at `position` on the page lies (caption excluded)."""
        row, column = divmod(position, self.columns)
        return pygame.Rect(
            self.rect.x + column * (self.size + self.gap),
            self.rect.y + self.header + row * (self.size + self.caption + self.gap),
            self.size,
            self.size,
        )

    def item_center(self, item_number):
        """The centre of the `item_number`-th item, as it lies on the first page (for scripted clicks)."""
        return self.cell_rect(item_number).center

    def click(self, x, y):
        """The item under (x, y), "page" when an arrow button was pressed, or None."""
        if self.up_button.collidepoint(x, y):
            self.scroll(-self.rows)
            return "page"
        if self.down_button.collidepoint(x, y):
            self.scroll(self.rows)
            return "page"
        for position, item in self.visible():
            if self.cell_rect(position).inflate(0, self.caption).move(0, self.caption // 2).collidepoint(x, y):
                return item
        return None

    def draw(self, surface, thumbnails, classes, highlight=None):
        """Draw the header, the visible pictures with their captions, and `highlight` (an item) outlined."""
        ui.label(surface, self.title, (self.rect.x, self.rect.y + 2), size=30, bold=True)
        if self.total_rows > self.rows:
            last = min(len(self.items), (self.first_row + self.rows) * self.columns)
            shown = f"{self.first_row * self.columns + 1}–{last} of {len(self.items)}"
        else:
            shown = f"{len(self.items)} image{'s' if len(self.items) != 1 else ''}"
        ui.label(surface, shown, (self.up_button.x - 12, self.rect.y + 6), size=24, colour=ui.DIM, anchor="topright")
        draw_arrow(surface, self.up_button, up=True, enabled=self.first_row > 0)
        draw_arrow(surface, self.down_button, up=False, enabled=self.first_row + self.rows < self.total_rows)
        if not self.items:
            ui.label(surface, "no images", (self.rect.x, self.rect.y + self.header + 8), size=26, colour=ui.DIM)
            return
        colours = class_colours(tuple(classes))
        self.fit(classes)
        for position, (split, index) in self.visible():
            cell = self.cell_rect(position)
            picture = thumbnails.get(split, index, self.size)
            if picture is not None:
                surface.blit(picture, cell)
            else:
                pygame.draw.rect(surface, (210, 210, 214), cell)
            name = thumbnails.sample(split, index).label
            colour = colours.get(name, ui.DIM)
            shown = str(classes.index(name) + 1) if self.numbered and name in classes else name
            self._draw_band(surface, pygame.Rect(cell.x, cell.bottom, cell.width, self.caption), shown, colour)
            if highlight == (split, index):
                pygame.draw.rect(surface, ui.INK, cell.inflate(6, self.caption + 6).move(0, self.caption // 2), 4)

    def _draw_band(self, surface, band, name, colour):
        """The class's colour under a picture, and its name on it (on two lines where the tiles need them)."""
        pygame.draw.rect(surface, colour, band)
        size = self.label_size
        lines = ui.wrap(name, band.width - 4, size, True) if self.label_lines > 1 else [name]
        if len(lines) > self.label_lines:
            lines = lines[: self.label_lines - 1] + [" ".join(lines[self.label_lines - 1 :])]
        step = ui.line_height(size)
        y = band.centery - step * (len(lines) - 1) / 2
        for line in lines:
            ui.label(
                surface,
                ui.cut(line, band.width - 2, size, bold=True),
                (band.centerx, round(y)),
                size=size,
                colour=ui.text_colour(colour),
                anchor="center",
                bold=True,
                padding=0,
            )
            y += step


def draw_enlarged(surface, thumbnails, item, classes, caption=""):
    """One sample shown large in the middle of the canvas, with its class and where it comes from."""
    split, index = item
    sample = thumbnails.sample(split, index)
    width, height = surface.get_size()
    side = min(360, height - 200)
    shade = pygame.Surface((width, height), pygame.SRCALPHA)
    shade.fill((0, 0, 0, 150))
    surface.blit(shade, (0, 0))
    box = pygame.Rect(0, 0, side + 40, side + 120)
    box.center = (width // 2, height // 2)
    pygame.draw.rect(surface, (255, 255, 255), box, border_radius=10)
    picture = thumbnails.get(split, index, side, wait=True)
    surface.blit(picture, (box.x + 20, box.y + 20))
    colour = class_colour(sample.label, classes)
    strip = pygame.Rect(box.x + 20, box.y + 20 + side, side, 36)
    pygame.draw.rect(surface, colour, strip)
    ui.label(surface, sample.label, strip.center, size=32, colour=ui.text_colour(colour), anchor="center", bold=True)
    where = f"{'training' if split == 'train' else 'test'} image {index + 1}"
    ui.label(surface, caption or where, (box.centerx, strip.bottom + 10), size=24, anchor="midtop")
    ui.label(surface, "click to close", (box.centerx, box.bottom - 8), size=20, colour=ui.DIM, anchor="midbottom")
    return box
