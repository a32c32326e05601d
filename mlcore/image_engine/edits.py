"""Editing the data on the Data page, as Marcelle's dataset browser allows: delete an image, or move it to another
class or to the other set (training or test), with undo.

Each edit makes a new Dataset (the same samples, one moved or gone) and moves the image's feature vector with it,
so nothing is extracted again; the counts and the random baseline are read from the new dataset. The model and
its scores belong to the data before the edit, so they are cleared: train again. An undo that brings the data back
as they were brings back the model and scores they had, too. Export and Save dataset write the
edited data, and the last session keeps the edits as plain values (`changes`), made again on restoring (`replay`).
"""

import dataclasses

import numpy as np

SETS = {"train": "training set", "test": "test set"}


def other_set(split):
    return "test" if split == "train" else "train"


class DataEdits:
    """The edits of the dataset now loaded, newest last, each with what undoes it.

    `busy()` names what runs or waits (a job's name, "the queued steps"), or is None when the data may change.
    """

    def __init__(self, pipeline, say, busy):
        self.pipeline = pipeline
        self.say = say
        self.busy = busy
        # (the data before the edit: (dataset, features), the dataset the edit made, what was done, the change)
        self.done = []
        # (the dataset an edit made, the results shown on the data before it): what its undo brings back
        self._results = []

    def _chain(self):
        """The edits that led to the dataset now loaded, oldest first (edits of another dataset are forgotten)."""
        chain, current = [], self.pipeline.dataset
        for entry in reversed(self.done):
            if entry[1] is current:
                chain.append(entry)
                current = entry[0][0]
        return list(reversed(chain))

    def _refused(self):
        if self.pipeline.dataset is None:
            return True
        running = self.busy()
        if running:
            self.say(f"wait until {running} ends, then edit the data", problem=True)
            return True
        return False

    def delete(self, split, index):
        """Delete image `index` of `split` ("train" or "test")."""
        self.edit(split, index, None, None)

    def move(self, split, index, label=None, to_split=None):
        """Give image `index` of `split` another class (`label`), or move it to the other set (`to_split`)."""
        self.edit(split, index, label, to_split or split)

    def edit(self, split, index, label, to_split):
        """Take image `index` out of `split`; unless `to_split` is None, put it at the end of `to_split` with class
        `label` (its own when None). Its feature vector goes with it."""
        if self._refused():
            return
        pipeline = self.pipeline
        before = (pipeline.dataset, pipeline.features)
        image = (before[0].train if split == "train" else before[0].test)[index]
        change = {"split": split, "index": index, "id": image.id, "label": label, "to_split": to_split}
        after, what = apply_edit(before, change)
        kept = pipeline.results() if pipeline.model is not None else None
        pipeline.use_data(*after)
        if kept is not None:
            self._results.append((after[0], kept))
        self.done.append((before, after[0], what, change))
        self.say(f"{what} (U undoes it); train again to see the model on the edited data")

    def undo(self):
        """Undo the last edit of the dataset now loaded."""
        chain = self._chain()
        if not chain:
            self.say("nothing to undo: no edit of this dataset", problem=True)
            return
        if self._refused():
            return
        before, made, what, _ = chain[-1]
        self.done.remove(chain[-1])
        self.pipeline.use_data(*before)
        kept = next((results for dataset, results in self._results if dataset is made), None)
        self._results = [entry for entry in self._results if entry[0] is not made]
        if kept is None:
            self.say(f"undone: {what}")
            return
        self.pipeline.bring_back(kept)  # the data are as they were: so are the model and its scores
        self.say(
            f"undone: {what}; the model trained on these data is back"
            + (f" (run {kept.index + 1})" if kept.index is not None else "")
        )

    def changes(self):
        """The edits that made the dataset now loaded out of the one loaded, oldest first, as plain values."""
        return [dict(change) for _, _, _, change in self._chain()]

    def state(self):
        return {"edits": [what for _, _, what, _ in self._chain()]}


def apply_edit(data, change):
    """`data` (a dataset and its FeatureSet, or None) after `change`: (the new data, what was done).

    `change` says {"split", "index", "label", "to_split"}: image `index` leaves `split`; unless `to_split` is None,
    it joins the end of `to_split` with class `label` (its own when None). Its feature vector goes with it.
    """
    dataset, features = data
    split, index, label, to_split = (change[key] for key in ("split", "index", "label", "to_split"))
    sets = {"train": list(dataset.train), "test": list(dataset.test)}
    vectors = {"train": features.train, "test": features.test} if features is not None else None
    sample = sets[split].pop(index)
    if vectors is not None:
        vector = vectors[split][index]
        vectors[split] = np.delete(vectors[split], index, axis=0)
    if to_split is None:
        what = f"deleted {SETS[split]} image of '{sample.label}'"
    else:
        moved = dataclasses.replace(sample, label=label or sample.label)
        sets[to_split].append(moved)
        if vectors is not None:
            vectors[to_split] = np.concatenate([vectors[to_split], vector[None, :]])
        what = f"moved a {SETS[split]} image of '{sample.label}' to " + (
            f"class '{moved.label}'" if to_split == split else f"the {SETS[to_split]}"
        )
    classes = sorted(set(dataset.classes) | {s.label for s in sets["train"] + sets["test"]})
    made = dataclasses.replace(dataset, classes=classes, train=sets["train"], test=sets["test"])
    if vectors is not None:
        features = dataclasses.replace(features, train=vectors["train"], test=vectors["test"])
    return (made, features), what


def replay(data, changes):
    """Make `changes` (from `DataEdits.changes`) again on `data`, as `apply_edit` does, each image found by its id.

    Returns the data after them, the entries of `DataEdits.done` they make (so that U undoes them) and how many
    could not be made: an image that is no longer there stops the replay, since the later edits counted on it.
    """
    done = []
    for count, change in enumerate(changes):
        samples = data[0].train if change["split"] == "train" else data[0].test
        index = change["index"]
        if not (0 <= index < len(samples) and samples[index].id == change["id"]):
            index = next((number for number, sample in enumerate(samples) if sample.id == change["id"]), None)
            if index is None:
                return data, done, len(changes) - count
        change = {**change, "index": index}
        after, what = apply_edit(data, change)
        done.append((data, after[0], what, change))
        data = after
    return data, done, 0
