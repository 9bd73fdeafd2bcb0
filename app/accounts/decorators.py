"""Role guards. They answer 401->login for anonymous users and 403 for a
logged-in user of the wrong role: never a redirect loop."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from app.extensions import login_manager


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def organizer_required(view):
    from app.accounts.models import Role

    return role_required(Role.organizer)(view)


def juror_required(view):
    from app.accounts.models import Role

    return role_required(Role.juror)(view)


def office_required(view):
    from app.accounts.models import Role

    return role_required(Role.office)(view)
