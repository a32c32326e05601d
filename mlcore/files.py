"""Reading a file (or its JSON) with one clear sentence when it cannot be read, writing files so that a crash, a
full disk or an interrupted write never leaves half a file behind, and the per-user cache folder where such files
live."""

import errno
import json
import os
import re
import secrets
import time
from pathlib import Path


def cache_dir() -> Path:
    """The per-user cache folder: $ML_SKETCHES_CACHE, else $XDG_CACHE_HOME/ml-sketches, else ~/.cache/ml-sketches."""
    override = os.environ.get("ML_SKETCHES_CACHE")
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "ml-sketches"


def user_data_dir() -> Path:
    """The user's data folder, where a sketch writes what the current folder cannot take: $XDG_DATA_HOME/ml-sketches,
    else ~/.local/share/ml-sketches."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "ml-sketches"


def output_folders() -> list:
    """Where a sketch writes what a student keeps (autosaves, screenshots, reports): the current folder, else the
    user's data folder."""
    return [Path.cwd(), user_data_dir()]


def first_writable(write, folders=None):
    """`write(folder)` in each of `folders` (default: `output_folders()`) until one works: (what it returned, None),
    or (None, the last OSError) when none could be written."""
    failure = None
    for folder in output_folders() if folders is None else folders:
        try:
            return write(Path(folder)), None
        except OSError as error:
            failure = error
    return None, failure


def unwritable(folders, failure) -> str:
    """Why nothing could be written, in words: "/here and /there cannot be written (Read-only file system)"."""
    places = " and ".join(map(str, output_folders() if folders is None else folders))
    return f"{places} cannot be written ({getattr(failure, 'strerror', None) or failure})"


def new_folder(parent, stem) -> Path:
    """A new, empty folder in `parent`: `stem`, else `stem-2`, `stem-3`… (made exclusively, so an earlier one is never
    written into), with the permissions the umask gives a new folder. An OSError reaches the caller."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    number = 1
    while True:
        folder = parent / (stem if number == 1 else f"{stem}-{number}")
        try:
            folder.mkdir(0o777)
            return folder
        except FileExistsError:
            number += 1


# What a file error means for the person who asked for the file, in their words rather than the system's.
REASONS = {
    errno.EROFS: "read-only",
    errno.EACCES: "read-only",
    errno.EPERM: "read-only",
    errno.ENOSPC: "the disk is full",
    errno.ENOTDIR: "a file is in the way",
    errno.EEXIST: "a file is in the way",
    errno.EDQUOT: "the disk quota is full",
    errno.ENOENT: "it does not exist",
}


def reason(error: OSError) -> str:
    """Why a file or folder could not be written, in a few words: "read-only", "the disk is full"…"""
    return REASONS.get(error.errno) or (error.strerror or str(error)).lower()


def cannot_write(folder, error: OSError) -> str:
    """One line for a folder that could not be written: 'cannot write to /media/usb/x (read-only)'."""
    return f"cannot write to {folder} ({reason(error)})"


def writable(folder) -> bool:
    """True when `folder`, or the nearest folder above it that exists, can be written (without writing)."""
    folder = Path(folder).absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder.is_dir() and os.access(folder, os.W_OK)


def write_atomically(path, content):
    """Write `content` to `path` through a temporary file beside it, then rename it into place.

    `content` is bytes, a str (written as UTF-8), or a function that writes to the open binary file (for
    `np.save` or `torch.save`). The file gets the permissions the user's umask gives a new file (0644 under the
    usual umask 022), so a classmate or a web server can read a shared export. An OSError (read-only folder, full
    disk) reaches the caller; no temporary file stays behind either way.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _written_beside(path, content)
    try:
        os.replace(temporary, path)
    finally:
        _remove_quietly(temporary)


def _written_beside(path, content):
    """A temporary file beside `path` holding `content` (as `write_atomically` takes it), on disk: its name."""
    handle, temporary = create_beside(path)
    try:
        with os.fdopen(handle, "wb") as file:
            if callable(content):
                content(file)
            else:
                file.write(content.encode("utf-8") if isinstance(content, str) else content)
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        _remove_quietly(temporary)
        raise
    return temporary


