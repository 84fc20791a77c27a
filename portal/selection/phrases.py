"""Words of the selection pages that several templates share."""

from flask_babel import lazy_gettext as _l

from portal.selection.models import OfferState

# What separated an application from the one ranked just above it (ranking.TIE_BREAKERS).
TIE_BREAKER_LABELS = {
    "raw_mean": _l("tie broken by the mean score"),
    "review_count": _l("tie broken by the number of reviews"),
    "priority": _l("tie broken by the administration's priority"),
    "submitted_at": _l("tie broken by the earlier submission"),
    "application_id": _l("tie broken by the order of arrival"),
}
SORT_LABELS = {
    "rank": _l("Rank"),
    "normalized": _l("Normalized score"),
    "mean": _l("Mean score"),
    "range": _l("Disagreement (range)"),
    "reviews": _l("Fewest reviews first"),
    "reference": _l("Reference number"),
    "administration": _l("Administration"),
}
FLAG_LABELS = {
    "disagreement": _l("Reviewers disagree"),
    "missing": _l("Reviews missing"),
    "none": _l("No flag"),
}
# What a selected applicant's decision has come to when their offer was declined or expired: the
# decision stays "selected" (the coordinators' act), but the ranking must not say so any more.
GIVEN_UP_LABELS = {
    OfferState.declined: _l("Place declined"),
    OfferState.expired: _l("Offer expired"),
}
