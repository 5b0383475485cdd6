"""Residual information (SECURITY.md check 35): the nightly purge of what has outlived its use.

Each purger's own rows are tested with its app (tests/accounts/test_residual.py,
tests/portal/test_residual.py); here the run itself, the core purgers, the command's lock and
the scheduled job.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.utils import timezone

from sifasuo.core import residual, tasks
from sifasuo.core.audit import AuditUnavailable
from sifasuo.core.commandlock import command_lock
from sifasuo.core.models import AuditEvent, SubmissionToken

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _sessions() -> list[str]:
    return sorted(Session.objects.values_list("session_key", flat=True))


def _session(key: str, expires_in: timedelta) -> None:
    Session.objects.create(
        session_key=key, session_data="x", expire_date=timezone.now() + expires_in
    )


def _token(user, token: str, days_old: int) -> None:
    SubmissionToken.objects.create(user=user, token=token, fingerprint="f")
    SubmissionToken.objects.filter(token=token).update(
        created_at=timezone.now() - timedelta(days=days_old)
    )


def _upload_temp(directory, name: str, hours_old: float) -> os.PathLike:
    path = directory / name
    path.write_bytes(b"part of an upload")
    then = time.time() - hours_old * 3600
    os.utime(path, (then, then))
    return path


def test_expired_sessions_and_old_form_tokens_go_the_rest_stays(office_clerk):
    # given: an expired and a live session; a form token of 8 days and one of 6 (limit 7)
    _session("e" * 32, -DAY)
    _session("l" * 32, DAY)
    _token(office_clerk, "old-token", 8)
    _token(office_clerk, "new-token", 6)
    # when
    counts = residual.residual_purge()
    # then
    assert _sessions() == ["l" * 32]
    assert list(SubmissionToken.objects.values_list("token", flat=True)) == ["new-token"]
    assert counts["sessions"] == 1
    assert counts["submission_tokens"] == 1


def test_the_form_token_lifetime_is_a_setting(office_clerk, settings):
    # given
    settings.SUBMISSION_TOKEN_RETENTION_DAYS = 30
    _token(office_clerk, "eight-days", 8)
    # when
    residual.residual_purge()
    # then
    assert SubmissionToken.objects.filter(token="eight-days").exists()


def test_one_audit_row_per_run_holds_the_counts_and_nothing_personal():
    # given
    _session("e" * 32, -DAY)
    before = AuditEvent.objects.count()
    # when
    counts = residual.residual_purge()
    # then
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-seq").first()
    assert event.action == "residual_purge"
    assert event.actor is None
    assert {k: v for k, v in event.changes.items() if k != "seconds"} == counts
    assert set(counts) >= {
        "sessions",
        "submission_tokens",
        "upload_temp_files",
        "login_session_rows",
        "api_tokens",
        "lockout_counters",
        "login_records",
        "login_codes",
    }


def test_a_run_whose_audit_row_fails_deletes_nothing(
    monkeypatch, settings, tmp_path, django_capture_on_commit_callbacks
):
    # given: an expired session, a stale spooled upload, and an audit trail that cannot write
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    stale = _upload_temp(tmp_path, "tmpa1b2c3.upload.pdf", 30)
    _session("e" * 32, -DAY)

    def refuse(self, *args, **kwargs):
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(AuditEvent, "save", refuse)
    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(AuditUnavailable):
        residual.residual_purge()
    # then
    assert _sessions() == ["e" * 32]
    assert stale.exists()


def test_stale_spooled_uploads_go_after_the_commit_other_files_stay(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    # given: Django's spooled uploads of 30 h and of 1 h, and an old file that is not one
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    stale = _upload_temp(tmp_path, "tmpa1b2c3.upload.pdf", 30)
    fresh = _upload_temp(tmp_path, "tmpd4e5f6.upload", 1)
    other = _upload_temp(tmp_path, "notes.txt", 30)
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = residual.residual_purge()
    # then: nothing removed before the commit, then only the stale upload
    assert stale.exists()
    for callback in callbacks:
        callback()
    assert counts["upload_temp_files"] == 1
    assert not stale.exists()
    assert fresh.exists()
    assert other.exists()


def test_without_an_upload_directory_of_its_own_no_file_is_touched(settings, tmp_path):
    # given: uploads spool to the system temp directory (the default)
    settings.FILE_UPLOAD_TEMP_DIR = None
    # when
    counts = residual.residual_purge()
    # then
    assert counts["upload_temp_files"] == 0


def test_a_missing_upload_directory_is_not_an_error(settings, tmp_path):
    # given: the directory is configured but not (yet) created
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "not-yet")
    # when
    counts = residual.residual_purge()
    # then
    assert counts["upload_temp_files"] == 0


def test_the_command_prints_the_counts(capsys):
    # given
    _session("e" * 32, -DAY)
    # when
    call_command("purge_residual")
    # then
    out = capsys.readouterr().out
    assert "sessions: 1" in out
    assert "login_codes: 0" in out


def test_a_second_run_of_the_command_is_refused_while_one_holds_the_lock():
    # given: a run from cron holds the lock
    _session("e" * 32, -DAY)
    with command_lock("purge_residual"):
        # when / then
        with pytest.raises(CommandError, match="another run"):
            call_command("purge_residual")
        assert _sessions() == ["e" * 32]


def test_the_nightly_job_purges(settings):
    # given
    _session("e" * 32, -DAY)
    scheduled = {entry["args"][0] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    # when
    result = tasks.run_job.delay("purge_residual")
    # then
    assert "purge_residual" in scheduled
    assert result.successful()
    assert _sessions() == []
