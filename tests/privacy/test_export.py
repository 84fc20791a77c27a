"""A person's own data, as one ZIP: data.json and their documents."""

import html
import io
import json
import re
import zipfile

import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.database import utcnow
from portal.extensions import db
from portal.messages.models import Message, MessageRecipient
from portal.privacy import export
from tests.conftest import PDF_BYTES


def _archive(response_or_buffer):
    data = getattr(response_or_buffer, "data", None)
    return zipfile.ZipFile(io.BytesIO(data) if data is not None else response_or_buffer)


def test_archive_holds_the_account_applications_answers_and_documents(create_user,
                                                                      create_application):
    applicant = create_user(full_name="Aigul Osmonova", language="ru")
    application = create_application(applicant=applicant, submit=True)
    archive = _archive(export.build_archive(applicant, now=utcnow()))
    content = json.loads(archive.read("data.json"))
    assert content["account"]["full_name"] == "Aigul Osmonova"
    assert content["account"]["preferred_language"] == "ru"
    [exported] = content["applications"]
    assert exported["reference"] == application.reference
    assert exported["answers"]["personal"]["native_name"] == "Иван Петров"
    files = [d["file"] for d in exported["documents"]]
    assert sorted(archive.namelist()) == sorted(["data.json", *files])
    assert archive.read(files[0]) == PDF_BYTES


def test_archive_holds_messages_in_the_persons_language_and_audit_events(create_user):
    person = create_user(language="ru")
    message = Message(audience="person", person_id=person.id, subject_en="News",
                      subject_ru="Новости", body_en="Text", body_ru="Текст", sent_at=utcnow(),
                      recipient_count=1)
    db.session.add(message)
    db.session.flush()
    db.session.add(MessageRecipient(message_id=message.id, user_id=person.id, language="ru"))
    db.session.commit()
    content = export.data(person, now=utcnow())
    assert [(m["subject"], m["body"]) for m in content["messages"]] == [("Новости", "Текст")]
    assert content["reviews_written"] == []


def test_an_unpublished_outcome_is_not_in_the_archive(create_user, create_application):
    from portal.applications.models import ApplicationState

    application = create_application(submit=True)
    application.state = ApplicationState.accepted
    db.session.commit()
    content = export.data(application.applicant, now=utcnow())
    assert content["applications"][0]["state"] == "submitted"


def test_someone_elses_data_is_not_in_the_archive(create_user, create_application):
    mine = create_user()
    create_application(submit=True)
    content = export.data(mine, now=utcnow())
    assert content["applications"] == []


def test_download_through_the_page_is_audited(client, forms, login_as, create_user,
                                              create_application):
    applicant = login_as(create_user())
    create_application(applicant=applicant, complete=True)
    assert "Prepare your data" in client.get("/account/data").get_data(as_text=True)
    response = download_own_data(client, forms)
    assert (response.status_code, response.mimetype) == (200, "application/zip")
    assert re.fullmatch(r"attachment; filename=my-data-\d{4}-\d\d-\d\d\.zip",
                        response.headers["Content-Disposition"])
    assert len(_archive(response).namelist()) == 3  # data.json and two documents
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "privacy.data_downloaded")).all()
    assert [(e.actor_id, e.details) for e in events] == [(applicant.id, {"applications": 1})]


def download_own_data(client, forms):
    """The button (a POST) starts the job, which runs inline in the tests; the job's page links
    to the file."""
    started = forms.post("/account/data.zip", page="/account/data")
    assert (started.status_code, started.headers["Location"].split("/")[1]) == (302, "jobs")
    progress = client.get(started.headers["Location"]).get_data(as_text=True)
    link = re.search(r'id="job-result-link" href="([^"]+)"', progress)
    assert link, progress
    return client.get(html.unescape(link.group(1)))
