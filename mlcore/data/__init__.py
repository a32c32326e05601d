"""Datasets (the course's, the built-in one, image folders), camera collections and cameras: never pygame."""
