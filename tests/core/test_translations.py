"""Chinese is complete, and the committed .mo files match their .po sources."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def test_every_zh_hans_string_is_translated():
    # given
    po = polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    # when
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    # then
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_compiled_catalogue_matches_its_source(language):
    # given
    folder = LOCALE / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    mo = polib.mofile(str(folder / "django.mo"))
    # when
    expected = {e.msgid: e.msgstr for e in po.translated_entries() if not e.msgid_plural}
    compiled = {e.msgid: e.msgstr for e in mo if e.msgid and not e.msgid_plural}
    # then: run `make messages` after changing a .po file
    assert compiled == expected


def test_pages_are_chinese_by_default_and_switch_to_english(client, demo):
    # when
    chinese = client.get("/locator/").content.decode()
    client.post("/i18n/setlang/", {"language": "en"})
    english = client.get("/locator/").content.decode()
    # then
    assert "查找司法所" in chinese
    assert "Find a judicial office" in english


@pytest.mark.system_package
def test_the_catalogue_holds_every_string_of_the_code(tmp_path):
    """Extracting the messages anew (GNU gettext) finds no msgid the .po files lack."""
    import shutil
    import subprocess
    import sys

    if shutil.which("xgettext") is None:
        pytest.skip("needs GNU gettext (Debian package gettext) for makemessages")
    # given: a copy of the code and catalogues, so the real .po files stay untouched
    root = LOCALE.parent
    for name in ("sifasuo", "templates", "config", "locale"):
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    before = {e.msgid for e in polib.pofile(str(LOCALE / "zh_Hans/LC_MESSAGES/django.po"))}
    # when
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )
    after = polib.pofile(str(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"))
    # then: run `make messages` and translate what is new
    assert sorted(e.msgid for e in after if not e.obsolete and e.msgid not in before) == []
