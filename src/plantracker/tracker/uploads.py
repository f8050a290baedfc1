"""The checks every evidence upload passes before anything is stored (ADR 0078).

What a file is comes from its bytes, never from its name or the browser's word: the first
bytes are matched against the accepted types' signatures (PDF, PNG, JPEG, GIF, WebP), an
Office file is opened as the zip it is and its ``[Content_Types].xml`` read (Word, Excel
and PowerPoint documents; macro-enabled ones, those carrying ``vbaProject.bin``, encrypted
entries and zip bombs refused), and a CSV must be text. The name's extension must agree
with what the contents are. Old binary Office files (``.doc``, ``.xls``, ``.ppt``) are
refused: they can carry macros that cannot be checked without parsing the whole format,
and an encrypted Office document is one of them on the outside; the message asks for the
current format instead. Each refusal is an ``UploadRefused`` naming the file and why.

Standard library only; the size is checked from what the server received (Django spools
an upload past ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file) before any byte is read.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from plantracker.tracker.services.errors import ServiceError

NAME_LIMIT = 120  # characters of a stored file name, its extension included
# A zip bomb: an Office file may expand to no more than this in all, each entry to no more
# than RATIO times its compressed size, in no more than ENTRIES entries.
UNZIPPED_LIMIT = 200 * 1024 * 1024
RATIO_LIMIT = 200
ENTRIES_LIMIT = 2000
_SNIFF = 8192  # bytes read to tell a file's type (and a CSV's text)


class UploadRefused(ServiceError):
    """An upload that is not stored; the message names the file and says why."""


@dataclass(frozen=True)
class Accepted:
    """An upload that passed: its normalised name and the type its contents are."""

    filename: str
    content_type: str
    kind: str  # what the contents are, in words ("PDF document")


# extension → (what it is, MIME type)
TYPES = {
    "pdf": ("PDF document", "application/pdf"),
    "png": ("PNG image", "image/png"),
    "jpg": ("JPEG image", "image/jpeg"),
    "jpeg": ("JPEG image", "image/jpeg"),
    "gif": ("GIF image", "image/gif"),
    "webp": ("WebP image", "image/webp"),
    "docx": (
        "Word document",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ("Excel workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        "PowerPoint presentation",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "csv": ("CSV file", "text/csv"),
}
ACCEPTED_WORDS = "PDF, Word (.docx), Excel (.xlsx), PowerPoint (.pptx), PNG, JPEG, GIF, WebP or CSV"

# The main part's content type in [Content_Types].xml → the extension it makes.
_OFFICE_MAIN = {
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": "pptx",
}
# Programs and pages posing as something else, named when found.
_PROGRAMS = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xfe\xed\xfa\xcf", "a macOS program"),
    (b"#!", "a script"),
)
_MARKUP = re.compile(rb"^\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<iframe|<!--)", re.I)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_filename(raw: str) -> str:
    """The name an upload is kept and downloaded under: Unicode NFC, white space collapsed,
    at most ``NAME_LIMIT`` characters (the extension kept). A name with path parts or
    control characters is refused, not mended: no browser sends one."""
    shown = raw.encode("unicode_escape").decode("ascii")[:80]
    if _CONTROL.search(raw):
        raise UploadRefused(f"{shown}: the file name has control characters; rename the file")
    if "/" in raw or "\\" in raw or raw.strip() in {".", ".."}:
        raise UploadRefused(
            f"{shown}: the file name has folder parts (/ or \\); give the file's own name"
        )
    name = " ".join(unicodedata.normalize("NFC", raw).split()).strip(". ")
    if not name:
        raise UploadRefused("The file has no name; rename it and try again")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, extension = name, ""
    extension = extension.lower()
    room = NAME_LIMIT - (len(extension) + 1 if extension else 0)
    stem = stem[:room].rstrip(". ")
    return f"{stem}.{extension}" if extension else stem


def check_upload(*, name: str, size: int, stream: IO[bytes], limit: int) -> Accepted:
    """Check an upload of ``size`` bytes named ``name`` (``stream`` at its start, seekable);
    its ``Accepted`` name and type, or ``UploadRefused``. Reads no more than the sniffed
    head, except for an Office file's zip directory and ``[Content_Types].xml``."""
    filename = clean_filename(name)
    if size <= 0:
        raise UploadRefused(f"{filename}: the file is empty (0 bytes)")
    if size > limit:
        raise UploadRefused(
            f"{filename}: the file is {_megabytes(size)}; files may be no larger than "
            f"{_megabytes(limit)}"
        )
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    stream.seek(0)
    head = stream.read(_SNIFF)
    stream.seek(0)
    found = _sniff(filename, head, stream)
    if extension not in TYPES:
        raise UploadRefused(
            f"{filename}: files of this type are not accepted; attach a {ACCEPTED_WORDS} file"
        )
    wanted = TYPES[extension]
    if TYPES[found][0] != wanted[0]:
        raise UploadRefused(
            f"{filename}: the name says {wanted[0]} but the contents are a {TYPES[found][0]}; "
            "give the file its right extension"
        )
    return Accepted(filename=filename, content_type=wanted[1], kind=wanted[0])


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _sniff(filename: str, head: bytes, stream: IO[bytes]) -> str:
    """The extension the contents make, or UploadRefused saying what they are."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return _office(filename, stream)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UploadRefused(
            f"{filename}: an old-format (.doc, .xls, .ppt) or password-protected Office file, "
            "which cannot be checked for macros; save it as .docx, .xlsx or .pptx without a "
            "password and attach that"
        )
    for signature, what in _PROGRAMS:
        if head.startswith(signature):
            raise UploadRefused(f"{filename}: the contents are {what}, which is not accepted")
    if _MARKUP.match(head.lstrip(b"\xef\xbb\xbf")):
        raise UploadRefused(
            f"{filename}: the contents are a web page or markup (HTML, SVG, XML), which is not "
            "accepted"
        )
    if _is_text(head):
        return "csv"
    raise UploadRefused(
        f"{filename}: the contents are not a file type that is accepted; attach a "
        f"{ACCEPTED_WORDS} file"
    )


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    sample = head.removeprefix(b"\xef\xbb\xbf")
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(sample) - 3:
            try:
                sample.decode("cp1252")
            except UnicodeDecodeError:
                return False
    return True


def _office(filename: str, stream: IO[bytes]) -> str:
    """An Office Open XML file's extension, after its zip is checked."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadRefused(f"{filename}: the file is a damaged or unreadable zip") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > ENTRIES_LIMIT:
            raise UploadRefused(
                f"{filename}: the file holds {len(entries):,} parts, more than the "
                f"{ENTRIES_LIMIT:,} an Office document may"
            )
        total = 0
        for entry in entries:
            if entry.flag_bits & 0x1:
                raise UploadRefused(
                    f"{filename}: the file is encrypted (password-protected); attach it "
                    "without a password"
                )
            total += entry.file_size
            if entry.file_size > RATIO_LIMIT * max(entry.compress_size, 1) and (
                entry.file_size > 1024 * 1024
            ):
                raise UploadRefused(
                    f"{filename}: the file expands far beyond its size (a zip bomb), so it is "
                    "not accepted"
                )
        if total > UNZIPPED_LIMIT:
            raise UploadRefused(
                f"{filename}: the file expands to {_megabytes(total)}, more than the "
                f"{_megabytes(UNZIPPED_LIMIT)} an Office document may (a zip bomb)"
            )
        names = {entry.filename.lower() for entry in entries}
        if any(name.rsplit("/", 1)[-1] == "vbaproject.bin" for name in names):
            raise UploadRefused(
                f"{filename}: the document contains macros (vbaProject.bin); save it without "
                "macros (.docx, .xlsx, .pptx) and attach that"
            )
        if "[content_types].xml" not in names:
            raise UploadRefused(
                f"{filename}: a zip file, not a Word, Excel or PowerPoint document; attach "
                f"a {ACCEPTED_WORDS} file"
            )
        info = archive.getinfo(
            next(e.filename for e in entries if e.filename.lower() == "[content_types].xml")
        )
        if info.file_size > 1024 * 1024:
            raise UploadRefused(f"{filename}: the document's list of parts is too large")
        types = archive.read(info).lower()
    if b"macroenabled" in types or b"vbaproject" in types:
        raise UploadRefused(
            f"{filename}: the document is macro-enabled (.docm, .xlsm, .pptm); save it "
            "without macros (.docx, .xlsx, .pptx) and attach that"
        )
    for main, extension in _OFFICE_MAIN.items():
        if main in types:
            return extension
    raise UploadRefused(
        f"{filename}: a zip file, not a Word, Excel or PowerPoint document; attach a "
        f"{ACCEPTED_WORDS} file"
    )
