"""The networks behind the sketches: normalisation, training, and what they learn."""

import numpy as np
import pytest

from mlcore.ml.models import MLPClassifier, MLPRegressor, split_validation
from mlcore.ml.scaling import MinMaxScaler

CANVAS = [(0, 0), (960, 600)]


def test_min_max_scales_to_unit_range_and_back():
    values = np.array([[10.0, 5.0], [30.0, 15.0], [20.0, 10.0]])
    scaler = MinMaxScaler().fit(values)
    scaled = scaler.transform(values)
    assert scaled.min(axis=0).tolist() == [0, 0] and scaled.max(axis=0).tolist() == [1, 1]
    assert np.allclose(scaler.inverse_transform(scaled), values)


def test_min_equal_to_max_does_not_divide_by_zero():
    values = np.array([[100.0, 7.0], [200.0, 7.0]])
    scaled = MinMaxScaler().fit_transform(values)
    assert np.isfinite(scaled).all()
    assert scaled[:, 1].tolist() == [0.5, 0.5]
    one_value = MinMaxScaler().fit([440.0, 440.0])
    assert one_value.inverse_transform(one_value.transform([440.0])).tolist() == [440.0]


def test_validation_split_keeps_every_class_in_training():
    labels = ["C"] * 8 + ["E"] * 8 + ["G"] * 2
    train, held = split_validation(labels, 0.2, np.random.default_rng(0))
    assert len(held) > 0 and set(train).isdisjoint(held)
    assert {labels[i] for i in train} == {"C", "E", "G"}


def three_clusters(seed=0, spread=20):
    rng = np.random.default_rng(seed)
    centres = {"C": (150, 150), "E": (780, 200), "G": (450, 480)}
    X, y = [], []
    for label, (cx, cy) in centres.items():
        for _ in range(8):
            X.append((cx + rng.normal(0, spread), cy + rng.normal(0, spread)))
            y.append(label)
    return centres, np.array(X), y


def test_training_loss_falls():
    _, X, y = three_clusters()
    model = MLPClassifier(
        hidden_layers=[16], learning_rate=0.05, epochs=200, batch_size=16, seed=1, input_bounds=CANVAS
    ).fit(X, y)
    loss = model.history_["loss"]
    assert len(loss) == 200
    assert loss[-1] < 0.25 * loss[0]
    assert model.history_["accuracy"][-1] == 1.0


@pytest.mark.parametrize("seed", range(12))
def test_three_clusters_centres_classified_on_every_seed(seed):
    centres, X, y = three_clusters(seed)
    model = MLPClassifier(
        hidden_layers=[16],
        learning_rate=0.05,
        epochs=200,
        batch_size=16,
        validation_split=0.2,
        seed=seed,
        input_bounds=CANVAS,
    ).fit(X, y)
    assert model.predict(list(centres.values())) == list(centres)
    assert model.predict_proba(list(centres.values())).max(axis=1).min() > 0.5


def test_seed_gives_the_same_network():
    _, X, y = three_clusters()
    a = MLPClassifier(epochs=20, seed=7, input_bounds=CANVAS).fit(X, y)
    b = MLPClassifier(epochs=20, seed=7, input_bounds=CANVAS).fit(X, y)
    c = MLPClassifier(epochs=20, seed=8, input_bounds=CANVAS).fit(X, y)
    assert a.history_["loss"] == b.history_["loss"]
    assert a.history_["loss"] != c.history_["loss"]


def test_stop_request_ends_training_early():
    _, X, y = three_clusters()
    model = MLPClassifier(epochs=200, seed=0, input_bounds=CANVAS).fit(X, y, should_stop=lambda: True)
    assert model.epochs_done_ == 1


def two_pitch_clusters(seed=0, spread=20):
    rng = np.random.default_rng(seed)
    X = [(150 + rng.normal(0, spread), 300 + rng.normal(0, spread)) for _ in range(8)]
    X += [(800 + rng.normal(0, spread), 300 + rng.normal(0, spread)) for _ in range(8)]
    return np.array(X), [261.63] * 8 + [493.88] * 8


@pytest.mark.parametrize("seed", range(12))
def test_regression_predicts_both_pitches_and_glides_between(seed):
    X, y = two_pitch_clusters(seed)
    model = MLPRegressor(
        hidden_layers=[16],
        learning_rate=0.05,
        epochs=200,
        batch_size=16,
        validation_split=0.2,
        seed=seed,
        input_bounds=CANVAS,
    ).fit(X, y)
    left, right, middle = model.predict([(150, 300), (800, 300), (475, 300)])
    assert left == pytest.approx(261.63, rel=0.03)
    assert right == pytest.approx(493.88, rel=0.03)
    assert 261.63 < middle < 493.88


def test_regression_with_one_target_predicts_it():
    X = np.array([(100.0, 100.0), (300.0, 200.0), (500.0, 400.0)])
    model = MLPRegressor(epochs=50, seed=0, input_bounds=CANVAS).fit(X, [392.0] * 3)
    assert model.predict([(200, 200), (900, 500)]) == pytest.approx([392.0, 392.0])
    assert model.history_["mean_error"][-1] == pytest.approx(0.0)


CORNERS = [(0, 0), (959, 0), (0, 599), (959, 599)]


@pytest.mark.parametrize("gap", [80, 650])
@pytest.mark.parametrize("seed", range(4))
def test_regression_stays_within_the_trained_frequencies_everywhere(gap, seed):
    # C4 and D4 as two clusters `gap` pixels apart: far from them the network still answers a trained pitch.
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.normal((150, 300), 8, (8, 2)), rng.normal((150 + gap, 300), 8, (8, 2))])
    y = [261.63] * 8 + [293.66] * 8
    model = MLPRegressor(
        hidden_layers=[16],
        learning_rate=0.05,
        epochs=200,
        batch_size=16,
        validation_split=0.2,
        seed=seed,
        input_bounds=CANVAS,
    ).fit(X, y)
    corners = model.predict(CORNERS)
    assert ((corners >= 261.63 - 1e-6) & (corners <= 293.66 + 1e-6)).all(), corners
    left, right, middle = model.predict([(150, 300), (150 + gap, 300), (150 + gap / 2, 300)])
    assert left == pytest.approx(261.63, rel=0.03) and right == pytest.approx(293.66, rel=0.03)
    assert left < middle < right
    assert model.summary()[-1]["activation"] == "sigmoid"  # bounded by its output layer, not clamped afterwards


def test_regression_validation_split_keeps_every_note_in_training():
    y = [261.63] * 8 + [329.63] * 8 + [392.0] * 2
    for seed in range(10):
        train, held = split_validation(np.asarray(y), 0.5, np.random.default_rng(seed), MLPRegressor._stratify)
        assert {y[i] for i in train} == set(y) and len(held) > 0


def test_free_targets_still_get_a_validation_part():
    y = np.linspace(200.0, 500.0, 20)  # no two alike: nothing to stratify by
    train, held = split_validation(y, 0.2, np.random.default_rng(0), stratify=True)
    assert len(held) == 4 and len(train) == 16
