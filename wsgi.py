"""The WSGI entry point: `gunicorn wsgi:app`."""

from portal import create_app
from portal.collector import tune_for_serving

app = create_app()
tune_for_serving()
