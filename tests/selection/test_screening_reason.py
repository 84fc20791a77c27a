"""The reason an application was found ineligible reaches each applicant in their language, and each
preview of the publish page is written in its language alone."""

import re

import pytest
from flask_babel import force_locale, gettext

from portal.applications.services import screen_out
from portal.database import utcnow
from portal.selection import publication, services

REASON_EN = "Less than three years in customs service."
REASON_RU = "Стаж службы в таможенных органах — менее трёх лет."
PLACEHOLDER = "The reason given when the application was marked ineligible."


def _screened_out_and_published(db, reviewed_call, create_user, language):
    call, (ineligible, selected) = reviewed_call([[5], [4]], places=1, languages=[language, "en"])
    coordinator = create_user(roles=("coordinator",))
    services.fill_places_in_rank_order(call, actor=coordinator, now=utcnow())
    screen_out(ineligible, actor=coordinator, reason=REASON_EN, reason_ru=REASON_RU, now=utcnow())
    publication.publish_results(call, actor=coordinator, now=utcnow(), response_days=14)
    db.session.commit()
    return ineligible


def _reason_lines(text: str, label: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip().startswith(label)]


@pytest.mark.parametrize(("language", "line"), [
    ("ru", f"Причина: {REASON_RU}"),
    ("en", f"Reason: {REASON_EN}"),
])
def test_result_email_gives_the_reason_in_the_applicants_language(db, reviewed_call, create_user,
                                                                   outbox, language, line):
    application = _screened_out_and_published(db, reviewed_call, create_user, language)

    [message] = [m for m in outbox()
                 if m.recipient == application.applicant.email and m.kind == "selection_result"]
    assert _reason_lines(message.body_text, line.split(":")[0] + ":") == [line]


def test_applicants_page_gives_the_reason_in_the_pages_language(db, client, login_as, reviewed_call,
                                                                create_user):
    application = _screened_out_and_published(db, reviewed_call, create_user, "ru")
    login_as(application.applicant)

    page = client.get(f"/applications/{application.id}").get_data(as_text=True)

    assert re.findall(r"<p>(Причина: [^<]*)</p>", page) == [f"Причина: {REASON_RU}"]


def _latin_words(body: str, *, known: list[str]) -> list[str]:
    """Words in Latin letters, apart from links and the values the test put there itself."""
    lines = [line for line in body.splitlines() if not line.startswith("http")]
    text = "\n".join(lines)
    for value in known:
        text = text.replace(value, "")
    return re.findall(r"[A-Za-z]+", text)


def test_russian_previews_are_written_in_russian_alone(app, db, create_call):
    """No sample application: every placeholder too is in the preview's language."""
    call = create_call()

    previews = publication.preview_result_emails(call, "ru", response_days=14, now=utcnow())

    with force_locale("ru"):
        reason, name = gettext(PLACEHOLDER), gettext("Applicant's name")
    assert [_latin_words(p["body"], known=["FEL-0000-0000", "UTC"]) for p in previews] == [[]] * 4
    [screened_out] = [p["body"] for p in previews if p["outcome"].value == "screened_out"]
    assert _reason_lines(screened_out, "Причина:") == [f"Причина: {reason}"]
    assert screened_out.splitlines()[0] == f"Здравствуйте, {name}!"


def test_english_previews_give_the_english_placeholder(app, db, create_call):
    call = create_call()

    previews = publication.preview_result_emails(call, "en", response_days=14, now=utcnow())

    [screened_out] = [p["body"] for p in previews if p["outcome"].value == "screened_out"]
    assert _reason_lines(screened_out, "Reason:") == [f"Reason: {PLACEHOLDER}"]
