"""The two commands and the CI script keep their contract (README, .ci/run, Makefile)."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Any

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


def test_lint_runs_the_security_gates():
    # given (SECURITY.md §7 check 48)
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = re.search(r"^lint: .*?\n((?:\t.*\n)+)", text, re.MULTILINE)
    # then lint runs bandit on the app's code, medium severity and up, and pip-audit
    assert lint is not None
    assert "$(BANDIT)" in lint.group(1)
    assert "pip-audit" in lint.group(1)
    assert re.search(r"^BANDIT := .*bandit .*-ll .*-r sifasuo config$", text, re.MULTILINE)
    # and pip-audit runs through the gate that reads its report
    assert ".ci/pip_audit_gate.py" in text
    # and the tools and the API fuzz test are there to run
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    for tool in ("bandit", "pip-audit", "schemathesis"):
        assert f'"{tool}>=' in pyproject
    assert (ROOT / "tests" / "core" / "test_api_schema_fuzz.py").is_file()


def _gate() -> Any:
    spec = importlib.util.spec_from_file_location(
        "pip_audit_gate", ROOT / ".ci" / "pip_audit_gate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_pip_audit_gate_fails_on_a_vulnerability_and_never_calls_unaudited_audited():
    # given
    gate = _gate()
    vulnerable = {"dependencies": [{"name": "django", "version": "1.0", "vulns": [{"id": "X-1"}]}]}
    offline = {"dependencies": [{"name": "django", "skip_reason": "not found"}]}
    clean = {"dependencies": [{"name": "django", "version": "5.2", "vulns": []}]}
    # when / then: a known vulnerability fails, required or not
    assert gate.verdict(vulnerable, required=False)[0] == 1
    # an unreachable service is said loudly, and fails where an audit is required
    code, lines = gate.verdict(offline, required=False)
    assert code == 0
    assert any("NOT AUDITED" in line for line in lines)
    assert gate.verdict(offline, required=True)[0] == 1
    assert gate.verdict(clean, required=True) == (
        0,
        ["pip-audit: 1 packages, 1 audited, 0 vulnerable"],
    )
