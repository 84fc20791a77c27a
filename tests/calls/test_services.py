"""The rules of calls, called directly: editing, criteria, opening, closing."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from portal.audit.models import AuditEvent
from portal.calls import services
from portal.calls.models import Call, CallState
from portal.database import utcnow
from tests.calls.factories import COMPLETE_CRITERION, call_data


def _problems(exc_info) -> list[str]:
    return [str(p) for p in exc_info.value.problems]


def _actions(db) -> list[str]:
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


# --- Creating and editing --------------------------------------------------------------------

def test_create_call_makes_a_draft_with_a_slug_from_the_english_title(db):
    call = services.create_call(actor=None, data=call_data(title_en="  Fellowship: Baku 2027! "))
    assert (call.state, call.slug, call.title_en) == (
        CallState.draft, "fellowship-baku-2027", "Fellowship: Baku 2027!")
    assert _actions(db) == ["call.created"]


def test_create_call_reviews_blind_unless_told_otherwise(db):
    data = call_data()
    del data["blind_review"]
    assert services.create_call(actor=None, data=data).blind_review is True
    assert services.create_call(actor=None, data=call_data(blind_review=False)).blind_review is False


def test_create_call_with_a_taken_slug_gets_a_number(db):
    first = services.create_call(actor=None, data=call_data(title_en="Fellowship"))
    second = services.create_call(actor=None, data=call_data(title_en="Fellowship"))
    assert (first.slug, second.slug) == ("fellowship", "fellowship-2")


def test_create_call_with_only_a_russian_title_still_gets_a_slug(db):
    call = services.create_call(actor=None, data=call_data(title_en="", title_ru="Стажировка"))
    assert call.slug == "call"


@pytest.mark.parametrize("settings,message", [
    ({"places": 0}, "The call must offer at least one place."),
    ({"reviewers_per_application": 0}, "Each application needs between 1 and 10 reviewers."),
    ({"reviewers_per_application": 11}, "Each application needs between 1 and 10 reviewers."),
    ({"cap_per_administration": 0}, "A cap on places per administration must be at least 1."),
    ({"programme_year": 27}, "The programme year must be from 2000 to 2100."),
    ({"min_years_in_service": -1},
     "The minimum of years in customs service must be from 0 to 60."),
])
def test_create_call_with_impossible_settings_is_refused(db, settings, message):
    with pytest.raises(services.CallError) as refused:
        services.create_call(actor=None, data=call_data(**settings))
    assert _problems(refused) == [message]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Call)) == 0


def test_update_call_saves_and_moves_the_version_on(db, make_call):
    call = make_call()
    version = call.version
    services.update_call(call, actor=None, data={"title_ru": " Новое название ", "places": 5},
                         expected_version=version)
    db.session.commit()
    db.session.refresh(call)
    assert (call.title_ru, call.places, call.version) == ("Новое название", 5, version + 1)
    assert _actions(db)[-1] == "call.updated"


def test_update_call_never_changes_the_slug(db, make_call):
    call = make_call()
    slug = call.slug
    services.update_call(call, actor=None, data={"title_en": "Another title"},
                         expected_version=call.version)
    assert call.slug == slug


def test_update_call_from_an_older_version_is_refused_and_changes_nothing(db, make_call):
    call = make_call()
    services.update_call(call, actor=None, data={"title_en": "Saved first"},
                         expected_version=call.version)
    db.session.commit()
    with pytest.raises(services.StaleCall):
        services.update_call(call, actor=None, data={"title_en": "Saved second"},
                             expected_version=call.version - 1)
    db.session.rollback()
    assert db.session.get(Call, call.id).title_en == "Saved first"


def test_update_call_saved_meanwhile_by_another_request_is_refused(db, make_call):
    call = make_call()
    loaded_version = call.version
    # Another request saves between this one's check and its write.
    db.session.execute(sa.update(Call).where(Call.id == call.id)
                       .values(title_en="Theirs", version=Call.version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(services.StaleCall):
        services.update_call(call, actor=None, data={"title_en": "Mine"},
                             expected_version=loaded_version)
    db.session.rollback()


# --- Criteria --------------------------------------------------------------------------------

def test_add_criterion_puts_it_last(db, make_call):
    call = make_call(criteria=1)
    criterion = services.add_criterion(call, actor=None,
                                       data=dict(COMPLETE_CRITERION, name_en=" Languages "))
    db.session.commit()
    assert [c.name_en for c in call.criteria] == ["Motivation", "Languages"]
    assert (criterion.position, criterion.weight) == (2, Decimal("1.50"))
    assert _actions(db)[-1] == "call.criterion_added"


@pytest.mark.parametrize("scale_min,scale_max", [(5, 5), (6, 5)])
def test_add_criterion_with_lowest_score_not_below_highest_is_refused(db, make_call, scale_min,
                                                                     scale_max):
    call = make_call(criteria=0)
    with pytest.raises(services.CallError) as refused:
        services.add_criterion(call, actor=None, data=dict(
            COMPLETE_CRITERION, scale_min=scale_min, scale_max=scale_max))
    assert _problems(refused) == ["The lowest score must be below the highest."]
    assert call.criteria == []


@pytest.mark.parametrize("weight", [Decimal("0"), Decimal("-1")])
def test_add_criterion_with_weight_not_above_zero_is_refused(db, make_call, weight):
    call = make_call(criteria=0)
    with pytest.raises(services.CallError) as refused:
        services.add_criterion(call, actor=None, data=dict(COMPLETE_CRITERION, weight=weight))
    assert _problems(refused) == ["The weight must be greater than zero."]


def test_update_criterion_saves_the_changes(db, make_call):
    criterion = make_call().criteria[0]
    services.update_criterion(criterion, actor=None, data={
        "name_ru": "Мотивация кандидата", "weight": Decimal("2"), "scale_min": 0, "scale_max": 10})
    db.session.commit()
    db.session.refresh(criterion)
    assert (criterion.name_ru, criterion.weight, criterion.scale_min, criterion.scale_max) == (
        "Мотивация кандидата", Decimal("2.00"), 0, 10)


def test_update_criterion_refused_leaves_it_unchanged(db, make_call):
    criterion = make_call().criteria[0]
    with pytest.raises(services.CallError):
        services.update_criterion(criterion, actor=None, data={"name_en": "Changed",
                                                               "scale_min": 5, "scale_max": 1})
    assert (criterion.name_en, criterion.scale_min, criterion.scale_max) == ("Motivation", 1, 5)


def test_remove_criterion_of_a_draft_deletes_it(db, make_call):
    call = make_call(criteria=2)
    services.remove_criterion(call.criteria[0], actor=None)
    db.session.commit()
    assert len(db.session.get(Call, call.id).criteria) == 1


def test_remove_criterion_of_an_open_call_is_refused(db, make_call):
    call = make_call(CallState.open)
    with pytest.raises(services.CallError) as refused:
        services.remove_criterion(call.criteria[0], actor=None)
    assert _problems(refused) == ["Criteria can only be removed while the call is a draft."]


def test_criteria_of_a_call_in_review_cannot_change(db, make_call):
    call = make_call(CallState.closed)
    call.state = CallState.in_review
    with pytest.raises(services.CallError):
        services.add_criterion(call, actor=None, data=COMPLETE_CRITERION)
    with pytest.raises(services.CallError):
        services.update_criterion(call.criteria[0], actor=None, data={"weight": Decimal("3")})
    assert services.criteria_editable(call) is False


# --- Opening ---------------------------------------------------------------------------------

def test_missing_for_opening_lists_each_missing_language_of_each_text(db, make_call):
    now = utcnow()
    call = make_call(criteria=0, title_ru="", summary_en=" ", description_ru="",
                     eligibility_en="", eligibility_ru="", closes_at=now - timedelta(hours=1),
                     review_deadline=None)
    assert [str(p) for p in services.missing_for_opening(call, now)] == [
        "Title is missing in Russian.",
        "Summary is missing in English.",
        "Description is missing in Russian.",
        "Eligibility is missing in English.",
        "Eligibility is missing in Russian.",
        "The call has no scoring criteria.",
        "The closing moment is in the past.",
    ]


def test_missing_for_opening_names_the_criterion_and_its_missing_language(db, make_call):
    call = make_call(criteria=2)
    call.criteria[1].name_ru = ""
    call.criteria[1].guidance_en = ""
    assert [str(p) for p in services.missing_for_opening(call, utcnow())] == [
        "Criterion 2: Name is missing in Russian.",
        "Criterion 2: Guidance for reviewers is missing in English.",
    ]


def test_missing_for_opening_without_dates_says_so(db, make_call):
    call = make_call(opens_at=None, closes_at=None, review_deadline=None)
    assert [str(p) for p in services.missing_for_opening(call, utcnow())] == [
        "The opening and closing moments are not set."]


def test_missing_for_opening_without_a_programme_year_says_so(db, make_call):
    call = make_call(programme_year=None)
    assert [str(p) for p in services.missing_for_opening(call, utcnow())] == [
        "The programme year is not set."]
    with pytest.raises(services.CallError):
        services.open_call(call, actor=None, now=utcnow())


def test_missing_for_opening_of_a_complete_call_is_empty(db, make_call):
    assert services.missing_for_opening(make_call(), utcnow()) == []


def test_open_call_incomplete_is_refused_with_the_list_of_what_is_missing(db, make_call):
    call = make_call(criteria=0, title_ru="")
    with pytest.raises(services.CallError) as refused:
        services.open_call(call, actor=None, now=utcnow())
    assert _problems(refused) == ["Title is missing in Russian.",
                                  "The call has no scoring criteria."]
    assert call.state == CallState.draft


def test_open_call_complete_opens_it(db, make_call):
    call = make_call()
    services.open_call(call, actor=None, now=utcnow())
    db.session.commit()
    assert db.session.get(Call, call.id).state == CallState.open
    assert _actions(db)[-1] == "call.opened"


def test_open_call_that_is_already_open_is_refused(db, make_call):
    call = make_call(CallState.open)
    with pytest.raises(services.CallError) as refused:
        services.open_call(call, actor=None, now=utcnow())
    assert _problems(refused) == ["Only a draft call can be opened."]


# --- Closing ---------------------------------------------------------------------------------

def test_close_call_before_its_deadline_moves_the_deadline_to_now(db, make_call):
    call = make_call(CallState.open)
    now = utcnow()
    services.close_call(call, actor=None, now=now)
    assert (call.state, call.closes_at) == (CallState.closed, now)
    assert _actions(db)[-1] == "call.closed"


def test_close_call_after_its_deadline_keeps_the_deadline(db, make_call):
    call = make_call(CallState.open)
    deadline = call.closes_at
    services.close_call(call, actor=None, now=deadline + timedelta(minutes=5))
    assert (call.state, call.closes_at) == (CallState.closed, deadline)


def test_close_call_of_a_draft_is_refused(db, make_call):
    with pytest.raises(services.CallError) as refused:
        services.close_call(make_call(), actor=None, now=utcnow())
    assert _problems(refused) == ["Only an open call can be closed."]


def test_close_due_calls_closes_only_open_calls_past_their_deadline(db, make_call):
    now = utcnow()
    due = make_call(CallState.open, closes_at=now + timedelta(hours=1))
    not_due = make_call(CallState.open, closes_at=now + timedelta(hours=3))
    draft = make_call(closes_at=now + timedelta(hours=1))
    assert services.close_due_calls(now + timedelta(hours=2)) == 1
    db.session.commit()
    assert [c.state for c in (due, not_due, draft)] == [
        CallState.closed, CallState.open, CallState.draft]


def test_open_calls_lists_calls_accepting_now_the_soonest_closing_first(db, make_call):
    now = utcnow()
    later = make_call(CallState.open, closes_at=now + timedelta(days=20))
    sooner = make_call(CallState.open, closes_at=now + timedelta(days=10))
    make_call()  # a draft
    make_call(CallState.closed)
    opens_tomorrow = make_call(CallState.open)
    opens_tomorrow.opens_at = now + timedelta(days=1)
    db.session.commit()
    assert [c.id for c in services.open_calls(now)] == [sooner.id, later.id]
