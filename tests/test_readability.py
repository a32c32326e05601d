"""Every number and name the image classifier draws is whole, in both themes, at the window sizes the sketch gets on
1280×720 and 1024×768 screens: nothing cut short with "…", no two texts of a table on top of each other."""

from types import SimpleNamespace

import numpy as np
import pygame
import pytest

from mlcore.widgets import theme, ui
from mlcore.widgets.thumbnails import ThumbnailGrid
from sketches.image_classifier import app as LAYOUT  # only its geometry is used here: it never runs in-process

DATA, FEATURES, TRAINING, TESTING, DEPLOYMENT = LAYOUT.pages
CANVAS = (1200, 660)
# Window pixels per canvas pixel: no window (headless), the window that fits a 1280×720 screen, the one that
# fills it (--scale), and the one that fits a 1024×768 screen (its text drawn larger to stay over the minimum).
SCALES = {"headless": 1.0, "1280x720": 640 / 660, "1280x720-filled": 1280 / 1200, "1024x768": 1024 / 1200}
LOOKS = [theme.DEFAULT, theme.PROJECTOR]


@pytest.fixture(params=LOOKS, ids=lambda look: look.name)
def look(request):
    return request.param


@pytest.fixture(params=list(SCALES.values()), ids=list(SCALES))
def canvas(request, look, monkeypatch):
    """A canvas drawn into a window `scale` times its size, in theme `look`; `canvas.boxes` lists every text drawn
    as (text, box)."""
    pygame.display.init()
    pygame.font.init()
    ui.forget_fonts()
    scale = request.param
    pygame.display.set_mode((round(CANVAS[0] * scale), round(CANVAS[1] * scale)))
    surface = pygame.Surface(CANVAS)
    surface.fill((255, 255, 255))
    theme.use(look)
    theme.begin_frame(surface)
    boxes = []
    draw = ui.label

    def label(target, text, *args, **kwargs):
        box = draw(target, text, *args, **kwargs)
        if str(text).strip():
            boxes.append((str(text), pygame.Rect(box)))
        return box

    monkeypatch.setattr(ui, "label", label)
    yield SimpleNamespace(surface=surface, boxes=boxes, look=look, scale=scale)
    theme.use(theme.DEFAULT)
    ui.forget_fonts()
    pygame.display.quit()


def assert_whole_and_apart(boxes, within):
    """No text cut short, every text inside `within`, and no two texts overlapping."""
    texts = [text for text, _ in boxes]
    assert not [text for text in texts if text.endswith("…")], texts
    assert not [text for text, box in boxes if not within.contains(box)], (within, boxes)
    for i, (text, box) in enumerate(boxes):
        for other, other_box in boxes[i + 1 :]:
            assert not box.colliderect(other_box), f"{text!r} {box} overlaps {other!r} {other_box}"


def assert_min_size(look):
    small = [(text, px) for text, px in theme.report()["texts"] if px < look.min_text_px]
    assert small == [], small


# ------------------------------------------------------------------------------------------ the runs table


def run_row(number, **values):
    row = {
        "number": number,
        "dataset": "miniTRASH",
        "features": "efficientnet_lite0",
        "hidden_layers": [128, 64],
        "activation": "sigmoid",
        "dropout": 0.25,
        "epochs": 150,
        "batch_size": 128,
        "learning_rate": 0.001,
        "augmentation": 10,
        "train_accuracy": 1.0,
        "validation_accuracy": 1.0,
        "test_accuracy": 1.0,
        "seconds": 123.4,
    }
    return {**row, **values}


RUNS = [
    run_row(1, features="mobilenet_v3_small", dataset="builtin"),
    run_row(2, features="color_histogram", test_accuracy=0.955),
    run_row(3, hidden_layers=[], seconds=5.0),
    run_row(4, learning_rate=0.0001),
    run_row(5),
    run_row(6),
    run_row(7, test_accuracy=0.05),
]


