"""What the image classifier's messages say and where: true words for a repeated key, the newest message whole on
the bar, the whole text of every message in the list of all messages, the last session's offer on the screen at the
projector's size."""

import pytest

from driver import click, key, run_sketch
from mlcore.image_engine.session_file import read_session, session_path, write_session
from mlcore.image_engine.session_state import describe
from test_image_classifier import DATA, DEPLOYMENT, LAYOUT, TAB, at, env_for, wait, write_png
from test_readability import SCALES


def test_t_pressed_again_while_training_extracts_its_features_says_it_waits_its_turn(tmp_path):
    actions = (
        wait({"dataset": "builtin", "idle": True})
        + key("t")
        + wait({"job.name": "train", "job.status": "running", "training.epochs_done": 0})
        + key("t")
        + wait({"training.status": "done", "idle": True}, timeout_s=240)
    )
    run = run_sketch("image_classifier", actions, tmp_path, "--epochs", "2", env=env_for(tmp_path), timeout=300)
    assert run.returncode == 0, run.output
    messages, problems = run.state["messages"], run.state["problem_messages"]
    assert any(text.startswith("training is already waiting its turn") for text in messages), messages
    assert not any("already" in text for text in problems), problems


def shown_text(state):
    """Every text of the last frame, joined by spaces: a wrapped message reads whole in it."""
    return " ".join(text for text, _ in state["display"]["texts"])


def test_the_list_of_all_messages_wraps_a_long_message_instead_of_cutting_it(tmp_path):
    closed = "http://127.0.0.1:9"  # nothing listens there: the course dataset's download fails at once
    env = env_for(
        tmp_path, https_proxy=closed, HTTPS_PROXY=closed, http_proxy=closed, HTTP_PROXY=closed, no_proxy="", NO_PROXY=""
    )
    actions = wait({"job.status": "failed", "idle": True}) + click(
        LAYOUT.messages.rect.centerx, LAYOUT.messages.rect.centery
    )
    run = run_sketch("image_classifier", actions, tmp_path, "--dataset", "miniMASK", env=env)
    assert run.returncode == 0, run.output
    error = run.state["job"]["error"]
    assert len(error) > 150 and "offline" in error  # far longer than a line of the list
    assert error in shown_text(run.state)


RECYCLING = (
    "transparent plastic bottle",
    "brown corrugated cardboard",
    "green coloured glass jar",
    "aluminium drink can",
    "crumpled office paper",
    "polystyrene food tray",
    "milk carton with a plastic cap",
    "kitchen and garden waste",
)
CAPITALS = {"projector": 13, "default": 10}  # the least capital height on the screen, in pixels, in each theme
ONE_LINE = LAYOUT.messages.rect  # the message bar as a message of one line has it (the layout is never drawn)
OVER_ONE_LINE = (ONE_LINE.centerx, ONE_LINE.top - 10)  # a point of the page just above it


def recycling_run(folder, *options, actions=()):
    """The classifier started on a dataset folder of eight long class names: its "loaded" message, about 250
    characters, is the newest once it is loaded; then `actions`."""
    data = folder / "recycling"
    for split, count in (("train", 2), ("test", 1)):
        for index, label in enumerate(RECYCLING):
            (data / split / label).mkdir(parents=True)
            for n in range(count):
                write_png(data / split / label / f"{n}.png", "banana", seed=10 * index + n + 100 * (split == "test"))
    actions = wait({"dataset": "recycling", "idle": True}) + wait({"idle": True}, after=2) + list(actions)
    run = run_sketch("image_classifier", actions, folder / "run", "--dataset", data, *options, env=env_for(folder))
    assert run.returncode == 0, run.output
    return run


def bar_lines(state):
    """The message's lines on the message bar, top to bottom, as the text audit has them. The bar is drawn over the
    page (whose texts under it are audited too): its own texts are the last ones inside it, one after the other."""
    _, top, _, height = state["message_bar"]
    last = []
    for entry in state["display"]["text_audit"]:
        box = entry["box"]
        inside = box is not None and top <= box[1] and box[1] + box[3] <= top + height
        last = last + [entry] if inside else []
    return [entry for entry in last if not entry["text"].endswith("messages: click")]


