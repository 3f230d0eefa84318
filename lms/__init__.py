"""Service Academy: training and certification for customer-service teams."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, render_template, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from lms import config as settings
from lms import models  # noqa: F401  (every model known before migrations compare metadata)
from lms.accounts.cli import users_cli
from lms.accounts.routes import bp as accounts_bp
from lms.audit.routes import bp as audit_bp
from lms.career.cli import kpis_cli
from lms.career.kpi_routes import bp as kpis_bp
from lms.career.routes import bp as career_bp
from lms.career.rule_routes import bp as career_rules_bp
from lms.courses.cli import content_cli
from lms.courses.routes import bp as courses_bp
from lms.database import configure_sqlite
from lms.demo import demo_cli
from lms.exams.attempt_routes import bp as attempts_bp
from lms.exams.cli import exams_cli, questions_cli
from lms.exams.routes import bp as exams_bp
from lms.exams.staff_routes import bp as exam_staff_bp
from lms.extensions import babel, csrf, db, login_manager, migrate
from lms.i18n import select_locale, select_timezone
from lms.navigation import links_for, menu_of
from lms.notifications.routes import bp as notifications_bp
from lms.records.report_routes import bp as reports_bp
from lms.records.routes import bp as records_bp
from lms.shell.routes import bp as shell_bp
from lms.training.cli import training_cli
from lms.training.refresher_routes import bp as refreshers_bp
from lms.training.session_routes import bp as sessions_bp
from lms.translate import translate_cli
from lms.web import refuse_json, refuse_nul, safe_next_url

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from the environment, then ``config`` on top (tests use it)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(settings.load(app.instance_path))
    if config:
        app.config.update(config)

    if app.config.get("LMS_PROXY_HOPS"):
        # Behind a load balancer: the client's address and scheme come from its headers,
        # trusted for exactly that many proxies (rate limits count per client address).
        hops = int(app.config["LMS_PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    _init_extensions(app)
    _register_blueprints(app)
    _register_cli(app)
    _register_error_pages(app)
    app.before_request(refuse_json)
    app.before_request(refuse_nul)
    app.after_request(_security_headers)
    return app


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = _l("Please sign in to see this page.")


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(shell_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(courses_bp)
    app.register_blueprint(records_bp)
    app.register_blueprint(exams_bp)
    app.register_blueprint(attempts_bp)
    app.register_blueprint(exam_staff_bp)
    app.register_blueprint(sessions_bp)
    app.register_blueprint(refreshers_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(kpis_bp)
    app.register_blueprint(career_bp)
    app.register_blueprint(career_rules_bp)
    app.register_blueprint(audit_bp)

    @app.context_processor
    def _layout_context() -> dict[str, Any]:
        return {
            "nav_menu": menu_of(links_for(current_user)),
            "current_locale": str(get_locale()),
            "current_path": request.full_path.rstrip("?"),
        }


def _register_cli(app: Flask) -> None:
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(translate_cli)
    app.cli.add_command(training_cli)
    app.cli.add_command(kpis_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(questions_cli)
    app.cli.add_command(exams_cli)


def _register_error_pages(app: Flask) -> None:
    def page(code: int) -> Any:
        def handler(_error: Exception) -> tuple[str, int]:
            return render_template(f"errors/{code}.html"), code

        return handler

    for code in (403, 404, 500):
        app.register_error_handler(code, page(code))

    @app.errorhandler(CSRFError)
    def _csrf_error(_error: CSRFError) -> tuple[str, int]:
        return render_template("errors/400_csrf.html"), 400

    @app.errorhandler(413)
    def _too_large(_error: Exception) -> tuple[str, int]:
        # Werkzeug refuses a body over MAX_CONTENT_LENGTH before any form sees it, so the
        # page says what the limit is and sends the person back to choose a smaller file.
        limit = app.config.get("MAX_CONTENT_LENGTH") or 0
        came_from = urlsplit(request.referrer or "")
        back = None
        if came_from.netloc == request.host:
            back = safe_next_url(came_from._replace(scheme="", netloc="").geturl(), "") or None
        page = render_template(
            "errors/413.html", limit_mb=max(limit // (1024 * 1024), 1), back=back
        )
        return page, 413


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
