"""Flask extensions, created unbound and bound in ``create_app``."""
from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from app.api.bearer import BearerExemptCSRF
from app.db import Base
from app.ratelimit import account_or_address

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
# CSRF on every form and session request; API requests authenticated by a bearer token need none.
csrf = BearerExemptCSRF()
babel = Babel()
limiter = Limiter(key_func=account_or_address)
# Rendered public results pages and the results version they were rendered at (app.results.caching).
cache = Cache()
