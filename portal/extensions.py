"""Flask extensions, created once and bound to the app in create_app()."""

from flask import current_app
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from portal.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def _link_limit() -> str:
    return current_app.config["LINK_LIMIT"]


# Every endpoint that takes a secret token in its URL (/r/..., /o/...) shares one budget per
# client address: guessing tokens on one endpoint also uses up the other.
link_limit = limiter.shared_limit(_link_limit, scope="customer-link")
