"""Message catalogues, one per area so that areas can be worked on side by side.

Source strings are English; Polish is the default language. Each area keeps
`app/<area>/translations/pl/LC_MESSAGES/messages.po`; the site-wide strings
(layout, accounts, errors) live in `app/translations/`. Flask-Babel merges them
all at run time (BABEL_TRANSLATION_DIRECTORIES).

    python -m app.i18n extract [app/<area>/translations]   # refresh .po files from the code
    python -m app.i18n fill app/<area>/translations texts.json  # write {msgid: Polish}
    python -m app.i18n compile   # .po -> .mo (done by `make install`)
    python -m app.i18n missing   # list strings with no Polish translation
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent
ROOT = APP.parent
AREAS = ("editions", "offices", "jury", "awards", "public", "audit", "results")
CORE_TEMPLATES = ("base.html", "_macros", "errors", "accounts", "main", "pdf")


def units() -> dict[Path, list[Path]]:
    """Catalogue directory -> the sources whose strings it holds."""
    result: dict[Path, list[Path]] = {
        APP / "translations": [
            *sorted(p for p in APP.glob("*.py")),
            APP / "accounts",
            *(APP / "templates" / t for t in CORE_TEMPLATES if (APP / "templates" / t).exists()),
        ]
    }
    for area in AREAS:
        # An area's catalogue holds its own modules and templates; a sub-package
        # with a catalogue of its own (offices/admin) is left to that catalogue.
        package = APP / area
        sources = [p for p in sorted(package.glob("*.py"))]
        sources += (
            [
                p
                for p in sorted(package.iterdir())
                if p.is_dir()
                and not (p / "translations").exists()
                and p.name not in ("translations", "__pycache__")
            ]
            if package.exists()
            else []
        )
        sources.append(APP / "templates" / area)
        result[package / "translations"] = [s for s in sources if s.exists()]
    # Sub-packages with a catalogue of their own, worked on beside their area
    # (offices/admin: the organizers' office registry; jury/visits: stage 2).
    # Their templates live in templates/<area>_<sub-package>.
    for area in AREAS:
        package = APP / area
        if not package.exists():
            continue
        for sub in sorted(p for p in package.iterdir() if (p / "translations").exists()):
            if sub.name == "translations":
                continue
            templates = APP / "templates" / f"{area}_{sub.name}"
            result[sub / "translations"] = [s for s in (sub, templates) if s.exists()]
    return result


def translation_directories() -> str:
    """The value for BABEL_TRANSLATION_DIRECTORIES (relative to the app package)."""
    return ";".join(str(d.relative_to(APP)) for d in units())


def _pybabel(*args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=ROOT
    )


def _selected(only: str | None) -> dict[Path, list[Path]]:
    chosen = units()
    if only:
        target = (ROOT / only).resolve()
        chosen = {d: s for d, s in chosen.items() if d.resolve() == target}
        if not chosen:
            sys.exit(f"no catalogue at {only}; choose one of: {translation_directories()}")
    return chosen


def extract(only: str | None = None) -> None:
    for directory, sources in _selected(only).items():
        if not any(s.exists() for s in sources):
            continue
        directory.mkdir(parents=True, exist_ok=True)
        pot = directory / "messages.pot"
        _pybabel(
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "-k",
            "lazy_ngettext:1,2",
            "--no-location",
            "--sort-output",
            "-o",
            str(pot),
            *map(str, sources),
        )
        po = directory / "pl" / "LC_MESSAGES" / "messages.po"
        if po.exists():
            _pybabel(
                "update",
                "--no-fuzzy-matching",
                "--ignore-obsolete",
                "-i",
                str(pot),
                "-d",
                str(directory),
                "-l",
                "pl",
            )
        else:
            _pybabel("init", "-i", str(pot), "-d", str(directory), "-l", "pl")
        pot.unlink()


def compile_all() -> None:
    for directory in units():
        if (directory / "pl" / "LC_MESSAGES" / "messages.po").exists():
            _pybabel("compile", "-d", str(directory), "--use-fuzzy")


def fill(only: str, json_path: str) -> int:
    """Write Polish texts from a JSON object {msgid: text} into one catalogue.
    A plural message is keyed by its singular msgid and given a list of the
    three Polish forms (1, 2-4, 5+); a message with a context (pgettext) by
    "context::msgid"."""
    import json

    from babel.messages.pofile import read_po, write_po

    texts = json.loads(Path(json_path).read_text(encoding="utf-8"))
    count = 0
    for directory in _selected(only):
        po = directory / "pl" / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            if message.context:
                key = f"{message.context}::{key}"
            if key in texts:
                text = texts[key]
                message.string = tuple(text) if isinstance(text, list) else text
                message.flags.discard("fuzzy")
                count += 1
        with po.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False)
    return count


def missing() -> list[tuple[str, str]]:
    """(catalogue, msgid) for every extracted string that has no Polish text."""
    from babel.messages.pofile import read_po

    gaps = []
    for directory in units():
        po = directory / "pl" / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if not message.id:
                continue
            text = message.string
            empty = not any(text) if isinstance(text, tuple) else not text
            if empty or message.fuzzy:
                gaps.append((str(directory.relative_to(ROOT)), str(message.id)))
    return gaps


def conflicts() -> dict[str, dict[str, str]]:
    """msgid -> {catalogue: Polish} for strings that two catalogues translate
    differently. Flask-Babel merges the catalogues, so one of the texts would
    silently win everywhere; give such strings distinct English or a context."""
    from collections import defaultdict

    from babel.messages.pofile import read_po

    texts: dict[tuple, dict[str, str]] = defaultdict(dict)
    for directory in units():
        po = directory / "pl" / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            continue
        with po.open("rb") as fh:
            for message in read_po(fh):
                if message.id and message.string:
                    key = (message.context, str(message.id))
                    texts[key][str(directory.relative_to(ROOT))] = str(message.string)
    return {key[1]: found for key, found in texts.items() if len(set(found.values())) > 1}


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "compile"
    if command == "extract":
        extract(sys.argv[2] if len(sys.argv) > 2 else None)
    elif command == "fill":
        print(f"{fill(sys.argv[2], sys.argv[3])} messages filled")
    elif command == "compile":
        compile_all()
    elif command == "missing":
        gaps = missing()
        for where, msgid in gaps:
            print(f"{where}: {msgid!r}")
        sys.exit(1 if gaps else 0)
    else:
        sys.exit(__doc__)
