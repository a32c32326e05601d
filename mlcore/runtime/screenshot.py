"""F12 in every sketch: the window as the class sees it, saved as a PNG in a file of its own.

The file goes to the current folder, else to the user's data folder (as the autosaves do), under a new name each
time (`NAME-screenshot-DATE-TIME.png`, then `-2`…), with the permissions the umask gives a new file.
"""

import os
import time

from mlcore.files import first_writable, output_folders, unwritable, write_new

KEY = "f12"


def png_writer(pygame, surface):
    """A function that writes `surface` as PNG to an open binary file (for `files.write_atomically`)."""
    return lambda file: pygame.image.save(surface, file, "screenshot.png")


def save_screenshot(pygame, window, sketch, folders=None):
    """Save what `window` shows now (in the first of `folders` that can be written: `files.output_folders()`);
    the sentence the bar says and whether it is an error."""
    folders = output_folders() if folders is None else folders
    stamp = time.strftime("%Y%m%d-%H%M%S")
    picture = window.copy()  # the next frame may draw over the window while the file is written
    path, failure = first_writable(
        lambda folder: write_new(folder, f"{sketch}-screenshot-{stamp}", ".png", png_writer(pygame, picture)), folders
    )
    if path is None:
        return f"could not save the screenshot: {unwritable(folders, failure)}", True
    return f"screenshot saved: {path}", False


def sketch_name(module):
    """The sketch's short name, for the files it writes: "classification" for sketches/classification.py."""
    name = getattr(module, "__spec__", None) and module.__spec__.name
    if name and name != "__main__":
        return name.rsplit(".", 1)[-1]
    return os.path.splitext(os.path.basename(getattr(module, "__file__", None) or "sketch"))[0]
