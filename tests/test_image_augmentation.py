"""Data augmentation in the image classifier: the image operations, the copies a training adds (training images
only, their features through the feature cache, held out with their image in validation), the runs table's column
and the Training page's knob."""

import numpy as np
import pytest

from driver import key
from mlcore.image_engine.pipeline import ImagePipeline
from mlcore.image_engine.training import STORED_CANNOT_AUGMENT
from mlcore.ml import augmentation, features, settings
from mlcore.ml.models import MLPClassifier, split_validation
from test_image_classifier import FEATURES, TAB, TRAINING, at, env_for, run_sketch, wait
from test_image_pipeline import finish, small_dataset


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ML_SKETCHES_CACHE", str(tmp_path / "cache"))


def picture(seed=0, height=60, width=80):
    return np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)


# ------------------------------------------------------------------------------------------- the operations


def test_flip_mirrors_left_to_right():
    image = picture()
    assert np.array_equal(augmentation.flip(image), np.fliplr(image))
    assert np.array_equal(augmentation.flip(augmentation.flip(image)), image)


def test_a_crop_keeps_the_size_and_shows_a_part_of_the_image_enlarged():
    columns = np.tile(np.arange(200, dtype=np.uint8)[None, :, None], (100, 1, 3))  # each pixel is its column
    for seed in range(20):
        cropped = augmentation.random_crop(columns, np.random.default_rng(seed), smallest=0.5)
        assert cropped.shape == columns.shape and cropped.dtype == np.uint8
        low, high = int(cropped[50].min()), int(cropped[50].max())
        assert 0 <= low and high <= 199
        assert 0.5 * 199 - 2 <= high - low <= 199  # half the width at least, stretched back to all of it
        assert np.all(np.diff(cropped[50, :, 0].astype(int)) >= 0)  # still left to right, not mirrored
    narrow = [augmentation.random_crop(columns, np.random.default_rng(seed), smallest=0.5) for seed in range(20)]
    assert any(not np.array_equal(image, columns) for image in narrow)


def test_jitter_changes_brightness_within_its_bounds():
    grey = np.full((40, 40, 3), 100, dtype=np.uint8)  # contrast and saturation leave a plain grey as it is
    levels = set()
    for seed in range(60):
        jittered = augmentation.jitter(grey, np.random.default_rng(seed), strength=0.2)
        assert jittered.shape == grey.shape and len(np.unique(jittered)) == 1
        levels.add(int(jittered[0, 0, 0]))
    assert min(levels) >= 80 and max(levels) <= 120
    assert max(levels) - min(levels) >= 20  # spread over the range, not a single factor
    assert np.all(augmentation.adjust(grey, brightness=1.5) == 150)
    colour = picture(3)
    greyed = augmentation.adjust(colour, saturation=0.0)
    assert np.abs(greyed.astype(int) - greyed[:, :, :1]).max() <= 1  # no saturation: three equal channels


def test_the_same_seed_gives_the_same_copies_whatever_the_order():
    images = [picture(seed) for seed in range(3)]
    first = augmentation.copies(images, 2, seed=5)
    again = augmentation.copies(images, 2, seed=5)
    assert len(first) == 6 and all(copy.shape == images[0].shape for copy in first)
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    reversed_order = augmentation.copies(images[::-1], 2, seed=5)
    assert np.array_equal(reversed_order[4], first[0]) and np.array_equal(reversed_order[5], first[1])
    other = augmentation.copies(images, 2, seed=6)
    assert not any(np.array_equal(a, b) for a, b in zip(first, other))
    assert not np.array_equal(first[0], first[1])  # two copies of one image differ
    assert not any(np.array_equal(copy, images[0]) for copy in first[:2])


def test_the_augmentation_setting_is_checked():
    assert settings.DEFAULTS["augmentation"] == 0  # by default nothing changes
    assert settings.parse("augmentation", "3") == 3 and settings.checked({"augmentation": 2})["augmentation"] == 2
    for text in ("-1", "11", "1.5", "two"):
        with pytest.raises(ValueError):
            settings.parse("augmentation", text)
    assert settings.step("augmentation", 0, up=True) == 1 and settings.step("augmentation", 0, up=False) == 0
    assert settings.step("augmentation", 10, up=True) == 10


def test_a_validation_split_holds_an_image_out_with_its_copies():
    labels = ["a"] * 10 + ["b"] * 10
    groups = np.arange(20)
    _, plain_held = split_validation(labels, 0.2, np.random.default_rng(1))
    train, held = split_validation(
        labels + labels + labels, 0.2, np.random.default_rng(1), groups=np.concatenate([groups, groups, groups])
    )
    assert sorted(held % 20) == sorted(np.repeat(plain_held, 3))  # the same images as without copies, copies too
    assert set(held % 20).isdisjoint(set(train % 20)) and len(train) + len(held) == 60


# ------------------------------------------------------------------------------------------- the pipeline


class RecordingMLP(MLPClassifier):
    """The course's network, remembering what each training was given."""

    seen = []

    def fit(self, X, y, **options):
        RecordingMLP.seen.append((np.array(X), list(y), options.get("groups")))
        return super().fit(X, y, **options)


def recording_model(params):
    return RecordingMLP(hidden_layers=[8], epochs=3, batch_size=8, validation_split=0.2, seed=params["seed"])


