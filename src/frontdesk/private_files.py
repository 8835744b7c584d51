"""The data dir and the files in it, readable by this account only.

The data dir holds the SQLite database (password hashes, sessions, callers' transcripts and
contact details, webhook secrets, calendar and LLM credentials), the job queue and the
signing key. Created with the process's umask (commonly 022) they would be world-readable
to every other account on the machine, so each is created with its private mode from the
start: a file that existed for a moment with a wider mode could already have been opened.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) as 0700; an existing data dir of ours that others
    can read is tightened, since it may already hold secrets."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    info = path.stat()
    if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(stat.S_IMODE(info.st_mode) & ~0o077)
    return path


def private_file(path: Path) -> Path:
    """Make sure `path` exists with mode 0600 before a library (SQLite, huey) opens it.

    SQLite gives its -wal, -shm and -journal files the database file's own mode, so creating
    the database file private is enough for all of them. An existing file of ours is
    tightened the same way as the directory."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        info = path.stat()
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            path.chmod(FILE_MODE)
    else:
        os.close(fd)
    return path


def private_sqlite(path: Path) -> Path:
    """`private_file` for a SQLite database, and for the -wal/-shm/-journal files an older
    version left beside it with a wider mode."""
    for side in ("-wal", "-shm", "-journal"):
        companion = path.with_name(path.name + side)
        if companion.exists():
            private_file(companion)
    return private_file(path)


def create_private_text(path: Path, text: str) -> bool:
    """Write `text` to a new file created 0600; False when the file already exists (another
    process won the race and wrote it first)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(text)
    return True
