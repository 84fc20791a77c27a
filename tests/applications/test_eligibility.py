"""The call's checked eligibility rules against applications: the plain function, the
applications it flags, and where the applicant and the coordinators read the result."""

import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from portal.applications.eligibility import (
    application_problems,
    eligibility_problems,
    flagged_applications,
)
from portal.applications.models import ApplicationState

TOO_FEW = "Years in customs service: 2; the call asks for at least 3."
FORMER = ("An application from this account was selected for a ROCB Europe fellowship in an "
          "earlier call; this call is not open to former fellows.")


def _rules(minimum=None, former_excluded=False):
    return SimpleNamespace(min_years_in_service=minimum, former_fellows_excluded=former_excluded)


@pytest.mark.parametrize("rules,years,former,expected", [
    (_rules(), 0, True, []),  # a call that checks nothing
    (_rules(minimum=3), 2, False, [TOO_FEW]),
    (_rules(minimum=3), 3, False, []),
    (_rules(minimum=3), None, False, []),  # not answered yet: the check page says it is missing
    (_rules(former_excluded=True), 10, True, [FORMER]),
    (_rules(former_excluded=True), 10, False, []),
    (_rules(minimum=3), 10, True, []),  # former fellows welcome in this call
    (_rules(minimum=3, former_excluded=True), 2, True, [TOO_FEW, FORMER]),
])
def test_eligibility_problems(app, rules, years, former, expected):
    problems = eligibility_problems(rules, years_in_service=years, former_fellow=former)
    assert [str(p) for p in problems] == expected


def test_eligibility_problems_in_russian_agree_with_the_number(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("ru"):
        [problem] = eligibility_problems(_rules(minimum=1), years_in_service=0,
                                         former_fellow=False)
        assert str(problem) == ("Стаж работы в таможенной службе: 0; по условиям конкурса нужен "
                                "стаж не менее 1 года.")


def _with_years(create_application, call, years, **kw):
    application = create_application(call=call, complete=True, **kw)
    section = application.section("professional")
    section.answers = dict(section.answers, years_in_service=years)
    return application


def test_flagged_applications_are_those_below_the_minimum_or_selected_before(
        db, create_application, create_call, create_user):
    call = create_call(min_years_in_service=3, former_fellows_excluded=True)
    earlier = create_call(programme_year=2026)
    fellow, declined = create_user(), create_user()
    for applicant, outcome in ((fellow, ApplicationState.accepted),
                               (declined, ApplicationState.declined)):
        create_application(call=earlier, applicant=applicant, submit=True).state = outcome
    junior = _with_years(create_application, call, 2)
    senior = _with_years(create_application, call, 12)
    former = _with_years(create_application, call, 12, applicant=fellow)
    declined_before = _with_years(create_application, call, 12, applicant=declined)
    db.session.commit()
    ids = [a.id for a in (junior, senior, former, declined_before)]
    assert flagged_applications(call, ids) == {junior.id, former.id}
    assert [str(p) for p in application_problems(former)] == [FORMER]
    assert [str(p) for p in application_problems(junior)] == [
        "Years in customs service: 2; the call asks for at least 3."]
    assert application_problems(senior) == []


def test_flagged_applications_of_a_call_checking_nothing_asks_nothing(
        app, db, create_application, create_call):
    call = create_call()
    application = _with_years(create_application, call, 0)
    db.session.commit()
    assert (call.min_years_in_service, call.former_fellows_excluded) == (None, False)  # loaded
    ids = [application.id]
    queries = []
    listener = lambda *args: queries.append(args)  # noqa: E731
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        assert flagged_applications(call, ids) == set()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert queries == []


def test_check_page_warns_the_applicant_before_submitting(client, login_as, create_application,
                                                          create_call, db):
    call = create_call(min_years_in_service=3)
    application = _with_years(create_application, call, 2)
    db.session.commit()
    login_as(application.applicant)
    html = client.get(f"/applications/{application.id}/check").get_data(as_text=True)
    warning = re.search(r'id="eligibility-warning">(.*?)</div>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", warning) == [TOO_FEW]
    assert "Submit application" in html  # a warning, not a refusal


def test_coordinator_sees_the_same_flag_on_the_list_and_the_application(
        client, login_as, create_user, create_application, create_call, db):
    call = create_call(min_years_in_service=3)
    junior = _with_years(create_application, call, 2, submit=True)
    senior = _with_years(create_application, call, 9, submit=True)
    db.session.commit()
    login_as(create_user(roles=("coordinator",)))
    listing = client.get(f"/manage/calls/{call.id}/applications").get_data(as_text=True)
    assert re.findall(r'id="eligibility-flag-(\d+)">([^<]*)<', listing) == [
        (str(junior.id), "Eligibility to check")]
    page = client.get(f"/manage/applications/{junior.id}").get_data(as_text=True)
    flag = re.search(r'id="eligibility-flag">(.*?)</div>', page, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", flag) == [TOO_FEW]
    assert 'id="eligibility-flag"' not in client.get(
        f"/manage/applications/{senior.id}").get_data(as_text=True)
