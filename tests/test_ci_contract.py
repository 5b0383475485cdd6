"""The two commands and the CI script keep their contract (README, .ci/run, Makefile)."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_starts_with_the_two_commands():
    # given
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # when
    first_block = re.search(r"```(?:sh|bash)?\n(.*?)```", text, re.DOTALL)
    # then
    assert first_block is not None
    assert first_block.group(1).split("\n")[:2] == ["make run", "make test"]


def test_ci_script_is_strict_bash_and_executable():
    # given
    script = ROOT / ".ci" / "run"
    # when
    text = script.read_text(encoding="utf-8")
    # then
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail" in text
    assert os.access(script, os.X_OK)


def test_ci_script_runs_both_databases_and_the_deploy_checks():
    # given
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    # then
    assert "SIFASUO_FAIL_ON_SKIP=1" in text
    assert 'DATABASE_URL="postgres://' in text
    assert "env -u DATABASE_URL make test" in text
    assert "makemigrations --check --dry-run" in text
    assert "check --deploy --fail-level WARNING" in text
    assert "config.settings.production" in text


def test_makefile_offers_the_two_commands_and_keeps_the_dev_keys():
    # given
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    # then
    assert re.search(r"^run: .*\bseed\b", text, re.MULTILINE)
    assert re.search(r"^test: .*\blint\b.*\btypecheck\b.*\bpytest\b", text, re.MULTILINE)
    assert "config.devkeys" in text
    assert "--bind 127.0.0.1:$(PORT)" in text


def test_the_docs_the_readme_links_to_exist():
    # given
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    # when
    links = re.findall(r"\]\((docs/[^)#]+)", text)
    # then
    assert links
    missing = [link for link in links if not (ROOT / link).is_file()]
    assert missing == []
