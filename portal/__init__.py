"""The portal's application factory."""

from pathlib import Path

from flask import Flask

from config import INSTANCE_DIR, Config, ProductionConfig, config_from_env


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    """Build the app: configuration, extensions, blueprints, error pages, commands."""
    config = config or config_from_env()
    if issubclass(config, ProductionConfig):
        config.check()
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.from_object(config)
    app.config.update(overrides)
    if app.config["TRUSTED_PROXIES"]:  # behind nginx: the client's address, not the proxy's
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    # The default SQLite file, e-mails and uploads live here; a fresh clone has no such folder.
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from portal import logs, urls

    logs.init_app(app)
    urls.init_app(app)
    _init_extensions(app)
    _register_blueprints(app)

    from portal import cli, errors, jinja, security
    from portal.endorsements import hooks, office
    from portal.jobs import init_app as init_jobs
    from portal.notifications import dispatcher
    from portal.privacy import hooks as privacy_hooks
    from portal.questions import copying

    errors.init_app(app)
    security.init_app(app)
    jinja.init_app(app)
    init_jobs(app)  # the queue of the configuration, `flask jobs ...`
    dispatcher.init_app(app)
    copying.init_app(app)  # a copied call takes its questions along
    hooks.init_app(app)  # endorsement asked on submission, shown on the applicant's pages
    office.init_app(app)  # the endorsement's columns on the list of a call's applications
    privacy_hooks.init_app(app)  # a newer privacy notice is accepted at the next sign-in
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    # Every model module is imported so that the metadata knows every table.
    from portal import models  # noqa: F401
    from portal.database import configure_sqlite
    from portal.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
    from portal.i18n import init_app as init_i18n
    from portal.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(app.config["MIGRATIONS_DIR"]))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    init_i18n(app)
    bootstrap.init_app(app)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.session_protection = "basic"
    # The user loader, the timeouts and what a user whose session ended sees.
    from portal.accounts import sessions

    sessions.init_app(app)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine, app.config["SQLITE_BUSY_TIMEOUT"])


def _register_blueprints(app: Flask) -> None:
    from portal.accounts import bp as accounts_bp
    from portal.administrations import bp as administrations_bp
    from portal.applications import bp as applications_bp
    from portal.audit import bp as audit_bp
    from portal.callforms import bp as callforms_bp
    from portal.calls import bp as calls_bp
    from portal.endorsements import bp as endorsements_bp
    from portal.jobs import bp as jobs_bp
    from portal.main import bp as main_bp
    from portal.messages import bp as messages_bp
    from portal.notifications import bp as notifications_bp
    from portal.privacy import bp as privacy_bp
    from portal.reports import bp as reports_bp
    from portal.reviews import bp as reviews_bp
    from portal.selection import bp as selection_bp
    from portal.statistics import bp as statistics_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(administrations_bp)
    app.register_blueprint(calls_bp)
    app.register_blueprint(callforms_bp)
    app.register_blueprint(applications_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(endorsements_bp)
    app.register_blueprint(selection_bp)
    app.register_blueprint(messages_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(statistics_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(privacy_bp)
