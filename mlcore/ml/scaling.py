"""Min–max normalisation: the one place the sketches scale their inputs and targets."""

import numpy as np


class MinMaxScaler:
    """Scale each column to [0, 1] from the minimum and maximum seen by `fit`.

    A column whose minimum equals its maximum (every sample on one vertical line, or one note only) has no
    range to divide by: it maps to 0.5, and `inverse_transform` gives back that single value.
    """

    def fit(self, values):
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 1:
            values = values[:, None]
        self.min_ = values.min(axis=0)
        self.max_ = values.max(axis=0)
        self.range_ = self.max_ - self.min_
        return self

    def transform(self, values):
        values = np.asarray(values, dtype=np.float64)
        column = values.ndim == 1
        if column:
            values = values[:, None]
        flat = self.range_ == 0
        scaled = (values - self.min_) / np.where(flat, 1.0, self.range_)
        scaled[:, flat] = 0.5
        return scaled[:, 0] if column else scaled

    def fit_transform(self, values):
        return self.fit(values).transform(values)

    def inverse_transform(self, scaled):
        scaled = np.asarray(scaled, dtype=np.float64)
        column = scaled.ndim == 1
        if column:
            scaled = scaled[:, None]
        values = self.min_ + scaled * self.range_
        return values[:, 0] if column else values
