"""Noise or bias? (issue 13.9): every run's answers on slightly changed copies of one image, how often they flip,
and the test errors grouped by (true, predicted) — the copies themselves, the engine, and the Deployment page driven
by a person's clicks."""

import cv2
import numpy as np
import pytest

from driver import key
from mlcore.data.builtin import render
from mlcore.data.datasets import load_dataset
from mlcore.image_engine.pipeline import ImagePipeline
from mlcore.ml import features
from mlcore.ml.confusion import confusion_matrix
from mlcore.ml.variations import LIGHT, SHIFT, changed_copies, error_groups, flips
from test_image_classifier import DEPLOYMENT, TAB, TRAINING, at, env_for, run_sketch, wait
from test_image_pipeline import colour_samples, finish, private_cache, write_pair  # noqa: F401 (a fixture)

COPIES = ["original", "moved left", "moved right", "mirrored", "brighter", "darker"]


def direct_answers(model, name, image):
    """A model's answers on the changed copies of `image`, computed here without the pipeline."""
    vectors = features.extract(name, [picture for _, picture in changed_copies(image)])
    probabilities = model.predict_proba(vectors)
    return [str(model.classes_[i]) for i in np.argmax(probabilities, axis=1)]


def assert_errors_match_the_matrix(groups, matrix, classes):
    """The groups' sizes are exactly the off-diagonal cells of the test confusion matrix, largest first."""
    matrix = np.array(matrix)
    sizes = {(group["true"], group["predicted"]): len(group["indices"]) for group in groups}
    expected = {
        (true, predicted): int(matrix[i, j])
        for i, true in enumerate(classes)
        for j, predicted in enumerate(classes)
        if i != j and matrix[i, j]
    }
    assert sizes == expected
    assert [len(group["indices"]) for group in groups] == sorted(sizes.values(), reverse=True)


# ------------------------------------------------------------------------------------------------ the copies


def test_the_changed_copies_are_really_changed_images():
    image = render("banana", np.random.default_rng(3))
    copies = changed_copies(image)
    assert [name for name, _ in copies] == COPIES
    pictures = dict(copies)
    step = round(image.shape[1] * SHIFT)
    assert np.array_equal(pictures["original"], image)
    assert np.array_equal(pictures["mirrored"], np.fliplr(image))
    left, right = pictures["moved left"], pictures["moved right"]
    assert np.array_equal(left[:, :-step], image[:, step:])
    assert np.array_equal(left[:, -step:], np.repeat(image[:, -1:], step, axis=1))  # the edge fills the strip
    assert np.array_equal(right[:, step:], image[:, :-step])
    assert np.array_equal(right[:, :step], np.repeat(image[:, :1], step, axis=1))
    wide = image.astype(int)
    assert np.array_equal(pictures["brighter"], np.clip(wide + LIGHT, 0, 255))
    assert np.array_equal(pictures["darker"], np.clip(wide - LIGHT, 0, 255))
    for name, picture in copies:
        assert picture.shape == image.shape and picture.dtype == np.uint8, name
    for i, (first, a) in enumerate(copies):
        for second, b in copies[i + 1 :]:
            assert not np.array_equal(a, b), f"{first} and {second} are the same picture"
    assert pictures["brighter"].mean() > image.mean() + 10 and pictures["darker"].mean() < image.mean() - 10


def test_flips_count_the_copies_answered_otherwise_and_errors_group_like_the_confusion_matrix():
    assert flips(["a", "a", "a"]) == 0 and flips(["a", "b", "a", "c"]) == 2 and flips(["b", "a", "a"]) == 2
    rng = np.random.default_rng(0)
    classes = ["cat", "dog", "fox"]
    true = list(rng.choice(classes, 200))
    predicted = [label if rng.random() < 0.6 else str(rng.choice(classes)) for label in true]
    groups = error_groups(true, predicted)
    assert_errors_match_the_matrix(groups, confusion_matrix(true, predicted, classes), classes)
    for group in groups:
        assert all(true[i] == group["true"] and predicted[i] == group["predicted"] for i in group["indices"])
    assert error_groups(["a", "b"], ["a", "b"]) == []


