"""Confusion matrices and the numbers read from them: accuracy, accuracy per class, and what guessing would score.

    >>> matrix = confusion_matrix(["cat", "dog", "dog"], ["cat", "cat", "dog"], classes=["cat", "dog"])
    >>> matrix.tolist()          # rows: the true class; columns: the class the model answered
    [[1, 0], [1, 1]]
    >>> accuracy(matrix), per_class_accuracy(matrix)
    (0.6666666666666666, [1.0, 0.5])

numpy only, so a notebook can use it without torch.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np


def confusion_matrix(true_labels: Sequence, predicted_labels: Sequence, classes: Sequence) -> np.ndarray:
    """Counts of (true, predicted) pairs: rows are true classes, columns predicted ones, both in `classes` order.

    A label outside `classes` is a mistake by the caller (a model that answers a class the dataset does not
    have), so it raises ValueError rather than vanish from the counts.
    """
    true_labels, predicted_labels = list(true_labels), list(predicted_labels)
    if len(true_labels) != len(predicted_labels):
        raise ValueError(f"{len(true_labels)} true labels but {len(predicted_labels)} predictions")
    index = {label: i for i, label in enumerate(classes)}
    matrix = np.zeros((len(index), len(index)), dtype=int)
    for true, predicted in zip(true_labels, predicted_labels):
        for label in (true, predicted):
            if label not in index:
                raise ValueError(f"label {label!r} is not one of the classes {list(classes)}")
        matrix[index[true], index[predicted]] += 1
    return matrix


def accuracy(matrix) -> float | None:
    """The share of samples on the diagonal, or None for a matrix that counts no sample at all."""
    matrix = np.asarray(matrix)
    total = int(matrix.sum())
    return float(np.trace(matrix)) / total if total else None


def per_class_accuracy(matrix) -> list[float | None]:
    """For each true class (row), the share of its samples answered correctly; None for a class with none."""
    matrix = np.asarray(matrix)
    return [float(matrix[i, i]) / int(row.sum()) if row.sum() else None for i, row in enumerate(matrix)]


def random_baseline(counts_per_class: Mapping | Sequence) -> dict:
    """What a model that learned nothing would score on a set with these class counts.

    `counts_per_class` is {class: count} (as `Dataset.counts()["test"]`) or a list of counts. Returns
    `uniform`: 1/k, the expected accuracy of picking one of the k classes at random; `majority`: the accuracy of
    always answering the most common class of this set; and `majority_class`, that class (its index for a list).
    Values are None for a set with no samples.
    """
    if isinstance(counts_per_class, Mapping):
        names, counts = list(counts_per_class), [int(n) for n in counts_per_class.values()]
    else:
        counts = [int(n) for n in counts_per_class]
        names = list(range(len(counts)))
    total = sum(counts)
    if not counts or total == 0:
        return {"uniform": None, "majority": None, "majority_class": None}
    most = int(np.argmax(counts))  # the first of equal counts, so the answer does not depend on chance
    return {"uniform": 1.0 / len(counts), "majority": counts[most] / total, "majority_class": names[most]}


def cell_members(true_labels: Sequence, predicted_labels: Sequence, classes: Sequence, row: int, col: int) -> list[int]:
    """Indices of the samples counted in cell (row, col): true class `classes[row]`, answered `classes[col]`."""
    true_class, predicted_class = classes[row], classes[col]
    return [
        i
        for i, (true, predicted) in enumerate(zip(true_labels, predicted_labels))
        if true == true_class and predicted == predicted_class
    ]
