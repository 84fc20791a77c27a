"""What templates may call: permission predicates and formatting helpers."""

from flask import Flask, request, url_for
from flask_babel import force_locale, get_locale

from portal.i18n import LANGUAGES, format_file_size, format_moment, format_number, format_timezone
from portal.markdown import render_markdown
from portal.permissions import TEMPLATE_PREDICATES
from portal.phrases import LANGUAGE_NAMES


def url_for_page(number: int) -> str:
    """The current list with the same filters, at another page."""
    args = request.args.to_dict()
    args["page"] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args)


_PLACEHOLDER = 918273645


def url_pattern(endpoint: str, key: str, **values) -> str:
    """The URL of `endpoint` with `{}` where `key` goes, for `.format(id)` in each row of a list:
    one `url_for` for the list instead of one per row (a list of 50 rows made 100 of them)."""
    return url_for(endpoint, **values, **{key: _PLACEHOLDER}).replace(str(_PLACEHOLDER), "{}")


def in_language(language: str, caller) -> str:
    """What the call block holds, rendered in `language` (its texts, dates and numbers): a
    preview of what an applicant reads, inside a page that stays in the viewer's language.

    {% call in_language('ru') %}<article lang="ru">…</article>{% endcall %}
    """
    with force_locale(language):
        return caller()  # Markup: Jinja escaped it as it rendered it


def init_app(app: Flask) -> None:
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(TEMPLATE_PREDICATES)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, LANGUAGE_NAMES=LANGUAGE_NAMES,
                                 get_locale=get_locale, in_language=in_language,
                                 url_for_page=url_for_page, url_pattern=url_pattern)
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["number"] = format_number
    app.jinja_env.filters["filesize"] = format_file_size
    app.jinja_env.filters["timezone"] = format_timezone
    app.jinja_env.filters["markdown"] = render_markdown

    from portal.accounts.forms import password_hint

    app.jinja_env.globals["password_hint"] = password_hint
