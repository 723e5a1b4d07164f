"""The programme-control pages speak Traditional Chinese: every message of the
app's code and templates has a translation in the project's catalogue."""

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po

import yankao

SRC = Path(yankao.__file__).parent
CATALOGUE = SRC / "locale/zh_Hant/LC_MESSAGES/django.po"
SOURCES = [
    *sorted((SRC / "control").glob("*.py")),
    *sorted((SRC / "templates/control").glob("*.html")),
]
TRANSLATE = re.compile(r'{%\s*translate\s+(["\'])(.*?)\1')
BLOCK = re.compile(
    r"{%\s*blocktranslate(?:.*?)%}(.*?)(?:{%\s*plural\s*%}.*?)?{%\s*endblocktranslate\s*%}", re.S
)
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def translated() -> dict[str, bool]:
    with CATALOGUE.open("rb") as handle:
        catalogue = read_po(handle)
    found = {}
    for message in catalogue:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            text = message.string
            found[key] = bool(text if isinstance(text, str) else all(text))
    return found


def messages_of(path: Path) -> list[str]:
    if path.suffix == ".py":
        return [
            node.args[0].value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"_", "gettext", "gettext_lazy"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ]
    text = path.read_text(encoding="utf-8")
    # Django escapes a literal's % as %% (and a block's), and names a block's
    # variables %(name)s.
    plain = [m.group(2).replace("%", "%%") for m in TRANSLATE.finditer(text)]
    blocks = [
        VARIABLE.sub(r"%(\1)s", m.group(1).replace("%", "%%").replace("%%(", "%("))
        for m in BLOCK.finditer(text)
    ]
    return plain + blocks


def test_every_message_of_programme_control_is_translated():
    known = translated()
    missing = {
        f"{path.name}: {message}"
        for path in SOURCES
        for message in messages_of(path)
        if not known.get(message)
    }
    assert missing == set()


def test_the_scan_reads_the_templates_messages_as_django_looks_them_up():
    messages = messages_of(SRC / "templates/control/dashboard.html")
    assert "The reports on %(month)s are due this month." in messages
    assert "Planned (%%)" in messages
