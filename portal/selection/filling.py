"""Filling the places of a call from its ranking: pure selection math (no Flask, no database).

The caller passes the applications in rank order (from `ranking.rank_applications`) as
`Candidate`s, each with its member administration's code and whether it may be selected at all
(screened-out or withdrawn applications are not eligible).

`fill_places` walks the ranking once:

- an ineligible candidate goes to `not_selected`;
- while places remain, an eligible candidate is accepted unless their administration already
  has `cap_per_administration` accepted candidates; then they are passed over (listed in
  `skipped_for_cap`) and go to the waiting list, keeping their rank;
- once the places are full, every further eligible candidate goes to the waiting list.

The waiting list is in rank order and, by default, holds every eligible candidate not accepted.
With `waitlist_length=n` it holds the first n of them and the rest go to `not_selected` (in
rank order with the ineligible ones), so `not_selected` holds only ineligible candidates unless
the waiting list is shortened. `accepted`, `waitlist` and `not_selected` partition the input;
`skipped_for_cap` is an annotation of candidates who are also in one of the last two.

A candidate skipped for the cap stays on the waiting list: a place freed in their own
administration (an accepted fellow of it declines) makes them offerable again. `next_offer`
therefore skips, without removing, waiting candidates whose administration is at the cap.

The greedy walk is optimal for this rule: it fills min(places, sum over administrations of
min(cap, eligible candidates of that administration)) places, the most the cap allows, and each
accepted candidate is the best-ranked one the cap permitted at that point.
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Candidate:
    application_id: int
    administration: str  # ISO 3166-1 alpha-2 code of the member administration
    eligible: bool = True


@dataclass(frozen=True)
class FillResult:
    accepted: list[int]  # in rank order
    waitlist: list[int]  # in rank order
    not_selected: list[int]  # in rank order
    skipped_for_cap: list[int]  # passed over for the cap while places remained, in rank order


def fill_places(ranked: Sequence[Candidate], places: int, cap_per_administration: int | None = None, *,
                waitlist_length: int | None = None) -> FillResult:
    """Accept, waitlist or leave out each candidate of `ranked` (best first); see the module docstring."""
    _check(ranked, places, cap_per_administration, waitlist_length)
    accepted, waiting, skipped = [], [], []
    held: Counter[str] = Counter()
    for candidate in (c for c in ranked if c.eligible):
        places_left = len(accepted) < places
        if places_left and _under_cap(held, candidate.administration, cap_per_administration):
            accepted.append(candidate.application_id)
            held[candidate.administration] += 1
        else:
            if places_left:
                skipped.append(candidate.application_id)
            waiting.append(candidate.application_id)
    waitlist = waiting if waitlist_length is None else waiting[:waitlist_length]
    placed = set(accepted) | set(waitlist)
    not_selected = [c.application_id for c in ranked if c.application_id not in placed]
    return FillResult(accepted, waitlist, not_selected, skipped)


def next_offer(waitlist: Iterable[Candidate], accepted_by_administration: Mapping[str, int],
               cap: int | None) -> int | None:
    """The application to offer a freed place to: the first eligible one on the waiting list (in
    order) whose administration holds fewer than `cap` places; None if there is none.

    `accepted_by_administration` counts every place currently held *or offered* (an offer not yet
    answered occupies its place); the caller removes the declined or expired offer before asking.
    """
    return next((c.application_id for c in waitlist
                 if c.eligible and _under_cap(accepted_by_administration, c.administration, cap)), None)


def _under_cap(held: Mapping[str, int], administration: str, cap: int | None) -> bool:
    return cap is None or held.get(administration, 0) < cap


def _check(ranked: Sequence[Candidate], places: int, cap: int | None, waitlist_length: int | None) -> None:
    if places < 0:
        raise ValueError("places must be >= 0")
    if cap is not None and cap < 1:
        raise ValueError("cap_per_administration must be >= 1 or None")
    if waitlist_length is not None and waitlist_length < 0:
        raise ValueError("waitlist_length must be >= 0 or None")
    if len({c.application_id for c in ranked}) != len(ranked):
        raise ValueError("an application appears twice in the ranking")
