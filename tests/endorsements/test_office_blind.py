"""Reviewers never see who endorsed an application, what they wrote, or their letter."""

import pytest

from portal.administrations.models import FocalPoint
from portal.database import utcnow
from portal.extensions import db
from portal.reviews.services import assign_reviewer, update_reviewer_profile
from tests.endorsements.office_factories import set_endorsement

STATEMENT = "Our most trusted risk analyst, first of our candidates"
LETTER = "letter-of-endorsement-kg.pdf"


@pytest.mark.parametrize("blind", [True, False])
def test_a_reviewers_pages_of_an_endorsed_application_hold_no_trace_of_the_endorser(
        client, login_as, create_user, create_call, create_application, blind):
    call = create_call(endorsement_required=True, blind_review=blind)
    applicant = create_user(administration="KG")
    application = create_application(call=call, applicant=applicant, submit=True)
    application.administration_code = "KG"
    focal = create_user(roles=("nominator",), administration="KG", full_name="Aibek Focalpoint",
                        email="aibek.focal@customs.kg")
    db.session.add(FocalPoint(administration_code="KG", user_id=focal.id, title="Head of training"))
    endorsement = set_endorsement(application, "endorsed", priority=1, statement=STATEMENT,
                                  decided_by=focal)
    endorsement.letter_name = LETTER
    reviewer = create_user(roles=("reviewer",), administration="PL")
    update_reviewer_profile(reviewer, reads_en=True, reads_ru=True, expertise="",
                            max_reviews_per_call=5)
    assignment = assign_reviewer(application, reviewer, actor=None, now=utcnow())
    db.session.commit()
    login_as(reviewer)
    pages = {url: client.get(url) for url in (f"/reviews/{assignment.id}", "/reviews/",
                                              f"/reviews/{assignment.id}/conflict")}
    assert {url: response.status_code for url, response in pages.items()} == dict.fromkeys(pages, 200)
    traces = ("Aibek", "Focalpoint", "aibek.focal@customs.kg", "Head of training", STATEMENT, LETTER,
              "/endorsements/")
    assert {url: [t for t in traces if t in response.get_data(as_text=True)]
            for url, response in pages.items()} == dict.fromkeys(pages, [])
    # The page is the application's own: its project is there.
    assert "Risk profiles" in pages[f"/reviews/{assignment.id}"].get_data(as_text=True)
