"""Checks the catalogs against the code: nothing missing, empty, fuzzy or malformed."""

from pathlib import Path

from babel.messages.pofile import read_po


def catalog_problems(translations_dir: Path, pot_file: Path) -> list[str]:
    with open(pot_file, "rb") as handle:
        template = read_po(handle)
    wanted = {message.id if isinstance(message.id, str) else message.id[0]
              for message in template if message.id}
    problems = []
    for po_path in sorted(translations_dir.glob("*/LC_MESSAGES/messages.po")):
        with open(po_path, "rb") as handle:
            catalog = read_po(handle)
        have = set()
        for message in catalog:
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            have.add(key)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy:
                problems.append(f"{po_path}: fuzzy: {key!r}")
            if not all(strings):
                problems.append(f"{po_path}: untranslated: {key!r}")
            if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
                problems.append(f"{po_path}: wrong number of plural forms: {key!r}")
            for error in message.check(catalog):
                problems.append(f"{po_path}: {error}: {key!r}")
        for key in sorted(wanted - have):
            problems.append(f"{po_path}: missing from the catalog: {key!r}")
    if not problems and not list(translations_dir.glob("*/LC_MESSAGES/messages.po")):
        problems.append("no catalogs found")
    return problems
