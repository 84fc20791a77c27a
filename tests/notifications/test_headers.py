"""Every header the portal writes decodes back to exactly the text that was meant.

Subjects are found in the code (every `subject=` of a `queue_email` call), rendered in both
languages with a long reference and a long call title, built into the real message, serialized
and read back the way a mail client reads it.
"""

import ast
import email
import email.policy
import re
from pathlib import Path

import pytest
from flask_babel import force_locale, gettext

from portal.database import utcnow
from portal.notifications.mailer import build_email
from portal.notifications.models import OutboxMessage

PORTAL = Path(__file__).resolve().parents[2] / "portal"
GETTEXT = {"_", "_l", "gettext", "lazy_gettext"}
SENDER = "ROCB Europe fellowships <fellowships@rocb.example>"
REFERENCES = ("FEL-2027-1", "FEL-2027-0042", "FEL-2027-12345")
CALL_TITLES = {
    "en": "ROCB Europe Fellowship Programme 2027 for customs officers of the WCO Europe region "
          "on risk management and post-clearance audit",
    "ru": "Программа стажировок ROCB Europe 2027 для сотрудников таможенных служб Европейского "
          "региона ВТамО по управлению рисками и постконтрольному аудиту",
}
# Subjects known today; the scan of the code must find at least these (and finds new ones).
KNOWN_SUBJECTS = {
    "Confirm your e-mail address",
    "Reset your password",
    "Someone tried to register with your e-mail address",
    "Your application %(reference)s has been received",
    "Invitation to review fellowship applications of ROCB Europe",
    "Conflict of interest declared on %(reference)s",
    "Reminder: reviews due for %(call)s",
    "You have been selected for the fellowship: %(reference)s",
    "You are on the waiting list for the fellowship: %(reference)s",
    "The result of your fellowship application %(reference)s",
    "Your fellowship offer has expired",
    "A fellowship place is offered to you: %(reference)s",
}


# Subjects a person writes, not the portal (a coordinator's message, in each language): any text,
# which test_every_length_of_a_subject_decodes_to_itself stands for.
WRITTEN_BY_PEOPLE = {("messages", "services.py", "draft.subject(language)")}


def _gettext_ids(node: ast.AST) -> list[str]:
    return [call.args[0].value for call in ast.walk(node)
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id in GETTEXT and call.args and isinstance(call.args[0], ast.Constant)]


def _subject_ids(path: Path) -> set[str]:
    """The msgids of every subject given to queue_email in a module: written in the call, or
    returned by a function of the module that the call names."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
    found = set()
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "queue_email"):
            continue
        [subject] = [k.value for k in call.keywords if k.arg == "subject"]
        if (path.parent.name, path.name, ast.unparse(subject)) in WRITTEN_BY_PEOPLE:
            continue
        ids = _gettext_ids(subject)
        if not ids and isinstance(subject, ast.Call) and getattr(subject.func, "id", None) in functions:
            ids = _gettext_ids(functions[subject.func.id])
        assert ids, f"{path}:{call.lineno}: the subject is not a translated string this test can see"
        found.update(ids)
    return found


def email_subject_ids() -> list[str]:
    found = set()
    for path in sorted(PORTAL.rglob("*.py")):
        if "queue_email(" in path.read_text(encoding="utf-8"):
            found |= _subject_ids(path)
    return sorted(found)


def _render(msgid: str, language: str, reference: str, title: str) -> str:
    values = {"reference": reference, "call": title}
    names = re.findall(r"%\((\w+)\)", msgid)
    with force_locale(language):
        return gettext(msgid, **{name: values.get(name, title) for name in names})


def _sent_and_read(subject: str, *, language="ru", recipient="ivan@example.org", sender=SENDER):
    """The message as the mailer builds it, serialized, and parsed again as a mail client does."""
    message = OutboxMessage(id=7, kind="selection_result", recipient=recipient, language=language,
                            subject=subject, body_text="Текст", body_html="<p>Текст</p>",
                            created_at=utcnow())
    raw = bytes(build_email(message, sender))
    return raw, email.message_from_bytes(raw, policy=email.policy.default)


def _header_lines(raw: bytes, name: str) -> list[str]:
    head = raw.split(b"\n\n", 1)[0].decode("ascii")
    lines = head.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{name}: "))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i][:1].isspace()), len(lines))
    return lines[start:end]


def test_email_subjects_are_found_in_the_code():
    assert KNOWN_SUBJECTS <= set(email_subject_ids())


def test_folded_russian_subject_keeps_the_space_between_encoded_words(app):
    """The case of the issue: the fold fell between "место" and "в"."""
    subject = "Вам предлагается место в программе стажировок: FEL-2026-0010"

    raw, read = _sent_and_read(subject)

    assert read["Subject"] == subject
    assert all(len(line) <= 78 for line in _header_lines(raw, "Subject"))


@pytest.mark.parametrize("text", [
    "Вам предлагается место в программе стажировок ROCB Europe 2027 для сотрудников таможенных "
    "служб, и ещё несколько слов, чтобы строка сложилась дважды",
    "A fellowship place is offered to you in the ROCB Europe Fellowship Programme 2027 for "
    "customs officers, and a few more words so that the line folds twice",
])
def test_every_length_of_a_subject_decodes_to_itself(app, text):
    """The fold moves along the text as it grows: every place it can fall keeps its spaces."""
    wrong = [text[:n] for n in range(1, len(text) + 1) if _sent_and_read(text[:n])[1]["Subject"] != text[:n]]

    assert wrong == []


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_email_subject_decodes_to_the_text_meant(app, language):
    title = CALL_TITLES[language]
    subjects = {_render(msgid, language, reference, title[:cut].rstrip())
                for msgid in email_subject_ids() for reference in REFERENCES
                for cut in range(20, len(title) + 1, 7)}
    wrong = []
    for subject in sorted(subjects):
        raw, read = _sent_and_read(subject, language=language)
        if read["Subject"] != subject or any(len(line) > 78 for line in _header_lines(raw, "Subject")):
            wrong.append(subject)

    assert wrong == []


@pytest.mark.parametrize("name", [
    "Айбек Жумабаев",
    "Айбек Жумабаев Иван Петрович",
    "Программа стажировок ROCB Europe",
    "Региональное бюро ВТамО по наращиванию потенциала в Европейском регионе",
    "Nino Beridze (Нино Беридзе)",
])
def test_cyrillic_display_names_in_from_and_to_decode_to_themselves(app, name):
    raw, read = _sent_and_read("Тема", sender=f'"{name}" <fellowships@rocb.example>',
                               recipient=f'"{name}" <ivan@example.org>')

    [sender] = read["From"].addresses
    [recipient] = read["To"].addresses
    assert (sender.display_name, sender.addr_spec) == (name, "fellowships@rocb.example")
    assert (recipient.display_name, recipient.addr_spec) == (name, "ivan@example.org")
    assert raw.split(b"\n\n", 1)[0].isascii()


@pytest.mark.smtp
def test_long_russian_subject_arrives_over_smtp_with_every_space(smtp_server, app, queue_verification):
    from portal.notifications.services import send_due_messages

    subject = "Вам предлагается место в программе стажировок: FEL-2026-0010"
    queue_verification("ivan@example.org", language="ru", subject=subject)

    assert send_due_messages() == (1, 0)
    [mail] = smtp_server.wait_for(1)
    assert mail["Subject"] == subject
