"""Uploads end to end (SECURITY.md checks 35, 37, 38 and the upload part of 45).

Zip bombs are refused from the central directory, before anything is inflated; the media
directory is never served; a full disk (a real 64 KB tmpfs when this machine lets us mount
one, else a file store that fails the write half way with ``ENOSPC``) gives the user a clear
message and leaves neither a row nor a file; the upload temp directory is empty after an
upload; an xlsx with a billion-laughs part is refused quickly with little memory.
"""

from __future__ import annotations

import errno
import io
import os
import time
import tracemalloc
import uuid
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from sifasuo.core import xlsx
from sifasuo.core.attachments import (
    StorageUnavailableError,
    attachment_create,
    orphan_files,
    orphan_files_sweep,
)
from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import Attachment, AuditEvent
from sifasuo.standards.models import Rectification
from tests.accounts.test_urls import PNG_BYTES, owned  # noqa: F401 - fixture
from tests.full_disk import mount_full_tmpfs, unmount

DOCX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
    "word/document.xml": b'<?xml version="1.0"?><document/>',
}


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def _docx_bomb(size: int) -> bytes:
    """A docx whose document part inflates from a few KB to ``size`` bytes of zeros."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_PARTS["[Content_Types].xml"])
        archive.writestr("word/document.xml", b"\0" * size)
    return buffer.getvalue()


def _upload(clerk: Any, name: str, content: bytes) -> Attachment:
    return attachment_create(
        actor=clerk,
        unit=clerk.unit,
        uploaded=SimpleUploadedFile(name, content, content_type="application/pdf"),
    )


# Zip bombs ------------------------------------------------------------------------------------


def test_a_docx_bomb_is_refused_by_its_compression_ratio(office_clerk, media):
    # given: 30 MB of zeros in a ~30 KB docx (under the total limit, far over the ratio)
    content = _docx_bomb(30 * 1024 * 1024)
    assert len(content) < 100 * 1024
    # when / then
    with pytest.raises(ApplicationError):
        _upload(office_clerk, "协议书.docx", content)
    assert not _files(media)
    assert not Attachment.objects.exists()


def test_a_docx_over_the_uncompressed_limit_is_refused_before_extraction(
    office_clerk, media, settings
):
    # given: a lower uncompressed limit than the file's declared size
    settings.ATTACHMENT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    content = _docx_bomb(2 * 1024 * 1024)
    # when
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(ApplicationError):
        _upload(office_clerk, "协议书.docx", content)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # then: refused from the central directory, nothing inflated
    assert time.monotonic() - started < 2
    assert peak < 1024 * 1024
    assert not _files(media)


def test_an_archive_with_too_many_members_is_refused(office_clerk, media, settings):
    # given
    settings.ATTACHMENT_MAX_ZIP_MEMBERS = 10
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in DOCX_PARTS.items():
            archive.writestr(name, data)
        for number in range(20):
            archive.writestr(f"word/media/{number}.bin", b"x")
    # when / then
    with pytest.raises(ApplicationError):
        _upload(office_clerk, "多文件.docx", buffer.getvalue())


def test_a_docx_with_an_entity_declaration_is_refused(office_clerk, media):
    # given: a docx whose document part declares entities (an XML bomb or XXE)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_PARTS["[Content_Types].xml"])
        archive.writestr(
            "word/document.xml",
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<document>&x;</document>",
        )
    # when / then
    with pytest.raises(ApplicationError, match="document type declaration|文档类型声明"):
        _upload(office_clerk, "协议书.docx", buffer.getvalue())
    assert not _files(media)


def test_a_small_well_compressed_docx_is_accepted(office_clerk, media):
    # given: a real, ordinary docx compresses well but is far below the ratio floor
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_PARTS["[Content_Types].xml"])
        archive.writestr("word/document.xml", b"<w:t>" + "调解".encode() * 20000 + b"</w:t>")
    # when
    attachment = _upload(office_clerk, "调解记录.docx", buffer.getvalue())
    # then
    assert attachment.file_type == "docx"
    assert len(_files(media)) == 1


# Stored names, the original name, the media directory -----------------------------------------


def test_the_stored_name_is_random_and_the_original_name_is_metadata(office_clerk, media):
    # when
    attachment = _upload(office_clerk, "../../..\\.bashrc\x00<img>.png", PNG_BYTES)
    # then
    stored = Path(attachment.file.name)
    assert stored.parts[0] == "attachments"
    uuid.UUID(hex=stored.name)  # the stored name is a random uuid, nothing of the original
    assert "bashrc" not in attachment.file.name
    assert "img" not in attachment.file.name
    assert "/" not in attachment.original_name
    assert "\x00" not in attachment.original_name
    assert not attachment.original_name.startswith(".")
    assert attachment.original_name.endswith(".png")
    # and only the service account may read it (ASVS 12.4.1)
    assert (media / attachment.file.name).stat().st_mode & 0o777 == 0o600


def test_the_media_directory_is_never_served(office_clerk, media, client_for, settings):
    # given: a stored file and its path under MEDIA_URL and a guessed /media/ URL
    attachment = _upload(office_clerk, "现场照片.png", PNG_BYTES)
    client = client_for(office_clerk)
    # when / then: only the scope-checked view hands it out
    for url in (
        settings.MEDIA_URL + attachment.file.name,
        "/media/" + attachment.file.name,
        "/" + attachment.file.name,
        "/static/../var/test-media/" + attachment.file.name,
    ):
        response = client.get(url)
        assert response.status_code == 404, url
    response = client.get(f"/attachments/{attachment.public_id}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG_BYTES
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


# A full disk ---------------------------------------------------------------------------------


class _HalfWriteThenFull(FileSystemStorage):
    """A store that writes part of the file, then fails as a full disk does."""

    def _save(self, name: str, content: Any) -> str:
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.read(10))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


@pytest.fixture
def fill_media(settings, tmp_path):
    """Return a function that puts MEDIA_ROOT on a full disk and gives (root, files there).

    A real full tmpfs where this machine lets us mount one; else a store failing the
    write half way with ENOSPC.
    """
    root = tmp_path / "full"
    root.mkdir()
    mounted: list[bool] = []

    def fill() -> tuple[Path, set[Path]]:
        settings.MEDIA_ROOT = root
        mounted.append(mount_full_tmpfs(root))
        if not mounted[0]:
            settings.STORAGES = {
                **settings.STORAGES,
                "default": {"BACKEND": f"{__name__}._HalfWriteThenFull"},
            }
        return root, set(_files(root))

    yield fill
    if mounted and mounted[0]:
        unmount(root)


def test_an_upload_to_a_full_disk_fails_cleanly(office_clerk, fill_media):
    # given
    root, before = fill_media()
    rows = Attachment.objects.count()
    # when
    with pytest.raises(StorageUnavailableError) as caught:
        _upload(office_clerk, "现场照片.png", PNG_BYTES * 2000)
    # then: a clear message, no row, no partial file, nothing audited as created
    assert _full_disk_message(caught.value.message)
    assert caught.value.status_code == 507
    assert Attachment.objects.count() == rows
    assert set(_files(root)) == before
    assert not AuditEvent.objects.filter(action="create", object_type="core.attachment").exists()
    assert orphan_files() == []


def test_a_full_disk_on_a_page_shows_the_message_and_saves_nothing(
    owned,  # noqa: F811
    office_director,
    client_for,
    fill_media,
):
    # given: the evidence upload of a 西一路 rectification, then the disk fills up
    rectification = owned[Rectification][0]
    client = client_for(office_director)
    root, before = fill_media()
    rows = Attachment.objects.count()
    # when
    response = client.post(
        f"/standards/rectifications/{rectification.public_id}/evidence/",
        {"evidence": SimpleUploadedFile("整改.png", PNG_BYTES * 2000, "image/png")},
        follow=True,
    )
    # then
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert any(_full_disk_message(t) for t in texts), texts
    assert Attachment.objects.count() == rows
    assert set(_files(root)) == before


def test_orphan_files_finds_a_file_without_its_row(office_clerk, media):
    # given: one stored attachment and a file whose row was rolled back
    attachment = _upload(office_clerk, "现场照片.png", PNG_BYTES)
    stray = media / "attachments" / "2024" / "01" / uuid.uuid4().hex
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"left over")
    # when
    found = orphan_files()
    # then
    assert found == [stray.relative_to(media).as_posix()]
    assert attachment.file.name not in found


def _orphan(media: Path, hours_old: float) -> str:
    stray = media / "attachments" / "2024" / "01" / uuid.uuid4().hex
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"left over")
    then = time.time() - hours_old * 3600
    os.utime(stray, (then, then))
    return stray.relative_to(media).as_posix()


def test_the_sweep_reports_orphans_and_removes_none_without_the_flag(office_clerk, media):
    # given: a stored attachment and an orphan two days old
    attachment = _upload(office_clerk, "现场照片.png", PNG_BYTES)
    old = _orphan(media, 48)
    # when
    sweep = orphan_files_sweep()
    # then: reported, audited, nothing removed
    assert sweep.found == [old]
    assert sweep.removed == []
    assert (media / old).exists()
    assert (media / attachment.file.name).exists()
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "orphan_files"
    assert event.changes == {"found": 1, "removed": 0, "within_grace": 0}


def test_with_the_flag_the_sweep_removes_orphans_past_the_grace_period(
    office_clerk, media, django_capture_on_commit_callbacks
):
    # given: an orphan of two days, one of an hour (an upload still committing), a real file
    attachment = _upload(office_clerk, "现场照片.png", PNG_BYTES)
    old, young = _orphan(media, 48), _orphan(media, 1)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        sweep = orphan_files_sweep(remove=True)
    # then
    assert sweep.removed == [old]
    assert not (media / old).exists()
    assert (media / young).exists()
    assert (media / attachment.file.name).exists()
    assert orphan_files() == [young]
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.changes == {"found": 2, "removed": 1, "within_grace": 1}


def test_the_command_reports_and_its_flag_removes(
    office_clerk, media, settings, capsys, django_capture_on_commit_callbacks
):
    # given
    settings.ORPHAN_FILE_GRACE_HOURS = 0
    old = _orphan(media, 1)
    # when
    call_command("sweep_orphan_files")
    report = capsys.readouterr().out
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_orphan_files", "--remove")
    removal = capsys.readouterr().out
    # then
    assert f"orphan file (kept): {old}" in report
    assert "1 found, 0 removed" in report
    assert f"orphan file (removed): {old}" in removal
    assert not (media / old).exists()


def test_the_nightly_sweep_removes_only_when_the_operator_said_so(settings):
    # given: the scheduled job, with the default ORPHAN_FILES_REMOVE=False
    job = settings.SIFASUO_SCHEDULED_JOBS["sweep_orphan_files"]
    scheduled = {entry["args"][0] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    # then
    assert "sweep_orphan_files" in scheduled
    assert job == {"command": "sweep_orphan_files", "args": []}


# The upload temp directory --------------------------------------------------------------------


def test_the_upload_temp_directory_is_empty_after_an_upload(
    office_clerk, client_for, settings, tmp_path
):
    # given: every upload goes through a temporary file in a directory of our own
    temp = tmp_path / "upload-tmp"
    temp.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(temp)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    client = client_for(office_clerk)
    # when: an import that is refused and one that is read
    for content in (b"MZ not a workbook" * 100, xlsx.build_workbook("t", ["a"], [["1"]])):
        response = client.post(
            "/mediation/cases/import/",
            {"file": SimpleUploadedFile("台账.xlsx", content, xlsx.XLSX_MIME)},
        )
        assert response.status_code in (200, 302, 400)
    # then
    assert list(temp.iterdir()) == []


# XML bombs in xlsx imports --------------------------------------------------------------------

BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n'
    b"<!DOCTYPE lolz [\n"
    b' <!ENTITY lol "lol">\n'
    + b"".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'.encode()
        for n in range(1, 10)
    )
    + b"]>\n"
)


def _workbook_with(part: str, xml: bytes) -> bytes:
    """A real workbook whose ``part`` is replaced by ``xml``."""
    book = Workbook()
    book.active.append(["名称"])
    book.active.append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, xml if info.filename == part else source.read(info))
    return out.getvalue()


def test_openpyxl_parses_with_defusedxml():
    # then
    assert openpyxl.DEFUSEDXML is True
    xlsx.assert_safe_xml_parser()


SHEET_WITH_LAUGHS = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


@pytest.mark.parametrize(
    ("part", "padding"),
    [
        ("xl/worksheets/sheet1.xml", b""),
        ("xl/workbook.xml", b""),
        ("xl/styles.xml", b""),
        # past the head the archive check reads: defusedxml refuses it while parsing
        ("xl/worksheets/sheet1.xml", b"<!--" + b" " * 8192 + b"-->\n"),
    ],
)
def test_a_billion_laughs_workbook_is_refused_quickly(part, padding):
    # given: a part of a real workbook with a billion-laughs DTD in front
    declaration, _, dtd = BILLION_LAUGHS.partition(b"\n")
    content = _workbook_with(part, declaration + b"\n" + padding + dtd + SHEET_WITH_LAUGHS)
    # when
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(ApplicationError):
        xlsx.read_rows(io.BytesIO(content), expected_headers=["名称"])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # then: within a second, well under 50 MB (the expansion would be ~3 GB)
    assert time.monotonic() - started < 1
    assert peak < 50 * 1024 * 1024


def test_an_exported_hyperlink_formula_is_written_as_text(client_for, office_clerk, settings):
    # given: a person whose name is a formula (the people list export)
    from tests.accounts.test_urls import make_person

    make_person(office_clerk.unit, name='=HYPERLINK("http://evil.example/","点击")')
    # when
    response = client_for(office_clerk).get("/people/?export=xlsx")
    # then
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://evil.example/","点击")' in names
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def _full_disk_message(text: str) -> bool:
    """The storage-full message, in English or as translated (the active language varies)."""
    return "storage is full" in text or "文件存储空间已满" in text
