"""The selected fellows' travel and visa export: who is in it, what it says, who may have it."""

import csv
import io
from datetime import datetime

import openpyxl
import pytest
import sqlalchemy as sa

from portal.applications.models import ApplicationState
from portal.audit.models import AuditEvent
from portal.calls.models import CallState
from portal.database import utcnow
from portal.selection.models import Offer, OfferState

HEADERS = ["Reference number", "Name as in the passport", "E-mail address", "Telephone",
           "Date of birth", "Administration", "Offer"]


@pytest.fixture
def fellows(db, create_call, create_user, create_application):
    """Factory: a published call with `extra` more fellows holding a place after two (offer
    awaiting an answer, offer accepted), one declined and one not selected. The first call's
    fellows are fellow1@, fellow2@...; a second call's get later numbers."""
    numbers = iter(range(1, 1000, 100))

    def make(extra=0):
        call = create_call()
        states = [(ApplicationState.accepted, OfferState.pending),
                  (ApplicationState.accepted, OfferState.accepted),
                  (ApplicationState.declined, OfferState.declined),
                  (ApplicationState.not_selected, None)]
        states += [(ApplicationState.accepted, OfferState.accepted)] * extra
        made, first = [], next(numbers)
        for n, (state, offer) in enumerate(states, start=first):
            applicant = create_user(email=f"fellow{n}@example.org")
            application = create_application(call=call, applicant=applicant, submit=True)
            application.state = state
            if offer is not None:
                db.session.add(Offer(application_id=application.id, call_id=call.id,
                                     respond_by=utcnow(), state=offer))
            made.append(application)
        personal = made[1].section("personal")
        personal.answers = {**personal.answers, "full_name": "Aigul Osmonova",
                            "phone": "+996 555 123 456", "date_of_birth": "1990-02-03"}
        made[1].applicant_name = "Aigul Osmonova"
        call.state, call.published_at = CallState.published, utcnow()
        db.session.commit()
        return call, made

    return make


@pytest.fixture
def coordinator(create_user, login_as):
    return login_as(create_user(roles=("coordinator",)))


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))


def test_csv_lists_the_fellows_holding_a_place(client, coordinator, fellows):
    call, made = fellows()
    response = client.get(f"/manage/calls/{call.id}/exports/travel.csv")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        f"attachment; filename=FEL-{call.slug}-travel-")
    assert _csv(response) == [
        HEADERS,
        [made[1].reference, "Aigul Osmonova", "fellow2@example.org", "'+996 555 123 456",
         "1990-02-03", "Russia", "Accepted"],
        [made[0].reference, "Ivan Petrov", "fellow1@example.org", "'+7 495 000 00 00",
         "1985-04-12", "Russia", "Awaiting an answer"],
    ]


def test_xlsx_has_the_same_rows_with_dates_as_dates(client, coordinator, fellows):
    call, made = fellows()
    response = client.get(f"/manage/calls/{call.id}/exports/travel.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.title == "Travel and visas"
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [
        HEADERS,
        [made[1].reference, "Aigul Osmonova", "fellow2@example.org", "'+996 555 123 456",
         datetime(1990, 2, 3), "Russia", "Accepted"],
        [made[0].reference, "Ivan Petrov", "fellow1@example.org", "'+7 495 000 00 00",
         datetime(1985, 4, 12), "Russia", "Awaiting an answer"],
    ]


def test_headers_and_labels_follow_the_coordinators_language(client, create_user, login_as,
                                                             fellows):
    call, _made = fellows()
    login_as(create_user(roles=("coordinator",), language="ru"))
    rows = _csv(client.get(f"/manage/calls/{call.id}/exports/travel.csv"))
    assert rows[0] == ["Регистрационный номер", "Имя как в паспорте", "Адрес электронной почты",
                       "Телефон", "Дата рождения", "Администрация", "Предложение об участии"]
    assert [row[5:] for row in rows[1:]] == [["Россия", "Принято"],
                                             ["Россия", "Ожидается ответ"]]


def test_every_download_is_audited(client, coordinator, fellows, db):
    call, _made = fellows()
    client.get(f"/manage/calls/{call.id}/exports/travel.csv")
    client.get(f"/manage/calls/{call.id}/exports/travel.xlsx")
    events = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.object_id)
        .where(AuditEvent.action.like("export.travel%")).order_by(AuditEvent.id)).all()
    assert [tuple(e) for e in events] == [("export.travel_csv", coordinator.id, str(call.id)),
                                          ("export.travel_xlsx", coordinator.id, str(call.id))]


@pytest.mark.parametrize("role", ["admin", "reviewer", "applicant", "nominator"])
def test_only_coordinators_may_download(client, create_user, login_as, fellows, db, role):
    call, _made = fellows()
    login_as(create_user(roles=(role,)))
    for extension in ("csv", "xlsx"):
        assert client.get(f"/manage/calls/{call.id}/exports/travel.{extension}"
                          ).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                             .where(AuditEvent.action.like("export.travel%"))) == 0


def test_reports_page_offers_it_apart_from_the_committees_exports(client, coordinator, fellows):
    call, _made = fellows()
    page = client.get(f"/manage/calls/{call.id}/reports").get_data(as_text=True)
    committee, travel = page.split('<section class="mt-5" aria-labelledby="travel-heading">')
    assert "travel." not in committee
    assert f'href="/manage/calls/{call.id}/exports/travel.xlsx"' in travel
    assert f'href="/manage/calls/{call.id}/exports/travel.csv"' in travel


def test_queries_do_not_grow_with_the_fellows(client, coordinator, fellows, count_queries):
    few, _made = fellows()
    many, _made = fellows(extra=8)
    client.get(f"/manage/calls/{few.id}/exports/travel.csv")  # warm the session's caches
    assert count_queries(lambda: client.get(f"/manage/calls/{many.id}/exports/travel.csv")) \
        == count_queries(lambda: client.get(f"/manage/calls/{few.id}/exports/travel.csv"))
