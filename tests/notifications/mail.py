"""Reading e-mails the way a mail client does."""

import re
from pathlib import Path


def text_of(part) -> str:
    """A MIME part's decoded text, with the line endings a reader sees."""
    return part.get_content().replace("\r\n", "\n").rstrip("\n")


def mo_file(language: str) -> Path:
    root = Path(__file__).resolve().parents[2]
    return root / "translations" / language / "LC_MESSAGES" / "messages.mo"


def html_lang(html: str) -> str:
    match = re.search(r'<html lang="([^"]*)">', html)
    assert match, "no <html lang> in the HTML part"
    return match.group(1)
