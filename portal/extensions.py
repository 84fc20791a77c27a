"""Extensions, created unbound and wired to the app in create_app."""

import logging

from flask import current_app, g, request
from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFError, CSRFProtect

from portal.database import metadata
from portal.ratelimit import log_breach  # also registers the limiter's database:// storage

db = SQLAlchemy(metadata=metadata)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()


class FormFriendlyCSRFProtect(CSRFProtect):
    """The global CSRF check, on for every view. A view marked by portal.forms.form_view that
    fails it is not answered with a bare error page: it runs with every form invalid (so it
    changes nothing) and shows its form again, the user's entries kept, with the message that
    the form expired."""

    def protect(self, apply_exemptions=False):
        try:
            super().protect(apply_exemptions=apply_exemptions)
        except CSRFError as error:
            view = current_app.view_functions.get(request.endpoint)
            if not getattr(view, "shows_expired_form", False):
                raise
            g.csrf_valid = False
            g.csrf_failure = error.description


csrf = FormFriendlyCSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[], on_breach=log_breach)
# Its own message on a breach names the key, which may be an e-mail address: log_breach says
# what an operator needs instead.
logging.getLogger("flask-limiter").setLevel(logging.WARNING)
