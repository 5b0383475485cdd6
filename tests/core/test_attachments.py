"""Attachments: real type sniffed, size capped, random name, scoped download."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from sifasuo.core.attachments import attachment_create
from sifasuo.core.crypto import sm3
from sifasuo.core.errors import ApplicationError
from sifasuo.core.models import Attachment, AuditEvent


def _png() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


PNG = _png()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()]


def _upload(office_clerk, name: str, content: bytes) -> Attachment:
    return attachment_create(
        actor=office_clerk,
        unit=office_clerk.unit,
        uploaded=SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    )


def test_an_executable_renamed_pdf_is_refused(office_clerk, media):
    # given
    before = Attachment.objects.count()
    # when / then
    with pytest.raises(ApplicationError):
        _upload(office_clerk, "判决书.pdf", EXE)
    assert Attachment.objects.count() == before
    assert _stored_files(media) == []


def test_an_oversize_file_is_refused(office_clerk, media, settings):
    # given
    settings.ATTACHMENT_MAX_BYTES = len(PNG) - 1
    # when / then
    with pytest.raises(ApplicationError):
        _upload(office_clerk, "photo.png", PNG)
    assert _stored_files(media) == []


def test_a_file_at_the_limit_is_accepted(office_clerk, media, settings):
    # given
    settings.ATTACHMENT_MAX_BYTES = len(PNG)
    # when
    attachment = _upload(office_clerk, "photo.png", PNG)
    # then
    assert attachment.size == len(PNG)


def test_a_type_not_on_the_list_is_refused(office_clerk, media, settings):
    # given
    settings.ATTACHMENT_ALLOWED_TYPES = ["pdf"]
    # when / then
    with pytest.raises(ApplicationError):
        _upload(office_clerk, "photo.png", PNG)


def test_a_real_png_is_stored_under_a_random_name(office_clerk, media):
    # when
    attachment = _upload(office_clerk, "现场照片.png", PNG)
    # then
    assert attachment.file_type == "png"
    assert attachment.original_name == "现场照片.png"
    assert attachment.sm3 == sm3(PNG)
    assert attachment.unit == office_clerk.unit
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/[0-9a-f]{32}", attachment.file.name)
    stored = _stored_files(media)
    assert len(stored) == 1
    assert stored[0].read_bytes() == PNG
    assert "现场照片" not in str(stored[0])
    assert AuditEvent.objects.filter(
        action="create", object_id=str(attachment.public_id), object_type="core.attachment"
    ).exists()


def test_two_uploads_of_the_same_name_get_different_files(office_clerk, media):
    # when
    first = _upload(office_clerk, "a.png", PNG)
    second = _upload(office_clerk, "a.png", PNG)
    # then
    assert first.file.name != second.file.name
    assert len(_stored_files(media)) == 2


def test_a_path_in_the_original_name_is_dropped(office_clerk, media):
    # when
    attachment = _upload(office_clerk, "..\\..\\etc/<evil>.png", PNG)
    # then
    assert attachment.original_name == "evil.png"


def test_the_clerk_downloads_the_file(office_clerk, media, client_for):
    # given
    attachment = _upload(office_clerk, "现场照片.png", PNG)
    # when
    response = client_for(office_clerk).get(f"/attachments/{attachment.public_id}/")
    # then
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # the test client closes the file after this
    assert body == PNG
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(
        action="download", object_id=str(attachment.public_id), actor=office_clerk
    ).exists()


def test_the_download_has_the_sniffed_type_not_the_one_its_name_says(
    office_clerk, media, client_for
):
    # given: a real PNG whose uploader named it .pdf, and one named .html
    as_pdf = _upload(office_clerk, "判决书.pdf", PNG)
    as_html = _upload(office_clerk, "page.HTML", PNG)
    client = client_for(office_clerk)
    # when
    pdf = client.get(f"/attachments/{as_pdf.public_id}/")
    html = client.get(f"/attachments/{as_html.public_id}/")
    # then: served as what the content is, and saved under a name that says so
    for response in (pdf, html):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PNG
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
    assert as_pdf.file_type == "png"
    assert "%E5%88%A4%E5%86%B3%E4%B9%A6.pdf.png" in pdf["Content-Disposition"]
    assert 'filename="page.HTML.png"' in html["Content-Disposition"]


def test_a_name_that_agrees_with_the_content_is_kept(office_clerk, media, client_for):
    # given
    attachment = _upload(office_clerk, "photo.PNG", PNG)
    # when
    response = client_for(office_clerk).get(f"/attachments/{attachment.public_id}/")
    # then
    b"".join(response.streaming_content)
    assert response["Content-Type"] == "image/png"
    assert 'filename="photo.PNG"' in response["Content-Disposition"]


def test_another_districts_clerk_gets_404(office_clerk, other_clerk, media, client_for):
    # given
    attachment = _upload(office_clerk, "现场照片.png", PNG)
    # when
    response = client_for(other_clerk).get(f"/attachments/{attachment.public_id}/")
    # then
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="download", actor=other_clerk).exists()


def test_a_missing_attachment_is_also_404(office_clerk, media, client_for):
    # when
    response = client_for(office_clerk).get("/attachments/00000000-0000-0000-0000-000000000000/")
    # then
    assert response.status_code == 404


def test_anonymous_download_goes_to_login(office_clerk, media, client):
    # given
    attachment = _upload(office_clerk, "a.png", PNG)
    # when
    response = client.get(f"/attachments/{attachment.public_id}/")
    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_upload_for_another_unit_is_refused_and_leaves_no_file(office_clerk, other_clerk, media):
    # when / then
    with pytest.raises(PermissionDenied):
        attachment_create(
            actor=other_clerk,
            unit=office_clerk.unit,
            uploaded=SimpleUploadedFile("a.png", PNG),
        )
    assert _stored_files(media) == []
    assert not Attachment.objects.filter(unit=office_clerk.unit).exists()
