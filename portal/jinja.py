"""What templates may call: permission predicates and formatting helpers."""

from flask import Flask, request, url_for
from flask_babel import get_locale

from portal.i18n import LANGUAGES, format_moment
from portal.markdown import render_markdown
from portal.permissions import TEMPLATE_PREDICATES
from portal.phrases import LANGUAGE_NAMES


def url_for_page(number: int) -> str:
    """The current list with the same filters, at another page."""
    args = request.args.to_dict()
    args["page"] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals.update(TEMPLATE_PREDICATES)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, LANGUAGE_NAMES=LANGUAGE_NAMES,
                                 get_locale=get_locale,
                                 url_for_page=url_for_page)
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["markdown"] = render_markdown

    from portal.accounts.forms import password_hint

    app.jinja_env.globals["password_hint"] = password_hint
