"""The image classifier's engine, without a display: datasets, features, training, runs, edits, files."""