def test_two_copies_train_on_three_times_the_training_vectors_and_never_on_a_test_image(tmp_path):
    RecordingMLP.seen = []
    pipeline = ImagePipeline(build_model=recording_model)
    assert finish(pipeline.load(small_dataset(tmp_path / "data"))) == "done"
    assert finish(pipeline.extract("color_histogram")) == "done"
    assert finish(pipeline.train()) == "done", pipeline.job.error  # no augmentation: today's training
    pipeline.params.update(augmentation=2, seed=3)
    assert finish(pipeline.train()) == "done", pipeline.job.error

    (plain, plain_labels, _), (inputs, labels, groups) = RecordingMLP.seen
    train = pipeline.dataset.train
    assert plain.shape == (24, 512) and inputs.shape == (72, 512)
    assert np.array_equal(inputs[:24], pipeline.train_features) and np.array_equal(plain, pipeline.train_features)
    expected = features.extract("color_histogram", augmentation.copies([s.image for s in train], 2, seed=3))
    assert np.allclose(inputs[24:], expected)  # the copies are of the training images, image after image
    assert labels == plain_labels + [s.label for s in train for _ in range(2)]
    assert list(groups) == list(range(24)) + [i for i in range(24) for _ in range(2)]
    test_rows = {row.tobytes() for row in np.asarray(pipeline.test_features)}
    assert not any(row.tobytes() in test_rows for row in inputs)  # no test image, nor a copy of one
    assert pipeline.train_features.shape == (24, 512)  # the accuracies are still those of the dataset's images

    state = pipeline.state()
    assert [row["augmentation"] for row in state["runs"]] == [0, 2]
    assert state["augmentation"] == {"copies": 2, "vectors": 48, "cache_hits": 0}
    assert any("2 changed copies of each of 24 training images" in line for line in state["messages"])


def test_a_second_training_reads_the_copies_features_from_the_cache(tmp_path):
    spec = small_dataset(tmp_path / "data", train_counts={"red": 3, "green": 3}, test_counts={"red": 1, "green": 1})
    cache = tmp_path / "features"
    counts = []
    for _ in range(2):  # two sessions, one cache folder
        pipeline = ImagePipeline(cache_folder=cache, build_model=recording_model)
        pipeline.params.update(augmentation=2)
        assert finish(pipeline.load(spec)) == "done"
        assert finish(pipeline.train(), 300) == "done", pipeline.job.error
        counts.append(pipeline.state()["augmentation"])
    assert counts == [{"copies": 2, "vectors": 12, "cache_hits": 0}, {"copies": 2, "vectors": 12, "cache_hits": 12}]
    assert finish(pipeline.train()) == "done" and pipeline.augmentation["cache_hits"] == 12  # and in one session


def test_stored_features_train_without_copies_and_say_why(tmp_path):
    pipeline = ImagePipeline(build_model=recording_model)
    pipeline.params.update(augmentation=3)
    assert finish(pipeline.run_all(small_dataset(tmp_path / "data"), "stored")) == "done", pipeline.job.error
    assert STORED_CANNOT_AUGMENT in pipeline.messages
    assert pipeline.state()["runs"][-1]["augmentation"] == 0 and pipeline.augmentation["vectors"] == 0


# ------------------------------------------------------------------------------------------- the window


def test_the_training_page_knob_sets_the_copies_and_the_runs_table_shows_them(tmp_path):
    field = TRAINING.field("augmentation")
    actions = (
        wait({"dataset": "builtin", "idle": True})
        + at(TAB["Features"])
        + at(FEATURES.button_center("color_histogram"))
        + at(TAB["Training"])
        + at(field.box.center)
        + [*key("3"), *key("return")]
        + at(field.minus.rect.center)
        + at(TRAINING.button_center("Train"))
        + wait({"training.status": "done", "idle": True})
    )
    run = run_sketch("image_classifier", actions, tmp_path / "run", "--epochs", "3", env=env_for(tmp_path))
    assert run.returncode == 0, run.output
    state = run.state
    assert state["params"]["augmentation"] == 2
    assert state["runs"][-1]["augmentation"] == 2 and state["runs"][-1]["features"] == "color_histogram"
    assert state["augmentation"] == {"copies": 2, "vectors": 240, "cache_hits": 0}  # 120 training images
    assert "augmented copies: 3 (press Train to use it)" in state["messages"]


@pytest.mark.parametrize("look", ["DEFAULT", "PROJECTOR"])
def test_the_runs_table_shows_the_copies_in_both_themes(look):
    import pygame

    from mlcore.image_app.pages.runs_table import RunsTable
    from mlcore.widgets import theme, ui

    pygame.display.init()
    pygame.font.init()
    ui.forget_fonts()
    try:
        canvas = pygame.display.set_mode((1200, 660))
        theme.use(getattr(theme, look))
        theme.begin_frame(canvas)
        row = {
            "number": 1,
            "dataset": "miniFRUIT",
            "features": "color_histogram",
            "hidden_layers": [64, 32],
            "activation": "relu",
            "dropout": 0.0,
            "epochs": 15,
            "batch_size": 8,
            "learning_rate": 0.001,
            "augmentation": 2,
            "train_accuracy": 1.0,
            "validation_accuracy": 0.9,
            "test_accuracy": 0.85,
            "seconds": 3.2,
        }
        table = RunsTable((TRAINING.charts.x + 6, 0, TRAINING.charts.width - 6, 200))
        columns, _ = table.columns([row])
        assert "aug." in [heading for heading, _, _ in columns]  # the copies' column fits at this window's scale
        assert sum(width for _, width, _ in columns) <= table.rect.width + 12  # the table within the page
    finally:
        theme.use(theme.DEFAULT)
        ui.forget_fonts()
