"""Extensions, created unbound and wired to the app in create_app."""

import logging

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from portal.database import metadata
from portal.ratelimit import log_breach  # also registers the limiter's database:// storage

db = SQLAlchemy(metadata=metadata)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
limiter = Limiter(key_func=get_remote_address, default_limits=[], on_breach=log_breach)
# Its own message on a breach names the key, which may be an e-mail address: log_breach says
# what an operator needs instead.
logging.getLogger("flask-limiter").setLevel(logging.WARNING)
