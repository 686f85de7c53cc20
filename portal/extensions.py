"""Extension objects, unbound. `create_app` binds them; nothing here imports the app."""

from flask import session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class StaffLoginManager(LoginManager):
    """Flask-Login, with "strong" session protection only for a session that holds a
    staff login. Flask-Login applies it to any non-empty session without its `_id`, which
    is every customer's (the journey's draft): it then marked the session changed and
    cleared a remember cookie on every page, so each answer re-signed the session cookie
    and sent two Set-Cookie headers. A session without a user has nothing to protect, as
    Flask-Login already holds for an empty one."""

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = StaffLoginManager()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
