"""Compile the project's .po translation files to .mo with Babel (no GNU gettext needed)."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def compile_all(package_dir: Path = PACKAGE_DIR) -> int:
    """Compile the project catalogue (yankao/locale) and each app's own
    (yankao/<app>/locale), which Django finds for every installed app."""
    compiled = 0
    for po_path in sorted(package_dir.glob("**/locale/*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        compiled += 1
    return compiled


if __name__ == "__main__":
    print(f"compiled {compile_all()} translation file(s)")
