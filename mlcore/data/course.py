"""The course's mini image datasets: downloaded once from the course repository into the cache, then used offline.

A download is all or nothing: the bytes go to a temporary file that is checked before it takes its place, and a
download that fails, is cancelled or is interrupted leaves no partial file and no empty folder behind, so the
next call simply tries again.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from mlcore.data.cache import cache_dir, make_folders, remove_empty
from mlcore.data.marcelle import parse_marcelle
from mlcore.data.samples import DatasetError
from mlcore.files import create_beside

COURSE_DATASETS = ["miniMASK", "miniROAD", "miniTRASH", "miniRETINA", "miniSKIN", "miniFRUIT"]
COURSE_URL = (
    "https://raw.githubusercontent.com/aica-wavelab/aica-assignments/main/"
    "A1_introduction/train_your_first_classifier/assets/{name}/{name}_{split}.json"
)

Progress = Callable[[int, "int | None"], None]

# A partial file untouched for this long was left by a process that was killed mid-download: nobody writes it.
STALE_PART_SECONDS = 600


class DownloadCancelled(DatasetError):
    """The download was stopped through its `cancel` event; nothing was written."""


class NoNetwork(DatasetError):
    """The server could not be reached: no network, or the server is down."""


def _network_words(reason) -> str:
    """Why a connection failed, in words rather than an errno ("[Errno -2] Name or service not known")."""
    if isinstance(reason, socket.gaierror):
        return "the server's name could not be looked up: this computer seems to have no network"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return "no answer in time"
    return str(reason)


def _cache_error(folder: Path, err: OSError) -> DatasetError:
    return DatasetError(
        f"cannot write to the dataset cache {folder} ({err.strerror or err}); "
        f"set ML_SKETCHES_CACHE to a writable folder"
    )


def download(
    url: str,
    dest: str | os.PathLike,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    timeout: float = 20,
    what: str | None = None,
) -> Path:
    """Download a Marcelle dataset file from `url` to `dest`, all or nothing.

    The bytes stream into a temporary file beside `dest`; `progress(done_bytes, total_bytes_or_None)` is called
    as they arrive, and setting the `cancel` event stops the download (DownloadCancelled). The file is checked
    with `parse_marcelle` (it must hold at least one good instance) and only then moved onto `dest`, so an
    interrupted, cancelled or invalid download leaves neither `dest`, nor a temporary file, nor a folder it had
    to create behind. `what` names the file in error messages (default: the file name of `dest`).
    """
    dest = Path(dest)
    what = what or dest.name
    try:
        created = make_folders(dest.parent)
    except OSError as err:
        raise _cache_error(dest.parent, err) from None
    try:
        _download_into(url, dest, what, progress, cancel, timeout)
    except BaseException:
        remove_empty(created)
        raise
    return dest


def _download_into(
    url: str, dest: Path, what: str, progress: Progress | None, cancel: threading.Event | None, timeout: float
) -> None:
    """`download`'s work, once dest's folder exists: a checked temporary file, renamed onto `dest`."""
    try:
        fd, temp = create_beside(dest)  # the user's umask applies, as to every file the sketches write
    except OSError as err:
        raise _cache_error(dest.parent, err) from None
    try:
        with os.fdopen(fd, "wb") as out:
            _stream(url, out, what, progress, cancel, timeout)
            out.flush()
            os.fsync(out.fileno())
        try:
            samples, _ = parse_marcelle(Path(temp).read_bytes(), url)
        except DatasetError as err:
            raise DatasetError(f"could not download {what}: the server did not send a dataset ({err})") from None
        if not samples:
            raise DatasetError(f"could not download {what}: the file at {url} holds no usable instance")
        os.replace(temp, dest)
    except OSError as err:  # the disk filled up, or the folder turned read-only half way
        raise _cache_error(dest.parent, err) from None
    finally:
        if os.path.exists(temp):
            os.unlink(temp)


def _stream(
    url: str, out, what: str, progress: Progress | None, cancel: threading.Event | None, timeout: float
) -> None:
    """Copy the body at `url` into the open file `out`, reporting progress and honouring `cancel`."""
    if cancel is not None and cancel.is_set():
        raise DownloadCancelled(f"download of {what} cancelled")
    request = urllib.request.Request(url, headers={"User-Agent": "ml-sketches"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as err:
        raise DatasetError(f"could not download {what}: the server answered {err.code} {err.reason} ({url})") from None
    except (urllib.error.URLError, OSError) as err:
        reason = _network_words(getattr(err, "reason", None) or err)
        raise NoNetwork(f"could not download {what}: no network or server unreachable ({reason})") from None
    with response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        done = 0
        if progress:
            progress(done, total)
        while True:
            if cancel is not None and cancel.is_set():
                raise DownloadCancelled(f"download of {what} cancelled")
            try:
                chunk = response.read(64 * 1024)
            except (OSError, ValueError) as err:  # reset, timeout, or http.client.IncompleteRead
                raise DatasetError(f"could not download {what}: the connection broke ({err})") from None
            if not chunk:
                break
            out.write(chunk)
            done += len(chunk)
            if progress:
                progress(done, total)
    # A server that closes early looks like a normal end of the body; only the announced length tells them apart.
    if total is not None and done < total:
        raise DatasetError(f"could not download {what}: the connection broke after {done} of {total} bytes")


def course_name(name: str) -> str | None:
    """The course dataset called `name`, letter case ignored, or None."""
    for known in COURSE_DATASETS:
        if known.lower() == str(name).lower():
            return known
    return None


def ensure_course_dataset(
    name: str, progress: Progress | None = None, cancel: threading.Event | None = None, base_url: str = COURSE_URL
) -> tuple[Path, Path]:
    """Make sure both splits of a course dataset are in the cache, downloading what is missing.

    Returns the paths of the train and test files. Files already cached are not downloaded again; a split
    whose download failed before is tried again, and partial files left by a process killed while downloading
    are removed. `progress` is called for each file in turn. `base_url` is formatted with `name` and `split`.
    """
    known = course_name(name)
    if known is None:
        raise DatasetError(f"unknown course dataset {name!r}; the course has {', '.join(COURSE_DATASETS)}")
    folder = cache_dir() / "datasets" / known
    paths = []
    for split in ("train", "test"):
        path = folder / f"{known}_{split}.json"
        if not path.is_file():
            _remove_stale_parts(path)
            try:
                download(
                    base_url.format(name=known, split=split),
                    path,
                    progress=progress,
                    cancel=cancel,
                    what=f"{known} ({split})",
                )
            except NoNetwork as error:
                raise NoNetwork(
                    f"{error}. To use {known} offline, copy {known}_train.json and {known}_test.json "
                    f"into {folder}, or pass --dataset with the folder that holds them"
                ) from None
        paths.append(path)
    return paths[0], paths[1]


def _remove_stale_parts(dest: Path) -> None:
    """Delete the temporary files of downloads of `dest` that nobody has written to for STALE_PART_SECONDS."""
    if not dest.parent.is_dir():
        return
    now = time.time()
    for part in dest.parent.glob(f".{dest.name}.*.part"):
        try:
            if now - part.stat().st_mtime > STALE_PART_SECONDS:
                part.unlink()
        except OSError:  # gone already, or the cache is read-only: the download will say so
            continue
