"""The coordinator's pages of deadline extensions, through the client."""

from datetime import timedelta

import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.calls.deadlines import extension_of
from portal.calls.moments import utc_to_local
from portal.database import utcnow


def _local(call, moment) -> str:
    return utc_to_local(moment, call.time_zone).strftime("%Y-%m-%dT%H:%M:%S")


def test_coordinator_finds_a_person_in_cyrillic_and_extends_changes_and_removes(
        client, forms, coordinator, create_user, create_call, db):
    call = create_call()
    person = create_user(full_name="Aigul Osmonova")
    person.native_name = "Айгүл Осмонова"
    db.session.commit()
    page = client.get(f"/manage/calls/{call.id}/extensions?q=айгүл").get_data(as_text=True)
    url = f"/manage/calls/{call.id}/extensions/{person.id}"
    assert f'href="{url}"' in page and "Nobody has an extension" in page
    until = (call.closes_at + timedelta(days=2)).replace(microsecond=0)
    response = forms.post(url, {"closes_at": _local(call, until), "reason": "Hospital stay"})
    assert response.headers["Location"] == f"/manage/calls/{call.id}/extensions"
    extension = extension_of(call, person)
    assert (extension.closes_at, extension.reason, extension.version) == (until, "Hospital stay", 1)
    listed = client.get(f"/manage/calls/{call.id}/extensions").get_data(as_text=True)
    assert "Aigul Osmonova" in listed and "Hospital stay" in listed

    later = until + timedelta(hours=5)
    forms.post(url, {"closes_at": _local(call, later), "reason": "Still ill", "version": "1"})
    db.session.expire_all()
    assert (extension_of(call, person).closes_at, extension_of(call, person).version) == (later, 2)
    stale = forms.post(f"{url}/remove", {"removal_reason": "Recovered", "version": "1"}, page=url)
    assert "Someone else changed this extension" in stale.get_data(as_text=True)
    forms.post(f"{url}/remove", {"removal_reason": "Recovered", "version": "2"}, page=url)
    db.session.expire_all()
    assert extension_of(call, person) is None
    assert db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()[-3:] == [
        "deadline_extension.set", "deadline_extension.changed", "deadline_extension.removed"]


def test_extension_before_the_calls_deadline_is_refused_with_the_entries_kept(
        client, forms, coordinator, create_user, create_call, db):
    call = create_call()
    person = create_user()
    url = f"/manage/calls/{call.id}/extensions/{person.id}"
    html = forms.post(url, {"closes_at": _local(call, utcnow() + timedelta(days=1)),
                            "reason": "Illness"}).get_data(as_text=True)
    assert "The new deadline must be later than the call&#39;s deadline." in html
    assert "Illness" in html
    assert extension_of(call, person) is None
