"""Searching the portal's lists: case-insensitive in every script, on every backend.

SQLite's lower() and LIKE fold only ASCII letters ("Айбек" never meets "айбек"), and a
PostgreSQL cluster folds by its locale. So the portal does not fold in SQL at all: a model
that is searched keeps a *search column*, the folded text of the columns it is searched by,
written by Python on every insert and update; a search folds its term the same way and
compares with LIKE, whose wildcards in the term are escaped. Every search of the portal goes
through `matches`.
"""

import unicodedata
from collections.abc import Callable

import sqlalchemy as sa
import sqlalchemy.orm as so

# Between the parts of a search text: a term never holds it (folding turns it into a space),
# so a term never matches across the end of one part and the start of the next.
SEPARATOR = "\x1f"
ESCAPE = "\\"


def fold(text: str | None) -> str:
    """The form in which texts are compared: NFKC, case-folded, runs of white space as one."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def search_text(*parts: str | None) -> str:
    """What a search column holds for a row whose searched columns have these values."""
    return SEPARATOR.join(fold(part) for part in parts)


def like_escaped(text: str) -> str:
    """The text as a LIKE pattern that matches only itself: %, _ and the escape escaped."""
    return (text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%")
            .replace("_", ESCAPE + "_"))


def matches(term: str, *columns) -> sa.ColumnElement[bool]:
    """Rows where every word of the term occurs in one of the columns, whatever its case.

    The columns hold folded text: a search column, or one that is folded by construction (an
    e-mail address stored lower-cased; lower() of a reference of ASCII letters and digits).
    A term without words matches every row.
    """
    words = fold(term).split(" ")
    return sa.and_(sa.true(), *(
        sa.or_(*(column.like(f"%{like_escaped(word)}%", escape=ESCAPE) for column in columns))
        for word in words if word))


def search_column(*sources: str) -> so.MappedColumn:
    """A search column over the named attributes (columns of the same table).

    Its default fills it on every insert, through the ORM or a bulk INSERT (the benchmark's
    seeder); `keep_search_columns` refreshes it on every update through the ORM.
    """
    def default(context) -> str:
        parameters = context.get_current_parameters()
        return search_text(*(parameters.get(name) for name in sources))

    # Deferred: only searches read it, and a row loaded for anything else need not carry it.
    return so.mapped_column(sa.Text, default=default, server_default="", deferred=True,
                            info={"search_sources": sources})


def keep_search_columns(model: type) -> None:
    """Refresh the model's search columns whenever the ORM updates a column they are made of.

    Only a change seen by the session counts: an UPDATE statement that bypasses it (a bulk
    update of a searched column) must set the search column itself.
    """
    columns = {column.key: column.info["search_sources"]
               for column in sa.inspect(model).columns if "search_sources" in column.info}
    sa.event.listen(model, "before_update", _refresher(columns))


def _refresher(columns: dict[str, tuple[str, ...]]) -> Callable:
    def refresh(_mapper, _connection, target) -> None:
        state = sa.inspect(target)
        for key, sources in columns.items():
            # history, not load_history: an attribute that is not loaded has not changed.
            if any(state.attrs[name].history.has_changes() for name in sources):
                setattr(target, key, search_text(*(getattr(target, name) for name in sources)))

    return refresh


def collation_key(name: str) -> str:
    """A key that sorts names alphabetically in any language, near enough for a list: letters
    with accents beside their base letter (Türkiye among the T's), case ignored."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