# ------------------------------------------------------------------------------------------------ the engine


def test_every_run_answers_the_copies_as_its_model_does_directly(tmp_path):
    pipeline = ImagePipeline(cache_folder=tmp_path / "cache")
    pipeline.params.update(epochs=3, seed=1)
    assert finish(pipeline.check_noise(("test", 0))) == "failed"
    assert pipeline.messages[-1] == "load a dataset first"
    assert finish(pipeline.run_all("builtin", "color_histogram"), 300) == "done", pipeline.job.error
    pipeline.params.update(hidden_layers=[16], activation="tanh")
    assert finish(pipeline.train(), 300) == "done", pipeline.job.error
    dataset = pipeline.dataset
    for source, image, true in (
        (("test", 7), dataset.test[7].image, dataset.test[7].label),
        (str(_png(tmp_path, dataset.train[3].image)), dataset.train[3].image, None),
    ):
        job = pipeline.check_noise(source)
        assert finish(job) == "done", job.error
        check = pipeline.state()["noise_or_bias"]["check"]
        assert check["copies"] == COPIES and check["true"] == true
        assert [answers["run"] for answers in check["runs"]] == [1, 2]
        for answers, run in zip(check["runs"], pipeline.runs):
            expected = direct_answers(run.model, "color_histogram", image)
            assert answers["answers"] == expected, run.row["number"]
            assert answers["flips"] == sum(answer != expected[0] for answer in expected[1:])
            assert answers["flip_rate"] == pytest.approx(answers["flips"] / 5)
            assert all(0 < p <= 1 for p in answers["confidences"])
    assert check["source"] == "image.png" and check["item"] is None
    state = pipeline.state()
    assert_errors_match_the_matrix(state["noise_or_bias"]["test_errors"], state["confusion_test"], state["classes"])
    for group in state["noise_or_bias"]["test_errors"]:
        assert all(dataset.test[i].label == group["true"] for i in group["indices"])
        assert all(pipeline.predictions["test"][i] == group["predicted"] for i in group["indices"])


def test_a_run_on_stored_vectors_is_named_not_guessed(tmp_path):
    spec = write_pair(
        tmp_path,
        "colours",
        colour_samples({"red": 6, "green": 6}, vector_length=8),
        colour_samples({"red": 3, "green": 3}, seed=1, vector_length=8),
    )
    pipeline = ImagePipeline(cache_folder=tmp_path / "cache")
    pipeline.params["epochs"] = 2
    assert finish(pipeline.load(spec)) == "done"
    assert finish(pipeline.check_noise(("test", 0))) == "failed"
    assert pipeline.messages[-1].startswith("train a model first")
    assert finish(pipeline.run_all(spec, "stored"), 300) == "done", pipeline.job.error
    pipeline.features_name = "color_histogram"
    assert finish(pipeline.train(), 300) == "done", pipeline.job.error
    assert finish(pipeline.check_noise(("test", 5))) == "done", pipeline.job.error
    stored, histogram = pipeline.state()["noise_or_bias"]["check"]["runs"]
    assert stored["features"] == "stored" and "not for changed copies" in stored["skipped"]
    assert "answers" not in stored and len(histogram["answers"]) == 6
    assert finish(pipeline.check_noise(("test", 6))) == "failed" and "no test image number 6" in pipeline.messages[-1]


def _png(folder, image):
    path = folder / "image.png"
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
    return path


# ------------------------------------------------------------------------------------------------ the page


