"""Writing a file all at once or not at all (standard library only).

Every file plantracker writes for a user — a plan file, a plan workbook, a report, a backup
— goes through ``write_atomically``: a reader of the target sees the old content or the new,
never half of it, and a failure at any step leaves the target as it was and no temporary
file behind. ``csv_cell`` keeps a CSV cell from being taken for a formula, in every CSV
the product writes (the audit trail's, the evidence pack's index). This module sits outside
the layers: any package may import it except the domain, which imports nothing of
plantracker.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["current_umask", "new_file_mode", "write_atomically"]


def write_atomically(
    target: str | os.PathLike[str], content: str | bytes, *, mode: int | None = None
) -> None:
    """Write ``content`` (text is written as UTF-8, line ends as given) to ``target``.

    The content goes to a temporary file in the target's folder (so that ``os.replace`` is
    a rename on one file system), is flushed to disk, gets its mode and is then moved over
    ``target``. The mode is the one a plain ``open()`` would give (the replaced file's, or
    what the umask leaves of 0666 for a new file; never the temporary file's 0600), or
    ``mode`` when given (0o600 for a file only its owner may read).

    Raises ``OSError`` when the folder cannot be written; ``target`` is then untouched.
    """
    path = Path(target)
    data = content.encode("utf-8") if isinstance(content, str) else content
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, _mode_for(path) if mode is None else mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    """The process's umask (reading it means setting it; it is set straight back)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def new_file_mode() -> int:
    """The permission bits ``open()`` gives a new file: 0666 less the umask."""
    return 0o666 & ~current_umask()


def _mode_for(target: Path) -> int:
    """The replaced file's permission bits, or a new file's when there is none."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return new_file_mode()


# A cell starting with one of these is a formula to a spreadsheet (CSV injection).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """``text`` safe in a CSV cell a spreadsheet opens: one that would start a formula is
    quoted with an apostrophe, which spreadsheets show as text."""
    return "'" + text if text.startswith(_FORMULA) else text
