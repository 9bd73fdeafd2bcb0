from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from app import navigation
from app.accounts import services
from app.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    LogoutEverywhereForm,
    LogoutForm,
    NewPasswordForm,
    ProfileForm,
    ResetRequestForm,
)
from app.accounts.models import User
from app.audit import services as audit
from app.errors import LaurelError
from app.extensions import db, limiter, login_manager

bp = Blueprint("accounts", __name__, url_prefix="/account")

login_manager.login_view = "accounts.login"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(login_id: str) -> User | None:
    """The user whose current login id ("<id>:<session token>", from the session
    or the remember cookie) this is; an id with an old token signs nobody in."""
    user_id, sep, _token = login_id.partition(":")
    if not sep or not (user_id.isascii() and user_id.isdigit()) or len(user_id) > 12:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.matches_login_id(login_id):
        return None
    return user


# Flask-Login flashes this when a page needs a signed-in user; str() picks
# the language of the request at that moment.
login_manager.login_message = _l("Please sign in to see this page.")
login_manager.localize_callback = str


def landing_page() -> str:
    """Where a user starts after signing in: the first menu entry of their role."""
    entries = navigation.items()
    return entries[0]["url"] if entries else url_for("main.home")


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: an attacker's ?next=https://evil.example must not work."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _login_failed(_response) -> bool:
    """Only a wrong password counts toward the sign-in limits, never a success."""
    return bool(g.get("login_failed"))


def _login_account() -> str:
    return "account:" + services.normalise_email(request.form.get("email", ""))[:254]


# Failed sign-ins are limited per address (one visitor trying many accounts)
# and per account (many addresses trying one account). Behind a reverse proxy
# the address is the visitor's only when TRUSTED_PROXIES is set.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_login_failed
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_login_account,
    deduct_when=_login_failed,
)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is None:
            g.login_failed = True
            db.session.commit()  # keep the failed-login audit event
            # In the form's error summary, which takes focus (no second box).
            form.form_errors.append(_("Wrong e-mail or password."))
        else:
            login_user(user, remember=form.remember.data)
            db.session.commit()
            flash(_("Signed in as %(name)s.", name=user.full_name), "success")
            return redirect(_safe_next(request.args.get("next")) or landing_page())
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = LogoutForm()
    if not form.validate_on_submit():
        abort(400)
    audit.record("logout", actor=current_user, obj=current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You have been signed out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """Sign out in every browser: sessions and remember cookies made before now die."""
    form = LogoutEverywhereForm()
    if not form.validate_on_submit():
        abort(400)
    services.sign_out_everywhere(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You have been signed out on all devices."), "success")
    return redirect(url_for(".login"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def forgot_password():
    form = ResetRequestForm()
    if form.validate_on_submit():
        services.send_password_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not the account exists.
        flash(
            _(
                "If an account with that e-mail exists, we have sent it a link to set a new password."
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = services.user_from_reset_token(token)
    if user is None:
        flash(_("This link is invalid or has expired. Ask for a new one."), "error")
        return redirect(url_for("accounts.forgot_password"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        db.session.commit()
        flash(_("Your password has been set. You can sign in now."), "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form, user=user)


def _profile_form(user, **kwargs) -> ProfileForm:
    return ProfileForm(
        obj=user, locale=user.locale or current_app.config["BABEL_DEFAULT_LOCALE"], **kwargs
    )


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile():
    """My account: name, language, password."""
    user = current_user._get_current_object()
    profile_form = _profile_form(user)
    if profile_form.validate_on_submit():
        services.update_profile(
            user, full_name=profile_form.full_name.data, locale=profile_form.locale.data
        )
        db.session.commit()
        # The saved preference wins over a language picked earlier in this session.
        session.pop("lang", None)
        flash(_("Your details have been saved."), "success")
        return redirect(url_for(".profile"))
    return render_template(
        "accounts/profile.html",
        profile_form=profile_form,
        password_form=ChangePasswordForm(),
        everywhere_form=LogoutEverywhereForm(),
    ), (422 if profile_form.errors else 200)


@bp.route("/password", methods=["POST"])
@login_required
@limiter.limit("10/hour")
def change_password():
    user = current_user._get_current_object()
    password_form = ChangePasswordForm()
    if password_form.validate_on_submit():
        try:
            services.change_password(
                user, current=password_form.current.data, new=password_form.password.data
            )
        except LaurelError as exc:
            password_form.current.errors.append(exc.message)
        else:
            # The new password ended every session; this browser stays signed in
            # with the new token (and a renewed remember cookie if it had one).
            remember_cookie = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(user, remember=remember_cookie in request.cookies)
            db.session.commit()
            flash(_("Your password has been changed."), "success")
            return redirect(url_for(".profile"))
    return render_template(
        "accounts/profile.html",
        profile_form=_profile_form(user, formdata=None),
        password_form=password_form,
        everywhere_form=LogoutEverywhereForm(formdata=None),
    ), 422
