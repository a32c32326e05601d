"""Step 2, the Features page: choose a feature extractor and extract: every image becomes a vector of numbers."""

import numpy as np
import pygame

from mlcore.image_app.pages.base import Page, accent_button, draw_job_progress, white_panel
from mlcore.ml.features import EXTRACTORS, GET_MOBILENET, mobilenet_weights_on_disk
from mlcore.widgets import ui
from mlcore.widgets.thumbnails import class_colour, stretched_surface

DESCRIPTIONS = {
    "stored": "The numbers the course's Marcelle app stored with each image (1024 from MobileNet v1). "
    "Nothing to compute, but only Marcelle files have them, and new images cannot use them.",
    "efficientnet_lite0": "EfficientNet-Lite0, a network trained on 1.3 million ImageNet photos, describes each "
    "image with 1280 numbers about what it shows. Works offline.",
    "mobilenet_v3_small": "MobileNet V3 Small, also trained on ImageNet: 576 numbers per image. Its weights are "
    "downloaded once, so the first time needs the internet.",
    "color_histogram": "How much of the image falls in each of 8 x 8 x 8 colour boxes: 512 numbers. "
    "It knows colours, not shapes.",
    "pixels": "The image shrunk to 16 x 16 pixels: 768 raw numbers, what a network sees with no help.",
}


