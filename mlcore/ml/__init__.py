"""Networks, feature extractors, model files and confusion matrices: numpy and torch, never pygame."""
