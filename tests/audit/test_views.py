"""The audit log page: filters, pagination, escaping, access and cost."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from portal.audit.models import AuditEvent
from portal.audit.queries import parse_filters

URL = "/manage/audit"


def event(db, action="call.updated", *, actor=None, object_type="call", object_id="1",
          at=None, **details):
    db.session.add(AuditEvent(action=action, actor_id=getattr(actor, "id", None),
                              object_type=object_type, object_id=str(object_id),
                              ip_address="192.0.2.7", details=details,
                              occurred_at=at or datetime.now(UTC)))


@pytest.fixture
def coordinator(create_user, login_as):
    return login_as(create_user(roles=("coordinator",), email="coord@example.org",
                                full_name="Carla Coordinator"))


def body(html):
    return html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""


def rows(html):
    return html.split("<tbody>")[1].split("</tbody>")[0].count("<tr>") if "<tbody>" in html else 0


def test_lists_events_newest_first_with_actor_and_system(client, coordinator, db):
    now = datetime.now(UTC)
    event(db, "call.created", actor=coordinator, at=now - timedelta(hours=2))
    event(db, "offer.expired", object_type="application", object_id="77", at=now)
    db.session.commit()
    html = body(client.get(URL).get_data(as_text=True))
    assert html.index("offer.expired") < html.index("call.created")
    assert "Carla Coordinator" in html and "coord@example.org" in html
    assert ">system<" in html
    assert "Call created" in html and "Offer expired" in html
    assert "UTC+04:00" in html  # the moment names its zone (the coordinator's, Baku)


def test_filters_by_actor_object_and_action(client, coordinator, create_user, db):
    other = create_user(email="reviewer.olga@example.org")
    event(db, "call.updated", actor=coordinator, object_type="call", object_id="3", marker="one")
    event(db, "call.opened", actor=coordinator, object_type="call", object_id="4", marker="two")
    event(db, "application.submitted", actor=other, object_type="application", object_id="12",
          marker="three")
    db.session.commit()

    def markers(query):
        html = client.get(URL + query).get_data(as_text=True)
        return sorted(m for m in ("one", "two", "three")
                      if re.search(rf"marker:</dt>\s*<dd[^>]*>{m}<", html))

    assert markers("") == ["one", "three", "two"]
    assert markers("?actor=OLGA") == ["three"]
    assert markers("?object_type=call&object_id=4") == ["two"]
    assert markers("?object_type=application&object_id=12") == ["three"]
    assert markers("?action=call.updated") == ["one"]
    assert markers("?actor=coord&action=call.opened") == ["two"]
    assert markers("?actor=nobody") == []


def test_filters_by_dates_in_the_viewers_zone(client, coordinator, db):
    # 21:30 UTC on 1 March is already 2 March in Baku (UTC+4), the coordinator's zone.
    event(db, marker="late", at=datetime(2027, 3, 1, 21, 30, tzinfo=UTC))
    event(db, marker="early", at=datetime(2027, 3, 1, 10, 0, tzinfo=UTC))
    db.session.commit()
    html = client.get(URL + "?date_from=2027-03-02&date_to=2027-03-02").get_data(as_text=True)
    assert ">late<" in html and ">early<" not in html
    html = client.get(URL + "?date_to=2027-03-01").get_data(as_text=True)
    assert ">early<" in html and ">late<" not in html


@pytest.mark.parametrize("query, field", [
    ("?date_from=2027-02-30", "date_from"),
    ("?date_to=yesterday", "date_to"),
    ("?date_from=2027-03-02&date_to=2027-03-01", "date_to"),
    ("?object_type=%3Cscript%3E", "object_type"),
    ("?action=" + "x" * 80, "action"),
    ("?object_id=" + "9" * 65, "object_id"),
])
def test_invalid_filters_give_an_error_in_the_form_not_a_failure(client, coordinator, query,
                                                                 field):
    response = client.get(URL + query)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in html
    assert f'aria-describedby="{field}-error"' in html


def test_invalid_filters_are_explained_in_russian(client, create_user, login_as):
    login_as(create_user(roles=("admin",), language="ru"))
    response = client.get(URL + "?date_from=nonsense")
    assert response.status_code == 200
    assert '<html lang="ru">' in response.get_data(as_text=True)


def test_parse_filters_keeps_the_good_fields_and_drops_the_bad():
    filters, errors = parse_filters(MultiDict({"actor": " olga ", "date_from": "2027-13-01",
                                               "object_type": "application"}))
    assert (filters.actor, filters.object_type, filters.date_from) == ("olga", "application", None)
    assert list(errors) == ["date_from"]


def test_pagination_keeps_the_filters(client, coordinator, db):
    for n in range(55):
        event(db, "call.updated", object_id=str(n))
    event(db, "call.opened")
    db.session.commit()
    html = client.get(URL + "?action=call.updated").get_data(as_text=True)
    assert "55 events" in html
    assert rows(html) == 50
    assert "?action=call.updated&amp;page=2" in html
    html = client.get(URL + "?action=call.updated&page=2").get_data(as_text=True)
    assert rows(html) == 5


def test_hostile_details_are_escaped(client, coordinator, db):
    event(db, "login.failed", object_type="", object_id="",
          reason="<script>alert(1)</script>", **{"<b>key</b>": ["<i>x</i>"]})
    db.session.commit()
    html = client.get(URL).get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<b>key" not in html and "<i>x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;key&lt;/b&gt;" in html


def test_links_to_an_application_only_once_it_was_submitted(client, coordinator,
                                                            create_application, db):
    submitted = create_application(submit=True)
    draft = create_application()
    html = client.get(URL + "?object_type=application").get_data(as_text=True)
    assert f'href="/manage/applications/{submitted.id}"' in html
    assert f'href="/manage/applications/{draft.id}"' not in html
    assert "Application started" in html


@pytest.mark.parametrize("role, status", [("applicant", 403), ("reviewer", 403),
                                          ("coordinator", 200), ("admin", 200)])
def test_only_coordinators_and_admins_see_the_log(client, create_user, login_as, role, status):
    login_as(create_user(roles=(role,)))
    assert client.get(URL).status_code == status
    assert ('href="/manage/audit"' in client.get("/").get_data(as_text=True)) is (status == 200)


def test_page_queries_do_not_grow_with_events(client, coordinator, create_user,
                                              create_application, db):
    actors = [create_user() for _ in range(4)]

    def add(n):
        for i in range(n):
            event(db, ("call.updated", "application.submitted")[i % 2], actor=actors[i % 4],
                  object_type=("call", "application")[i % 2], object_id=str(i))
        db.session.commit()

    def queries():
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(URL).status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    add(5)
    few = queries()
    add(55)
    assert queries() == few


def _objects_and_details(html):
    objects = [re.sub(r"<[^>]+>", "", cell).strip() for cell in
               re.findall(r"<td>((?:(?!</td>).)*)</td>\s*<td>[^<]*</td>\s*<td>(?:<dl|</td>)",
                          body(html), re.S)]
    details = re.findall(r'<dt class="d-inline">([^<]*)</dt> <dd[^>]*>([^<]*)</dd>', body(html))
    return objects, details


def test_objects_are_named_by_reference_and_details_in_words(client, create_user, login_as,
                                                             create_application, db):
    coordinator = login_as(create_user(roles=("coordinator",), language="ru",
                                       full_name="Carla Coordinator"))
    reviewer = create_user(roles=("reviewer",), full_name="Anna Reviewer")
    application = create_application(submit=True)
    db.session.execute(sa.delete(AuditEvent))
    event(db, "decision.set", actor=coordinator, object_type="application",
          object_id=application.id, outcome="waitlisted", previous=None, filled=True,
          at=datetime.now(UTC) - timedelta(minutes=2))
    event(db, "assignment.created", actor=coordinator, object_type="application",
          object_id=application.id, reviewer=reviewer.id, automatic=False,
          at=datetime.now(UTC) - timedelta(minutes=1))
    event(db, "export.applications_csv", actor=coordinator, object_type="call",
          object_id=application.call_id)
    db.session.commit()
    objects, details = _objects_and_details(client.get(URL).get_data(as_text=True))
    title = application.call.title_ru
    assert objects == [f"Конкурс {title}", f"Заявка {application.reference}",
                       f"Заявка {application.reference}"]
    assert details == [("Назначено автоматически:", "нет"), ("Эксперт:", "Anna Reviewer"),
                       ("Прежнее решение:", "—"), ("При заполнении мест по рейтингу:", "да"),
                       ("Решение:", "Резервный список")]