class FeaturesPage(Page):
    """Step 2: choose a feature extractor and extract: every image becomes a vector of numbers."""

    def __init__(self, rect, pipeline, *, say, extract, stop):
        super().__init__(rect, pipeline)
        self.say = say  # say(text, problem=False): a line on the message bar
        self.extract, self.stop = extract, stop  # Extract (a name, or None for the chosen one), and Stop
        x, y = self.rect.x, self.rect.y + 44
        self.options = [ui.Button((x, y + i * 56, 400, 48), name, size=29) for i, name in enumerate(EXTRACTORS)]
        self.extract_button = accent_button((x, y + 5 * 56 + 16, 196, 54), "Extract")
        self.stop_button = ui.Button((x + 204, y + 5 * 56 + 16, 196, 54), "Stop", size=30)
        self.panel = pygame.Rect(x + 428, self.rect.y, self.rect.right - x - 428, self.rect.height)
        self._picture = (None, None)

    def button_center(self, name):
        if name == "Extract":
            return self.extract_button.rect.center
        return self.options[EXTRACTORS.index(name)].rect.center

    def _has_stored(self):
        dataset = self.pipeline.dataset
        return dataset is not None and self.pipeline.has_stored(dataset)

    def offered(self, name):
        """Whether extractor `name` can be chosen now: stored needs a Marcelle file, MobileNet its weights."""
        if name == "stored":
            return self._has_stored()
        return name != "mobilenet_v3_small" or mobilenet_weights_on_disk()

    def click(self, x, y):
        for name, button in zip(EXTRACTORS, self.options):
            if button.rect.collidepoint(x, y):
                if name == "stored" and not self._has_stored():
                    self.say("this dataset has no stored features: only Marcelle files carry them", True)
                elif not self.offered(name):
                    self.say(f"{name} is not on this machine yet; its {GET_MOBILENET}", True)
                else:
                    self.pipeline.features_name = name
                return
        if self.extract_button.hit(x, y):
            self.extract(self.pipeline.features_name)
        elif self.stop_button.hit(x, y):
            self.stop()

    def draw(self, screen):
        chosen = self.pipeline.features_name
        ui.label(screen, "Feature extractor", (self.rect.x, self.rect.y), size=32, bold=True)
        for name, button in zip(EXTRACTORS, self.options):
            button.enabled = self.offered(name)
            button.selected = name == chosen
            button.draw(screen)
        job = self.pipeline.job
        self.stop_button.enabled = self.busy
        self.extract_button.draw(screen)
        self.stop_button.draw(screen)
        progress = pygame.Rect(self.rect.x, self.extract_button.rect.bottom + 16, 400, 60)
        if not draw_job_progress(screen, progress, job, ("extract", "train", "run_all", "predict")):
            if self.pipeline.dataset is None:
                ui.label(screen, "load a dataset first (page 1)", progress.topleft, size=26, colour=ui.DIM)
        if not self.offered("mobilenet_v3_small"):
            self._draw_mobilenet_hint(screen)
        self._draw_panel(screen, chosen)

    def _draw_mobilenet_hint(self, screen):
        """Why MobileNet is greyed out, whole, under the buttons (at the page's foot, clear of the progress)."""
        width = self.options[0].rect.width
        lines = ui.wrap(f"MobileNet {GET_MOBILENET}", width, 22)
        y = self.rect.bottom - len(lines) * ui.line_height(22) - 2
        for line in lines:
            ui.label(screen, line, (self.rect.x, y), size=22, colour=ui.DIM, padding=0)
            y += ui.line_height(22)

    def _draw_panel(self, screen, chosen):
        panel = self.panel
        white_panel(screen, panel)
        x, y = panel.x + 20, panel.y + 14
        ui.label(screen, chosen, (x, y), size=32, bold=True)
        y += 40
        for line in ui.wrap(DESCRIPTIONS.get(chosen, ""), panel.width - 40, 26):
            ui.label(screen, line, (x, y), size=26)
            y += 28
        y += 12
        info = self.pipeline.features_facts()
        if not info["ready"]:
            ui.label(
                screen,
                "not extracted yet: press Extract (or Train, which extracts first)",
                (x, y),
                size=26,
                colour=ui.DIM,
            )
            return
        images = len(self.pipeline.train_features) + len(self.pipeline.test_features)
        hits = info["cache_hits"]
        if info["name"] == "stored":
            device, cache = "nothing computed", "read from the dataset file"
        else:
            device = info["device"] or "nothing computed now"
            cache = (
                "all from the cache"
                if hits == images
                else f"{hits} of {images} from the cache"
                if hits
                else "computed now (not from the cache)"
            )
        facts = [
            ("numbers per image", str(info["dim"])),
            ("computed on", device),
            ("images", str(images)),
            ("cache", cache),
        ]
        for name, value in facts:
            ui.label(screen, name, (x, y), size=26, colour=ui.DIM)
            ui.label(screen, value, (x + 210, y), size=26, bold=True)
            y += 30
        y += 8
        ui.label(
            screen,
            "Each row is a training image, each column one of its numbers (dark: high)",
            (x, y),
            size=22,
            colour=ui.DIM,
        )
        area = pygame.Rect(x, y + 26, panel.width - 40, panel.bottom - y - 40)
        if area.height > 40:
            self._draw_picture(screen, area)

    def _draw_picture(self, screen, area):
        """The training features as an image, rows grouped by class, a class colour strip on the left."""
        vectors, dataset = self.pipeline.train_features, self.pipeline.dataset
        if vectors is None or dataset is None or not len(vectors) or len(vectors) != len(dataset.train):
            return  # nothing yet, or a job is swapping the data between the two reads above
        key = (id(vectors), area.size)
        if self._picture[0] != key:
            labels = [sample.label for sample in dataset.train]
            order = sorted(range(len(labels)), key=lambda i: (labels[i], i))
            values = np.asarray(vectors, dtype=np.float64)[order]
            low, high = values.min(axis=0), values.max(axis=0)
            scaled = (values - low) / np.where(high > low, high - low, 1.0)  # each number from 0 to 1 over the set
            white, blue = np.array([255.0, 255.0, 255.0]), np.array([8.0, 48.0, 107.0])
            rgb = (white + (blue - white) * scaled[..., None]).astype(np.uint8)
            strip = np.array([class_colour(labels[i], dataset.classes) for i in order], dtype=np.uint8)
            width = area.width - 18
            picture = pygame.Surface(area.size)
            picture.fill((255, 255, 255))
            picture.blit(stretched_surface(rgb, (width, area.height)), (18, 0))
            picture.blit(stretched_surface(strip[:, None, :], (14, area.height)), (0, 0))
            self._picture = (key, picture)
        screen.blit(self._picture[1], area)

    def state(self):
        return {"features_offered": [name for name in EXTRACTORS if self.offered(name)]}
