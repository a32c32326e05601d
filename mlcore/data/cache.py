"""The per-user cache folder, where downloaded course datasets and the generated built-in dataset are kept."""

from __future__ import annotations

from pathlib import Path

from mlcore.files import cache_dir  # noqa: F401  (where the data's files are kept; importable from here too)


def make_folders(folder: Path) -> list[Path]:
    """Create `folder` and any missing folders above it; returns those it created, deepest first.

    The list lets a caller whose work then fails take away exactly the folders it made (`remove_empty`).
    """
    missing = []
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing.append(candidate)
    folder.mkdir(parents=True, exist_ok=True)
    return missing


def remove_empty(folders: list[Path]) -> None:
    """Remove each folder of `folders` (deepest first) that is empty, stopping at the first that is not."""
    for folder in folders:
        try:
            folder.rmdir()
        except FileNotFoundError:
            continue
        except OSError:  # not empty: another process put something there
            return