def test_run_n_of_m_counts_the_runs_of_the_dataset_shown():
    from mlcore.image_app.pages.runs_table import run_caption

    rows = [run_row(1, dataset="builtin"), run_row(2), run_row(3, dataset="builtin"), run_row(4)]
    assert run_caption(rows, 2) == "run 2 of 2 on builtin: EffNet, 128,64, sigmoid"
    assert run_caption(rows, 3) == "run 2 of 2 on miniTRASH: EffNet, 128,64, sigmoid"
    assert run_caption(rows[:2], 1) == ""  # the only run on miniTRASH: nothing to tell apart


def test_the_runs_table_draws_every_accuracy_whole_and_its_columns_apart(canvas):
    from mlcore.image_app.pages.runs_table import RunsTable

    height = RunsTable.height(len(RUNS))
    table = RunsTable(
        (TRAINING.charts.x + 6, TRAINING.charts.bottom - height + 8, TRAINING.charts.width - 6, height - 8)
    )
    table.draw(canvas.surface, RUNS, shown=len(RUNS) - 1)
    assert_whole_and_apart(canvas.boxes, table.rect.inflate(0, 8))
    texts = [text for text, _ in canvas.boxes]
    for heading in ("#", "dataset", "train", "valid.", "test"):  # what the lesson compares is always there
        assert heading in texts
    assert texts.count("miniTRASH") == 6 and "builtin" not in texts  # the newest six rows, each with its dataset
    assert texts.count("100%") >= 3 * 5 and "96%" in texts and "5%" in texts
    assert_min_size(canvas.look)
    # The rows lie where a click finds them, one under the other, each as tall as its text.
    rows = [box for text, box in canvas.boxes if text == "7"]
    assert table.hit(RUNS, rows[-1].centerx, rows[-1].centery) == 6
    assert table.row_rect(0).height >= ui.line_height(17)


# ------------------------------------------------------------------------------------------ the Testing page


def a_testing_page(classes, majority):
    """A Testing page over a pipeline that has a model, its two matrices and the guessing baseline."""
    from mlcore.image_app.pages.testing import TestingPage

    k = len(classes)
    matrix = np.diag([15] * k) + (np.eye(k, k=1, dtype=int) * 3 if k > 1 else 0)
    pipeline = SimpleNamespace(
        dataset=SimpleNamespace(classes=list(classes)),
        model=object(),
        confusion_train=matrix.tolist(),
        confusion_test=(matrix * 7).tolist(),
        runs_state=lambda: RUNS[:3],
        run_shown=1,
        baseline=lambda: {"uniform": 1 / k, "majority": 0.5, "majority_class": majority, "set": "test"},
    )
    return TestingPage(TESTING.rect, pipeline, pictures_of(classes))


@pytest.mark.parametrize("classes", [("apple", "banana", "lemon", "orange"), ("bad", "good", "none")])
def test_the_testing_pages_accuracies_and_counts_are_read_from_the_back_row(classes):
    """Projector theme, the window that fits a 1280×720 screen: each accuracy and each count of both matrices has
    capital letters at least 20 px tall on the screen."""
    pygame.display.init()
    pygame.font.init()
    ui.forget_fonts()
    pygame.display.set_mode((round(CANVAS[0] * SCALES["1280x720"]), round(CANVAS[1] * SCALES["1280x720"])))
    surface = pygame.Surface(CANVAS)
    theme.use(theme.PROJECTOR)
    try:
        theme.begin_frame(surface)
        a_testing_page(classes, classes[0]).draw(surface)
        readouts = [(e["text"], e["cap_px"]) for e in theme.report()["text_audit"] if e["readout"]]
    finally:
        theme.use(theme.DEFAULT)
        ui.forget_fonts()
        pygame.display.quit()
    titles = [cap for text, cap in readouts if text.endswith("correct")]
    counts = [cap for text, cap in readouts if text.isdigit()]
    assert len(titles) == 2 and len(counts) == 2 * len(classes) ** 2
    assert min(titles + counts) >= 20, readouts


def pictures_of(classes, count=40):
    """Stand-in thumbnails: `count` samples of `classes` in turn, each a black square."""
    samples = [SimpleNamespace(label=classes[i % len(classes)]) for i in range(count)]
    return SimpleNamespace(
        sample=lambda split, index: samples[index],
        dataset=None,
        get=lambda split, index, size, wait=False: pygame.Surface((size, size)),
    )


