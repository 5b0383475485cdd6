"""Sniff a file's real type from its content, not its name (ASVS 12.1, SECURITY check 37)."""

from __future__ import annotations

import zipfile
from typing import IO

MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 2000


class UnsafeArchiveError(ValueError):
    """A zip-based file would expand beyond the limits (a zip bomb)."""


def check_zip_limits(archive: zipfile.ZipFile) -> None:
    """Refuse archives with too many members or too large an uncompressed size."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise UnsafeArchiveError("too many members")
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise UnsafeArchiveError("uncompressed size too large")


def sniff(stream: IO[bytes]) -> str | None:
    """Return one of pdf, jpeg, png, docx, xlsx, zip, or None if unknown. Rewinds ``stream``."""
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
