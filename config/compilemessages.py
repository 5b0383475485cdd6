"""Compile every locale/*/LC_MESSAGES/django.po to .mo without the system's gettext (polib)."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def main() -> None:
    """Write a .mo next to each .po, skipping fuzzy entries as msgfmt does."""
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po")):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"compiled {po_path} ({po.percent_translated()}% translated)")  # noqa: T201


if __name__ == "__main__":
    main()
