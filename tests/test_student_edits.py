"""What a student does first: open the sketch file, change a line or two, run it again."""

import re

from driver import ROOT, click, cluster, key, run_sketch

C_POINTS = [(150, 150), (170, 160), (140, 175), (160, 135), (180, 150), (135, 150), (155, 170), (165, 145)]
E_POINTS = [(x + 630, y + 60) for x, y in C_POINTS]
G_POINTS = [(x + 300, y + 300) for x, y in C_POINTS]
COLLECT = cluster("c", C_POINTS) + cluster("e", E_POINTS) + cluster("g", G_POINTS)
# T, then P once trained: the popup keeps its curves until P, and the whole canvas answers clicks again.
TRAIN = key("t") + [{"type": "wait", "until": {"mode": "predicting"}, "timeout_s": 120}] + key("p")


def edited_copy(tmp_path, name, edits):
    """A copy of sketches/NAME.py as a student's own file, with each (old line, new line) replaced once."""
    source = (ROOT / "sketches" / f"{name}.py").read_text()
    for old, new in edits:
        assert source.count(old) == 1, f"{old!r} is not one line of the sketch"
        source = source.replace(old, new)
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / f"my_{name}.py").write_text(source)
    return folder


def test_three_one_line_edits_change_the_network_and_print_the_loss(tmp_path):
    folder = edited_copy(
        tmp_path,
        "classification",
        [
            ("HIDDEN_LAYERS = [16] ", "HIDDEN_LAYERS = [32, 16] "),
            ('ACTIVATION = "relu" ', 'ACTIVATION = "tanh" '),
            (
                '    pass  # try: if epoch % 20 == 0: print(epoch, logs["loss"])',
                "    if epoch % 20 == 0: print(f\"epoch {epoch}: loss {logs['loss']:.4f}\")",
            ),
        ],
    )
    actions = COLLECT + TRAIN + click(157, 152) + click(787, 212) + click(457, 452)
    run = run_sketch(folder / "my_classification.py", actions, folder, "--seed", "1")
    assert run.returncode == 0, run.output
    layers = run.state["training"]["layers"]
    assert [layer["units"] for layer in layers] == [32, 16, 3]
    assert [layer["activation"] for layer in layers] == ["tanh", "tanh", "softmax"]
    assert [layer["parameters"] for layer in layers] == [2 * 32 + 32, 32 * 16 + 16, 16 * 3 + 3]
    printed = re.findall(r"^epoch (\d+): loss (\d+\.\d+)$", run.stdout, flags=re.M)
    assert [int(epoch) for epoch, _ in printed] == list(range(20, 201, 20))
    assert float(printed[-1][1]) < float(printed[0][1])  # the loss the student printed went down
    assert [p["label"] for p in run.state["predictions"]] == ["C", "E", "G"]


def test_the_default_network_is_one_hidden_layer_of_16_relu_units(tmp_path):
    run = run_sketch("classification", COLLECT + TRAIN, tmp_path, "--seed", "1")
    assert run.returncode == 0, run.output
    layers = run.state["training"]["layers"]
    assert [(layer["units"], layer["activation"]) for layer in layers] == [(16, "relu"), (3, "softmax")]
    assert not re.search(r"^epoch \d+", run.stdout, flags=re.M)  # the hook prints nothing until a student asks
