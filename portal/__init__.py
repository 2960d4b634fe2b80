"""The CPCE onboarding portal: create_app() builds the Flask application."""

from pathlib import Path

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

from portal import config as config_module
from portal import logmask
from portal.extensions import babel, csrf, db, limiter, login_manager, migrate
from portal.http import IdConverter, PortalRequest

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("de", "en")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Production runs behind HTTPS only: browsers must never try plain HTTP again for a year.
HSTS = "max-age=31536000; includeSubDomains"


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application; test_config overrides settings from the environment."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    app.request_class = PortalRequest
    # Before any blueprint adds its routes: every <int:...> in them uses the bounded converter.
    app.url_map.converters["int"] = IdConverter
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    config_module.check_production(app.config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        BABEL_DEFAULT_LOCALE="de",
        BABEL_DEFAULT_TIMEZONE="Europe/Berlin",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "portal" / "translations"),
        RATELIMIT_STORAGE_URI=app.config["RATELIMIT_STORAGE_URI"],
    )

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgres"):
        # The dashboard's filters are many small index lookups that the planner prices high
        # enough to JIT-compile them, which cost more than running them (issue 16).
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {}).setdefault("options", "-c jit=off")
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from portal import account, auth, cli, errors, filters
    from portal.admin import bp as admin_bp
    from portal.calls import bp as calls_bp
    from portal.cloud import bp as cloud_bp
    from portal.customers import bp as customers_bp
    from portal.diagram import bp as diagram_bp
    from portal.exports import bp as exports_bp
    from portal.main import bp as main_bp
    from portal.offer import bp as offer_bp
    from portal.orders import bp as orders_bp
    from portal.package import bp as package_bp
    from portal.protocol import bp as protocol_bp
    from portal.respond import bp as respond_bp
    from portal.review import bp as review_bp
    from portal.services import due_index, search_index
    from portal.studio import bp as studio_bp
    from portal.studio.editor import bp as studio_editor_bp
    from portal.studio.migration import bp as studio_migration_bp
    from portal.studio.preview import bp as studio_preview_bp

    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(orders_bp)
    app.register_blueprint(customers_bp)
    app.register_blueprint(respond_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(calls_bp)
    app.register_blueprint(cloud_bp)
    app.register_blueprint(diagram_bp)
    app.register_blueprint(protocol_bp)
    app.register_blueprint(review_bp)
    app.register_blueprint(package_bp)
    app.register_blueprint(offer_bp)
    app.register_blueprint(exports_bp)
    app.register_blueprint(studio_migration_bp)
    app.register_blueprint(studio_preview_bp)
    app.register_blueprint(studio_bp)
    app.register_blueprint(studio_editor_bp)
    errors.register(app)
    filters.register(app)
    due_index.install()
    search_index.install()
    logmask.install(app)
    cli.register(app)
    app.after_request(security_headers)
    return app


def select_locale() -> str:
    """Choose the interface language: the session's choice, the user's, else German."""
    if not has_request_context():
        return "de"
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    if current_user and current_user.is_authenticated:
        return current_user.language
    return "de"


def security_headers(response):
    """Add the security headers of DESIGN section 6 to every response."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    if current_app.config.get("ENV_NAME") == "production":
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint and not request.endpoint.endswith("static"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
