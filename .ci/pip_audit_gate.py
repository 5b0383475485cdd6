"""The pip-audit gate (SECURITY.md check 48): fail on any known vulnerability.

Runs ``pip-audit -f json`` over the virtual environment and reads its answer:

- a package with a known vulnerability fails the gate (exit 1), always;
- a package pip-audit could not look up (its vulnerability service unreachable, as on a
  machine whose package proxy serves no per-version metadata) is listed, and the gate
  says in capitals that the environment was NOT audited. That fails the gate only with
  ``PIP_AUDIT_REQUIRED=1`` (set it where the service is reachable); otherwise it passes
  with the warning, so an offline build machine is not mistaken for a vulnerable one,
  nor for an audited one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

VENV = Path(os.environ.get("VENV", ".venv"))


def main() -> int:
    command = [
        str(VENV / "bin" / "pip-audit"),
        "--skip-editable",
        "--progress-spinner",
        "off",
        "-f",
        "json",
    ]
    print(" ".join(command))
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print(done.stdout, done.stderr, sep="\n", file=sys.stderr)
        print("!! pip-audit gave no report: the environment is NOT audited", file=sys.stderr)
        return 1
    code, lines = verdict(report, required=os.environ.get("PIP_AUDIT_REQUIRED") == "1")
    for line in lines:
        print(line, file=sys.stderr if line.startswith("!!") else sys.stdout)
    return code


def verdict(report: dict[str, Any], *, required: bool) -> tuple[int, list[str]]:
    """The gate's exit code and what it says, for pip-audit's JSON ``report``."""
    dependencies = report.get("dependencies", [])
    vulnerable = [d for d in dependencies if d.get("vulns")]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    lines = []
    for dep in vulnerable:
        ids = ", ".join(v.get("id", "?") for v in dep["vulns"])
        lines.append(f"!! {dep['name']} {dep.get('version', '')}: {ids}")
    audited = len(dependencies) - len(skipped)
    lines.append(
        f"pip-audit: {len(dependencies)} packages, {audited} audited, {len(vulnerable)} vulnerable"
    )
    if vulnerable:
        return 1, lines
    if skipped:
        names = ", ".join(d["name"] for d in skipped[:10])
        more = f" and {len(skipped) - 10} more" if len(skipped) > 10 else ""
        lines.append(
            f"!! {len(skipped)} PACKAGES NOT AUDITED (vulnerability service unreachable?): "
            f"{names}{more}"
        )
        return (1 if required else 0), lines
    return 0, lines


if __name__ == "__main__":
    sys.exit(main())
