"""docs/configuration.md lists every environment variable the settings read, with
the code's default: read from the settings module's source, so neither can drift."""

import ast
import re
from pathlib import Path

import yankao

SETTINGS = Path(yankao.__file__).parent / "settings.py"
DOC = Path(yankao.__file__).parent.parent.parent / "docs" / "configuration.md"
READERS = {"env_str", "env_bool", "env_int", "env_list"}
_ROW = re.compile(r"^\| `([A-Z0-9_]+)` \| (.*?) \| (.*) \|$")


def read_in_settings() -> dict[str, tuple[str, object]]:
    """Each variable the settings read: the reader used and its default where the
    code gives it as a literal (None otherwise)."""
    found: dict[str, tuple[str, object]] = {}
    for node in ast.walk(ast.parse(SETTINGS.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id not in READERS or not isinstance(node.args[0], ast.Constant):
            continue
        default = node.args[1] if len(node.args) > 1 else None
        literal = default.value if isinstance(default, ast.Constant) else None
        found[node.args[0].value] = (node.func.id, literal)
    return found


def documented() -> dict[str, str]:
    rows = (_ROW.match(line) for line in DOC.read_text(encoding="utf-8").splitlines())
    return {row[1]: row[2] for row in rows if row}


def expected_cell(reader: str, literal: object) -> str | None:
    if literal is None:
        return None
    if reader == "env_bool":
        return f"`{int(bool(literal))}`"
    if literal == "":
        return "empty"
    return f"`{literal}`"


def test_every_variable_the_settings_read_is_documented_and_nothing_else():
    assert set(read_in_settings()) == set(documented())


def test_the_documented_defaults_are_the_codes():
    cells = documented()
    for name, (reader, literal) in read_in_settings().items():
        expected = expected_cell(reader, literal)
        if expected is not None:
            assert cells[name].startswith(expected), (name, cells[name], expected)


def test_the_settings_name_a_documentation_file_that_exists():
    assert "docs/configuration.md" in SETTINGS.read_text(encoding="utf-8")
    assert DOC.is_file()