def test_the_deployment_page_shows_every_runs_answers_on_the_copies_and_the_grouped_errors(tmp_path):
    model_file = tmp_path / "second.pt"
    view = DEPLOYMENT.noise
    actions = (
        wait({"training.status": "done", "idle": True})
        + at(TAB["Training"])
        + at(TRAINING.field("epochs").plus.rect.center)
        + at(TRAINING.field("hidden_layers").minus.rect.center)
        + at(TRAINING.button_center("Train"))
        + wait({"training.epochs_done": 4, "idle": True})
        + at(TAB["Deployment"])
        + at(DEPLOYMENT.test_grid.item_center(2))
        + at(DEPLOYMENT.button_center("Noise or bias?"))
        + wait({"noise_or_bias.check.item": ["test", 2], "idle": True}, after=2)
        + at(view.errors.first_picture_center())
        + wait({"idle": True}, after=3)
        + key("m")
        + wait({"saved.model": str(model_file)})
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--features",
        "color_histogram",
        "--train",
        "--epochs",
        "3",
        "--seed",
        "1",
        "--projector",
        "--save-model",
        model_file,
        env=env_for(tmp_path),
        timeout=400,
    )
    assert run.returncode == 0, run.output
    state = run.state
    assert [row["number"] for row in state["runs"]] == [1, 2] and state["run_shown"] == 1
    noise = state["noise_or_bias"]
    assert noise["errors_of_run"] == 2
    groups = noise["test_errors"]
    assert groups, "three epochs on colour histograms leave test errors"
    assert_errors_match_the_matrix(groups, state["confusion_test"], state["classes"])
    # The click on the first picture of the largest group checked that image, and gave its answer as well.
    first = groups[0]["indices"][0]
    check = noise["check"]
    assert check["item"] == ["test", first] and check["true"] == groups[0]["true"]
    assert check["copies"] == COPIES and [answers["run"] for answers in check["runs"]] == [1, 2]
    for answers in check["runs"]:
        assert len(answers["answers"]) == 6 and set(answers["answers"]) <= set(state["classes"])
        assert answers["flips"] == sum(a != answers["answers"][0] for a in answers["answers"][1:])
        assert answers["flip_rate"] == pytest.approx(answers["flips"] / 5)
    prediction = state["predictions"][-1]
    assert prediction["image"] == ["test", first] and prediction["true"] == groups[0]["true"]
    newest = check["runs"][1]["answers"]
    assert newest[0] == prediction["label"] == groups[0]["predicted"]  # the original: the model's own answer
    # The newest run's answers, computed here from its saved model: the same on every copy.
    from mlcore.ml.model_io import load_model

    model, info = load_model(model_file)
    image = load_dataset("builtin").test[first].image
    assert direct_answers(model, info["extractor"], image) == newest
    # What the page drew: the view, both run rows, the flips column, no text under the projector's minimum.
    assert state["deployment"]["view"] == "noise_or_bias" and state["page"] == "Deployment"
    texts = [text for text, _ in state["display"]["texts"]]
    for text in ("Noise or bias?", "run 1", "run 2", "flips", "Test errors, grouped", "mirrored"):
        assert text in texts, text
    assert state["display"]["theme"] == "projector"
    assert min(height for _, height in state["display"]["texts"]) >= state["display"]["min_text_px"]


def test_the_grouped_errors_lie_inside_their_panel_without_overlapping_and_scroll_a_line_at_a_time():
    from mlcore.image_app.pages.error_groups import HEADER, ErrorGroups

    panel = DEPLOYMENT.panel
    view = ErrorGroups(panel)
    groups = [
        {"true": "lemon", "predicted": "banana", "indices": list(range(100, 119))},
        {"true": "apple", "predicted": "banana", "indices": list(range(11))},
        {"true": "apple", "predicted": "orange", "indices": [3, 5]},
    ]
    pictures = view.pictures(groups)
    rects = [rect for rect, _ in pictures]
    assert all(view.inner.contains(rect) and panel.contains(rect) for rect in rects)
    assert not any(a.colliderect(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    assert [index for _, index in pictures][:3] == [100, 101, 102]
    assert view.click(*view.first_picture_center(), groups) == 100 == pictures[0][1]
    assert pictures[0][0].top == view.inner.top + HEADER  # under the first group's own line
    lines = view.lines(groups)
    assert len(lines) == 3 + sum(-(-len(group["indices"]) // view.per_row) for group in groups)
    view.scroll(1, groups)
    assert view.pictures(groups)[0] == (pictures[0][0].move(0, -HEADER), 100)
    view.scroll(1000, groups)
    assert view.first_line == len(lines) - 1 and view.pictures(groups)[-1][1] == 5
    view.scroll(-1000, groups)
    assert view.first_line == 0
    assert view.click(panel.x + 2, panel.y + 2, groups) is None