def create_beside(path):
    """A new, empty temporary file in `path`'s folder, to be renamed onto `path` once whole: (descriptor, name).

    Not `tempfile.mkstemp`, which always makes 0600 files: opened with mode 0666, the operating system applies the
    umask itself, as it does for any file a program creates (reading the umask instead would race with threads).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        temporary = path.parent / f".{path.name}.{secrets.token_hex(4)}.part"
        try:
            return os.open(temporary, flags, 0o666), str(temporary)
        except FileExistsError:
            continue


def read_bytes(path, what, error=OSError, count=-1):
    """The bytes of `path` (the first `count` of them); `error` with one sentence when it cannot be read.

    `what` names what the file should be ("an image file", "a model file"), for the sentence about a folder.
    """
    path = Path(path)
    try:
        with open(path, "rb") as file:
            return file.read(count)
    except FileNotFoundError:
        raise error(f"{path}: file not found") from None
    except IsADirectoryError:
        raise error(f"{path}: a folder, not {what}") from None
    except OSError as failure:
        raise error(f"{path}: cannot be read ({failure.strerror or failure})") from None


MAX_DIGITS = 300  # a whole number longer than this is no coordinate, count or weight: a damaged or hostile file


def _whole_number(text):
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number {len(text)} digits long")
    return int(text)


def utf8_text(data, name, error=ValueError, replace=False, what="a JSON file"):
    """Bytes read as UTF-8 (a byte-order mark dropped): (text, how many bytes were not UTF-8).

    Such bytes refuse the file with `error` naming `name` ("not `what`"), or with `replace` each reads as U+FFFD, so a reader that
    needs only some fields can skip the entries they spoil and say so.
    """
    data = bytes(data)
    try:
        return data.decode("utf-8-sig"), 0
    except UnicodeDecodeError:
        if not replace:
            raise error(f"{name}: not {what} (it is not UTF-8 text)") from None
    text = data.decode("utf-8-sig", errors="replace")
    return text, text.count("\ufffd") - data.decode("utf-8-sig", errors="ignore").count("\ufffd")


def parse_json(data, name, error=ValueError):
    """JSON text or bytes parsed, every way it can fail turned into `error` with one sentence naming `name`.

    Bytes are UTF-8, with or without a byte-order mark; empty text, text that is not UTF-8, JSON that is broken,
    nested too deeply to read, or holds a whole number of hundreds of digits each say so in words.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        data, _ = utf8_text(data, name, error)
    data = data.removeprefix("\ufeff")
    if not data.strip():
        raise error(f"{name}: the file is empty")
    try:
        return json.loads(data, parse_int=_whole_number)
    except json.JSONDecodeError as failure:
        raise error(
            f"{name}: not valid JSON, the file may be truncated or corrupt "
            f"({failure.msg} at line {failure.lineno}, column {failure.colno})"
        ) from None
    except RecursionError:
        raise error(f"{name}: not readable (its JSON is nested too deeply)") from None
    except ValueError as failure:  # a number too long
        raise error(f"{name}: not readable ({failure})") from None


_LIST_START = re.compile(r'\s*\{\s*"((?:[^"\\]|\\.)*)"\s*:\s*\[\s*')
_AFTER_ITEM = re.compile(r"\s*([,\]])\s*")
_OBJECT_END = re.compile(r"\s*\}\s*\Z")
_DECODER = json.JSONDecoder(parse_int=_whole_number)


def json_list(text, key, name, error=ValueError, missing=None):
    """The list under `key` in the JSON object `text`, as `parse_json(text)[key]` holds it. A file that is only
    `{"key": [...]}` is decoded an item at a time, each a short step (a thread reading it leaves the others their
    turns between the steps); any other layout is parsed whole. `missing`: the sentence when there is
    no such list."""
    text = text.removeprefix("\ufeff")
    start = _LIST_START.match(text)
    if start is not None and start[1] == key:
        try:
            return _list_items(text, start.end())
        except (ValueError, AttributeError, RecursionError):  # broken, or more than the list: read as a whole
            pass
    document = parse_json(text, name, error)
    items = document.get(key) if isinstance(document, dict) else None
    if not isinstance(items, list):
        raise error(missing or f'{name}: no "{key}" list')
    return items


def _list_items(text, position):
    """The items of the list that starts at `position` and ends the document (ValueError when it does not)."""
    items = []
    if text.startswith("]", position):
        position += 1
    else:
        while True:
            item, position = _DECODER.raw_decode(text, position)
            items.append(item)
            mark = _AFTER_ITEM.match(text, position)  # None: neither "," nor "]" (AttributeError below)
            position = mark.end()
            if mark[1] == "]":
                break
    if not _OBJECT_END.match(text, position):
        raise ValueError("more after the list")
    return items


def write_new(folder, stem, suffix, content) -> Path:
    """Write `content` (as `write_atomically` takes it) to a new file in `folder`: `stem + suffix`, else
    `stem-2 + suffix`, `stem-3 + suffix`… The whole file is written first, then linked under the first free name
    (linking never replaces a file), so any number of programs writing at the same moment each get a file of their
    own, and a write killed part-way leaves only its temporary file (`remove_stale_parts`), never an empty or half
    file under the name. An OSError leaves no file behind."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = _written_beside(folder / f"{stem}{suffix}", content)
    try:
        number = 1
        while True:
            path = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
            try:
                _claim(temporary, path)
                return path
            except FileExistsError:
                number += 1
    finally:
        _remove_quietly(temporary)


def _claim(temporary, path):
    """Give the written `temporary` the name `path` unless a file has it (FileExistsError)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (a FAT memory stick): claim the name, then fill it
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        os.replace(temporary, path)


STALE_SECONDS = 300  # a temporary file this old was left by a write that was killed: no write takes so long
_PART_NAME = re.compile(r"\..+\.[0-9a-f]{8}\.part")  # only `create_beside`'s names: another program's stay


def remove_stale_parts(folder, prefix="", now=None):
    """Remove the temporary files (`.NAME.xxxxxxxx.part`, as `create_beside` names them) that killed writes of files
    named `prefix…` (any name by default) left in `folder` more than STALE_SECONDS ago; how many were removed."""
    now = time.time() if now is None else now
    removed = 0
    for part in Path(folder).glob(f".{prefix}*.part"):
        try:
            if _PART_NAME.fullmatch(part.name) and now - part.stat().st_mtime > STALE_SECONDS:
                part.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def _remove_quietly(path):
    try:
        os.unlink(path)
    except OSError:
        pass