@pytest.mark.parametrize(
    "classes",
    [
        ("banane", "pomme"),
        ("apple", "banana", "lemon", "orange"),
        ("blue bottle", "cardboard", "glass", "metal", "paper", "plastic"),
    ],
    ids=["miniFRUIT", "builtin", "six"],
)
def test_the_testing_page_draws_the_question_and_every_class_name_whole(canvas, classes):
    page = a_testing_page(classes, classes[0])
    page.draw(canvas.surface)
    boxes = canvas.boxes
    texts = [text for text, _ in boxes]
    assert not [text for text in texts if text.endswith("…")], texts
    assert "Does the model beat that?" in " ".join(page.question)  # the question whole, on as many lines as it needs
    for view in page.views:
        inside = [(text, box) for text, box in boxes if view.rect.contains(box)]
        assert_whole_and_apart(inside, view.rect)
        for name in classes:  # each class named whole beside its row
            assert any(text.endswith(name) for text, _ in inside), (name, [text for text, _ in inside])
    question = [box for text, box in boxes if not any(view.rect.colliderect(box) for view in page.views)]
    assert question and all(TESTING.rect.contains(box) for box in question)
    # Which run of the table the matrices are, above the question, whole.
    run = [box for text, box in boxes if text == "run 1 of 2 on miniTRASH: colours, 128,64, sigmoid"]
    assert run and run[0].bottom <= min(box.top for text, box in boxes if text.startswith("Guessing"))
    assert_min_size(canvas.look)
    # A click on a cell finds it where it is drawn.
    cell = page.views[1].cell_rect(len(classes), len(classes) - 1, 0)
    assert page.views[1].hit(len(classes), *cell.center) == (len(classes) - 1, 0)


SKIN = (
    "actinic keratosis",
    "basal cell carcinoma",
    "benign keratosis",
    "dermatofibroma",
    "melanocytic nevi",
    "melanoma",
    "vascular lesion",
)


@pytest.mark.parametrize(
    "classes",
    [("banane", "pomme"), ("blue bottle", "cardboard", "glass", "metal", "paper", "plastic"), SKIN],
    ids=["miniFRUIT", "six", "skin"],
)
def test_the_enlarged_pictures_confidence_card_names_every_class_whole(canvas, classes):
    page = a_testing_page(classes, classes[0])
    page.enlarged = ("test", 1)
    shares = [0.5 / 2**i for i in range(len(classes))]
    page.answer = {
        "true": classes[1],
        "predicted": classes[0],
        "probabilities": {name: share for name, share in zip(classes, shares)},
    }
    page.draw_overlay(canvas.surface)
    assert_whole_and_apart(canvas.boxes, canvas.surface.get_rect())
    texts = [text for text, _ in canvas.boxes]
    for name in classes:  # each name whole, on one line or on two
        assert name in texts or any(f"{a} {b}" == name for a, b in zip(texts, texts[1:])), (name, texts)
    assert_min_size(canvas.look)


# ------------------------------------------------------------------------------------------ the Data page


def a_data_page(classes):
    """A Data page showing a dataset of `classes`, 40 pictures in each set."""
    from mlcore.image_app.pages.data import DataPage

    pictures = pictures_of(classes)
    counts = {split: {name: 120 for name in classes} for split in ("train", "test")}
    samples = [pictures.sample("train", i) for i in range(40)]
    dataset = SimpleNamespace(
        name="mini", classes=list(classes), train=samples, test=samples, problems=[], counts=lambda: counts
    )
    pictures.dataset = dataset
    page = DataPage(
        DATA.rect,
        SimpleNamespace(dataset=dataset, job=None),
        pictures,
        own=SimpleNamespace(in_use=lambda: False),
        edits=SimpleNamespace(state=lambda: {"edits": []}),
        load=None,
        open_collection=None,
        export=None,
        screen_size=CANVAS,
    )
    page.update()
    return page