@pytest.mark.parametrize(
    "screen, look", [("1280x720", "projector"), ("1024x768", "projector"), ("1024x768", "default")]
)
def test_a_long_newest_message_shows_whole_on_a_bar_grown_upward(tmp_path, screen, look):
    options = ["--scale", f"{SCALES[screen]:.4f}"] + (["--projector"] if look == "projector" else [])
    state = recycling_run(tmp_path, *options).state
    message = state["messages"][-1]
    assert message.startswith("loaded recycling") and len(message) > 200 and all(name in message for name in RECYCLING)
    lines = bar_lines(state)
    texts = [entry["text"] for entry in lines]
    assert len(lines) >= 2 and " ".join(texts) == message, texts  # every word, in order, on lines of its own
    assert not [text for text in texts if text.endswith("…")] and state["display"]["cut"] == [], texts
    assert min(entry["cap_px"] for entry in lines) >= CAPITALS[look], lines
    assert state["display"]["theme"] == look
    _, top, _, height = state["message_bar"]
    assert height > ONE_LINE.height and top + height == ONE_LINE.bottom  # grown upward, over the page's bottom


def log_open(state):
    """Whether the list of every message shows over the page."""
    return "Messages (click to close)" in shown_text(state)


def test_a_click_on_the_grown_message_bar_lists_every_message(tmp_path):
    run = recycling_run(tmp_path, "--projector", actions=click(*OVER_ONE_LINE))
    assert run.state["message_bar"][1] < OVER_ONE_LINE[1] and log_open(run.state)


def test_a_short_newest_message_brings_the_bar_back_to_one_line(tmp_path):
    run = recycling_run(tmp_path, "--projector", actions=key("s") + wait({"idle": True}) + click(*OVER_ONE_LINE))
    state = run.state
    assert state["messages"][-1] == "nothing is running"  # S with nothing to stop
    assert state["message_bar"] == list(ONE_LINE)
    assert [entry["text"] for entry in bar_lines(state)] == ["nothing is running"]
    assert not log_open(state)  # the click just above the bar went to the page


def write_offer(cache):
    """A last session whose description is long: a course dataset, edits, runs, the Deployment page."""
    edits = [{"split": "train", "index": i, "id": f"image{i}", "label": None, "to_split": None} for i in range(12)]
    session = {
        "source": {"dataset": "miniFRUIT"},
        "dataset": "miniFRUIT",
        "edits": edits,
        "features": "efficientnet_lite0",
        "extracted": "efficientnet_lite0",
        "params": {"epochs": 3},
        "page": "Deployment",
        "run_shown": None,
        "model": None,
        "runs": [{"row": {"number": n + 1}, "model": None} for n in range(14)],
    }
    write_session(session_path(cache), session, {})
    return describe(read_session(session_path(cache))[0])


@pytest.mark.parametrize("theme", ["default", "projector"])
def test_the_offer_of_the_last_session_reads_whole_at_the_projectors_size(tmp_path, theme):
    offer = write_offer(tmp_path / "cache")
    actions = wait({"session.offer": offer, "idle": True}) + wait({"idle": True}, after=3)
    options = ["--scale", "0.9697"] + (["--projector"] if theme == "projector" else [])
    run = run_sketch("image_classifier", actions, tmp_path, "--dataset", "builtin", *options, env=env_for(tmp_path))
    assert run.returncode == 0, run.output
    assert run.state["session"]["offer"] == offer
    assert f"Continue the last session? {offer}" in shown_text(run.state)


def test_live_started_from_the_noise_or_bias_view_says_so_and_shows_and_a_new_dataset_closes_the_view(tmp_path):
    frames = tmp_path / "frames"
    frames.mkdir()
    for index, label in enumerate(["apple", "banana", "lemon", "orange"] * 2):
        write_png(frames / f"frame{index}.png", label, seed=index)
    open_check = (
        at(TAB["Deployment"])
        + at(DEPLOYMENT.train_grid.item_center(1))
        + at(DEPLOYMENT.button_center("Noise or bias?"))
        + wait({"idle": True, "deployment.view": "noise_or_bias"})
    )
    actions = (
        wait({"training.status": "done", "idle": True})
        + open_check
        + key("l")
        + wait({"live.ready": True, "deployment.view": "answers"}, after=2)
        + key("l")
        + open_check
        + at(TAB["Data"])
        + at(DATA.button_center("builtin"))
        + wait({"dataset": "builtin", "idle": True}, after=2)
        + at(TAB["Deployment"])
        + wait({"idle": True})
    )
    run = run_sketch(
        "image_classifier",
        actions,
        tmp_path / "run",
        "--features",
        "color_histogram",
        "--train",
        "--epochs",
        "2",
        "--camera",
        frames,
        env=env_for(tmp_path),
        timeout=300,
    )
    assert run.returncode == 0, run.output
    messages = run.state["messages"]
    on = [i for i, text in enumerate(messages) if text.startswith("live: on, frames")]
    off = [i for i, text in enumerate(messages) if text == "live stopped"]
    assert on and off and on[0] < off[0], messages  # the first L said it started, the second that it stopped
    assert run.state["page"] == "Deployment" and run.state["deployment"]["view"] == "answers"
