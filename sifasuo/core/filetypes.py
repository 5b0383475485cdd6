"""Sniff a file's real type from its content, not its name (ASVS 12.1, SECURITY check 37).

Zip-based files (docx, xlsx, zip) are checked from the archive's central directory before
anything is extracted (ASVS 12.1.2): the member count, the total uncompressed size and the
compression ratio. ``zipfile`` never yields more bytes for a member than its declared size,
so the declared sizes checked here bound what a later reader (openpyxl) can inflate.
"""

from __future__ import annotations

import zipfile
from typing import IO

from django.conf import settings

# Defaults; settings ATTACHMENT_MAX_UNCOMPRESSED_BYTES, ATTACHMENT_MAX_ZIP_MEMBERS and
# ATTACHMENT_MAX_COMPRESSION_RATIO override them.
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000
MAX_COMPRESSION_RATIO = 200
# Small members may compress very well (a blank sheet) without being a bomb.
RATIO_FLOOR_BYTES = 1024 * 1024


# The media type each sniffed type is served with, and the file name endings that belong to it
# (the download serves what the content is, never what the uploader's file name says).
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "jpeg": (".jpg", ".jpeg"),
    "png": (".png",),
    "docx": (".docx",),
    "xlsx": (".xlsx",),
    "zip": (".zip",),
}
UNKNOWN_MEDIA_TYPE = "application/octet-stream"
# the types of the documents the platform writes itself (case files, statements, letters)
PDF_MIME = MEDIA_TYPES["pdf"]
DOCX_MIME = MEDIA_TYPES["docx"]


def media_type(file_type: str) -> str:
    """Return the media type to serve a file of the sniffed ``file_type`` with."""
    return MEDIA_TYPES.get(file_type, UNKNOWN_MEDIA_TYPE)


def download_name(name: str, file_type: str) -> str:
    """Return ``name`` ending in an extension of ``file_type`` (appended if it disagrees).

    A PNG uploaded as ``x.html`` is saved by the browser as ``x.html.png``: opened from the
    disk, it is shown as what it is.
    """
    endings = EXTENSIONS.get(file_type)
    if not endings or name.lower().endswith(endings):
        return name
    return name + endings[0]


# How much of each XML part is read to look for a document type declaration.
DTD_SCAN_BYTES = 4096
_DTD_MARKS = tuple(
    mark.encode(codec)
    for mark in ("<!DOCTYPE", "<!ENTITY", "<!doctype", "<!entity")
    for codec in ("utf-8", "utf-16-le", "utf-16-be")
)


class UnsafeArchiveError(ValueError):
    """A zip-based file would expand beyond the limits (a zip bomb, an XML bomb)."""


class UnsafeXmlError(UnsafeArchiveError):
    """An XML part of a zip-based file declares a DTD or entities."""


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_zip_limits(archive: zipfile.ZipFile) -> None:
    """Refuse archives with too many members, too large an uncompressed size or ratio."""
    infos = archive.infolist()
    if len(infos) > _limit("ATTACHMENT_MAX_ZIP_MEMBERS", MAX_ZIP_MEMBERS):
        raise UnsafeArchiveError("too many members")
    total = sum(info.file_size for info in infos)
    if total > _limit("ATTACHMENT_MAX_UNCOMPRESSED_BYTES", MAX_UNCOMPRESSED_BYTES):
        raise UnsafeArchiveError("uncompressed size too large")
    ratio = _limit("ATTACHMENT_MAX_COMPRESSION_RATIO", MAX_COMPRESSION_RATIO)
    compressed = sum(info.compress_size for info in infos)
    if total > RATIO_FLOOR_BYTES and total > ratio * max(compressed, 1):
        raise UnsafeArchiveError("compression ratio too high")
    for info in infos:
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > ratio * max(
            info.compress_size, 1
        ):
            raise UnsafeArchiveError("compression ratio too high")
    check_no_dtd(archive)


def check_no_dtd(archive: zipfile.ZipFile) -> None:
    """Refuse XML parts that declare a DTD or entities (billion laughs, external entities).

    Office Open XML never uses a DTD. This reads the head of each part only (the sizes are
    checked already); defusedxml, which openpyxl uses, refuses entities anywhere as well.
    """
    for info in archive.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(info) as part:
            head = part.read(DTD_SCAN_BYTES)
        if any(mark in head for mark in _DTD_MARKS):
            raise UnsafeXmlError("XML part declares a DTD")


def sniff(stream: IO[bytes]) -> str | None:
    """Return one of pdf, jpeg, png, docx, xlsx, zip, or None if unknown. Rewinds ``stream``.

    Raises ``UnsafeArchiveError`` for a zip-based file beyond the limits.
    """
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:
                check_zip_limits(archive)
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        return "zip"
    return None