@pytest.mark.parametrize(
    "classes",
    [
        ("banane", "pomme"),
        ("apple", "banana", "lemon", "orange"),
        ("blue bottle", "cardboard", "glass", "metal", "paper", "plastic"),
    ],
    ids=["miniFRUIT", "builtin", "six"],
)
def test_the_data_pages_class_chips_are_whole_over_the_pictures(canvas, classes):
    page = a_data_page(classes)
    page.draw(canvas.surface)
    numbered = page.train_grid.numbered  # names too long for the pictures' bands: the bands and chips number them
    chips = {f"{number} {name} 120" if numbered else f"{name} 120" for number, name in enumerate(classes, 1)}
    for grid in page.train_grid, page.test_grid:
        drawn = [
            (text, box) for text, box in canvas.boxes if grid.rect.contains(box) and (text in chips or text == "…")
        ]
        assert sorted(text for text, _ in drawn) == sorted(chips), drawn  # every class, whole, none left out
        assert_whole_and_apart(drawn, pygame.Rect(grid.rect.x, grid.rect.y, grid.rect.width, grid.header))
    assert page.train_grid.header == page.test_grid.header  # the two grids' pictures stay level
    assert_min_size(canvas.look)
    bands = {
        text
        for text, box in canvas.boxes
        if page.train_grid.rect.contains(box) and box.y > page.train_grid.rect.y + page.train_grid.header
    }
    assert bands <= ({str(n) for n in range(1, len(classes) + 1)} if numbered else set(classes)), bands


def test_long_class_names_number_the_pictures_so_that_a_page_holds_twice_as_many_or_more(canvas):
    classes = ("cardboard", "colored glass", "metal", "packaging", "paper", "transparent plastic")
    page = a_data_page(classes)
    page.draw(canvas.surface)
    grid = page.train_grid
    whole = ThumbnailGrid(grid.rect, "Training set", size=64, header=grid.header)  # names on the bands
    whole.fit(classes)
    assert grid.numbered and grid.columns * grid.rows >= 2 * whole.columns * whole.rows
    texts = [text for text, _ in canvas.boxes]
    assert all(f"{number} {name} 120" in texts for number, name in enumerate(classes, 1))  # the legend


@pytest.mark.parametrize(
    "classes",
    [("banane", "pomme"), ("blue bottle", "cardboard", "glass", "metal", "paper", "plastic")],
    ids=["miniFRUIT", "six"],
)
def test_the_enlarged_pictures_buttons_say_they_move_it_to_another_class(canvas, classes):
    page = a_data_page(classes)
    page.enlarged = ("train", 0)
    page.draw_overlay(canvas.surface)
    captions = [text for text, box in canvas.boxes if box.x > page.edit_button_rect(0).x]
    assert captions == ["Delete", "Move to test set"] + [f"Move to {name}" for name in classes[1:]], captions
    assert_min_size(canvas.look)


# ------------------------------------------------------------------------------------------ Deployment page


def test_the_deployment_panel_names_the_run_that_answers(canvas):
    from mlcore.image_app.pages.deployment import DeploymentPage

    classes = ("apple", "banana", "lemon", "orange")
    pictures = pictures_of(classes)
    dataset = SimpleNamespace(classes=list(classes))
    pictures.dataset = dataset
    pipeline = SimpleNamespace(
        dataset=dataset,
        model=object(),
        trained_extractor="color_histogram",
        runs_state=lambda: RUNS[:3],
        run_shown=1,
        job=None,
    )
    latest = {
        "image": ("test", 3),
        "label": "apple",
        "confidence": 0.4,
        "source": "test image 4",
        "true": "apple",
        "probabilities": {"apple": 0.4, "banana": 0.3, "lemon": 0.2, "orange": 0.1},
    }
    predictions = SimpleNamespace(latest=latest, sample=lambda split, index: None)
    page = DeploymentPage(
        DEPLOYMENT.rect,
        pipeline,
        pictures,
        steps=SimpleNamespace(add_step=lambda *args: None),
        live=SimpleNamespace(wanted=False),
        predictions=predictions,
        toggle_live=None,
        save_model=None,
        load_model=None,
        retrain=None,
    )
    page._draw_panel(canvas.surface, latest)
    inside = [(text, box) for text, box in canvas.boxes if page.panel.contains(box)]
    assert len(inside) == len(canvas.boxes)
    assert_whole_and_apart(inside, page.panel)
    [run] = [box for text, box in inside if text.startswith("run 1 of 2")]  # as much as fits, whole
    assert run.top >= max(button.rect.bottom for button in page.buttons)
    assert run.bottom <= min(box.top for text, box in inside if text == "apple")  # over the answer
    lines = [box for text, box in inside if text in ("test image 4", "true class: apple (right)")]
    assert len(lines) == 2 and not [box for box in lines if box.colliderect(page.noise_button.rect)]  # not under it
    assert_min_size(canvas.look)


