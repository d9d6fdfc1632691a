"""Atomic file writes: write to a temporary file in the target folder, then rename over it.

A reader never sees a half-written file, and a failed or interrupted write leaves nothing behind.
Temporaries are hidden files named ``.socsec-PID-...``; one left by a process that was killed
outright (kill -9, power cut) is removed by the next write into the same folder.
"""

import os
import re
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

STALE_AFTER_SECONDS = 6 * 3600  # where a process cannot be asked whether it still runs (Windows)


def temporary_prefix() -> str:
    return f".socsec-{os.getpid()}-"


def remove_stale_temporaries(folder):
    """Remove temporaries of socsec runs that are no longer running (files or folders in ``folder``)."""
    import shutil

    folder = Path(folder)
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        match = re.match(r"\.socsec-(\d+)-", entry.name)
        if match is None or int(match.group(1)) == os.getpid() or _running(int(match.group(1)), entry):
            continue
        if entry.is_dir():
            if all(item.is_dir() or item.suffix == ".csv" for item in entry.rglob("*")):
                shutil.rmtree(entry, ignore_errors=True)  # a CSV set never moved into place; anything else stays
        else:
            entry.unlink(missing_ok=True)


def _running(pid: int, entry: Path) -> bool:
    """Whether the process that made ``entry`` may still be writing it."""
    if sys.platform == "win32":  # os.kill would end the process there: judge by age
        return time.time() - entry.stat().st_mtime < STALE_AFTER_SECONDS
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


@contextmanager
def atomic_path(path):
    """Yield a temporary path next to ``path``; on success it replaces ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=temporary_prefix(), suffix=path.suffix, dir=path.parent)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the file ordinary permissions
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def save_workbook(wb, path) -> Path:
    """Save an openpyxl workbook atomically."""
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def write_csv(frame, path) -> Path:
    """Write a pandas DataFrame as CSV (no index) atomically, text neutralised (:func:`neutral_frame`)."""
    with atomic_path(path) as tmp:
        neutral_frame(frame).to_csv(tmp, index=False)
    return Path(path)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutral(text: str) -> str:
    """Text that no spreadsheet reads as a formula: a leading ``'`` before ``=``, ``+``, ``-``, ``@``, tab or
    carriage return (the usual defence against CSV injection).  Numbers are never passed here."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def neutral_frame(frame):
    """The frame with every text cell and column name neutralised (numbers untouched)."""
    def fix(value):
        return neutral(value) if isinstance(value, str) else value

    texts = [c for c in frame.columns if frame[c].dtype == object or str(frame[c].dtype) in ("string", "str")]
    renamed = {c: fix(c) for c in frame.columns if isinstance(c, str) and fix(c) != c}
    if not texts and not renamed:
        return frame
    out = frame.copy()
    for column in texts:
        out[column] = out[column].map(fix)
    return out.rename(columns=renamed)


@contextmanager
def atomic_folder(folder):
    """Yield a temporary folder beside ``folder``; on success it becomes ``folder`` as a whole (files of a
    previous ``folder`` that the new set does not replace are moved into it first), so a reader never sees
    old and new files of the set mixed.  The caller checks beforehand what ``folder`` may hold."""
    import shutil

    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(folder.parent)
    tmp = Path(tempfile.mkdtemp(prefix=temporary_prefix(), dir=folder.parent))
    old = None
    try:
        yield tmp
        if folder.exists():
            for entry in folder.iterdir():  # what the new set does not replace is kept
                if not (tmp / entry.name).exists():
                    os.replace(entry, tmp / entry.name)
            old = Path(tempfile.mkdtemp(prefix=temporary_prefix(), dir=folder.parent))
            os.replace(folder, old / folder.name)
        os.replace(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
