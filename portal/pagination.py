"""Pages of rows that Flask-SQLAlchemy's `db.paginate` does not cover, for `_pagination.html`."""

import sqlalchemy as sa
from flask import abort, request
from flask_sqlalchemy.pagination import Pagination

from portal.extensions import db

# No list has a million pages; a larger `?page=` would make an OFFSET that the database refuses.
MAX_PAGE = 1_000_000


def requested_page() -> int:
    """The `?page=` of the request: 1 when missing, garbage or below 1; a 404 past MAX_PAGE."""
    page = request.args.get("page", 1, type=int)
    if page > MAX_PAGE:
        abort(404)
    return max(page, 1)


class ListPagination(Pagination):
    """A page of a list already in memory: `ListPagination(page=2, per_page=50, items=rows)`."""

    def _query_items(self):
        return self._query_args["items"][self._query_offset:self._query_offset + self.per_page]

    def _query_count(self):
        return len(self._query_args["items"])


class RowsPagination(Pagination):
    """A page of a Core select's rows (several columns each, not one entity), counted in the database:
    `RowsPagination(page=2, per_page=50, select=query)`; `query` is ordered by the caller."""

    def _query_items(self):
        select = self._query_args["select"]
        return db.session.execute(select.limit(self.per_page).offset(self._query_offset)).all()

    def _query_count(self):
        select = self._query_args["select"].order_by(None)
        return db.session.scalar(sa.select(sa.func.count()).select_from(select.subquery()))