# ------------------------------------------------------------------------------------------ picture tiles


@pytest.mark.parametrize(
    "classes",
    [("banane", "pomme"), ("apple", "banana", "lemon", "orange"), ("blue bottle", "cardboard", "glass")],
    ids=["miniFRUIT", "builtin", "trash"],
)
def test_picture_tiles_name_their_class_whole(canvas, classes):
    from mlcore.widgets.thumbnails import ThumbnailGrid

    samples = [SimpleNamespace(label=classes[i % len(classes)]) for i in range(40)]
    pictures = SimpleNamespace(sample=lambda split, index: samples[index], get=lambda *args: None)
    for grid in (DATA.train_grid, DEPLOYMENT.test_grid, TESTING.members):
        grid = ThumbnailGrid(grid.rect, "Training set", size=grid.size, header=grid.header)
        grid.set_items([("train", i) for i in range(len(samples))])
        canvas.boxes.clear()
        grid.draw(canvas.surface, pictures, classes)
        names = [
            (text, box)
            for text, box in canvas.boxes
            if text not in ("Training set",) and "image" not in text and "–" not in text
        ]
        assert names and not [text for text, _ in names if text.endswith("…")], names
        for position, _ in grid.visible():  # each name on its own tile's band
            cell = grid.cell_rect(position)
            band = pygame.Rect(cell.x, cell.bottom, cell.width, grid.caption)
            on_band = [text for text, box in names if band.contains(box)]
            assert " ".join(on_band) in classes, (on_band, band)
        assert grid.rows >= 1 and grid.columns >= 3
    assert_min_size(canvas.look)


# ------------------------------------------------------------------------------------------ Features page, top bar


def test_the_mobilenet_hint_is_whole_under_the_buttons(canvas, monkeypatch):
    from mlcore.image_app.pages import features
    from mlcore.image_app.pages.features import FeaturesPage

    monkeypatch.setattr(features, "mobilenet_weights_on_disk", lambda: False)
    pipeline = SimpleNamespace(
        features_name="color_histogram",
        dataset=None,
        has_stored=lambda dataset: False,
        features_facts=lambda: {"ready": False},
        job=None,
    )
    page = FeaturesPage(FEATURES.rect, pipeline, say=None, extract=None, stop=None)
    page.draw(canvas.surface)
    texts = [text for text, _ in canvas.boxes]
    assert not [text for text in texts if text.endswith("…")], texts
    hint = [box for text, box in canvas.boxes if box.top >= page.extract_button.rect.bottom and box.x == page.rect.x]
    words = " ".join(text for text, box in canvas.boxes if box in hint)
    assert "--features mobilenet_v3_small" in words
    assert all(page.rect.contains(box) and box.right <= page.panel.x for box in hint), (page.rect, hint)
    assert "mobilenet_v3_small" in texts  # the greyed button keeps its name
    assert_min_size(canvas.look)


@pytest.mark.parametrize(
    "message", ["efficientnet_lite0 features of the augmented copies: 380/1200", "epoch 12/150: loss 0.532", None]
)
def test_the_top_bar_says_what_runs_without_cutting_it(canvas, message):
    from mlcore.image_app.bars import TabBar

    job = SimpleNamespace(running=True, message=message, name="extract", done=380, total=1200, fraction=380 / 1200)
    pipeline = SimpleNamespace(job=job, model=None, dataset=None)
    bar = TabBar(CANVAS[0], ["Data", "Features", "Training", "Testing", "Deployment"])
    bar.draw(canvas.surface, 0, pipeline)
    status = [(text, box) for text, box in canvas.boxes if box.x > bar.tabs[-1].rect.right]
    assert len(status) == 1 and not status[0][0].endswith("…"), status
    assert status[0][1].right <= CANVAS[0] - 8
    assert_min_size(canvas.look)
