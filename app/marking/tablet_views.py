"""The tablet page: a judge marks one skill, online or not.

The page is a shell: a service worker (``static/js/tablet-sw.js``) may cache it, so a tablet that
reloads offline still opens it, and its own JavaScript (``static/js/tablet.js``) loads the judge's desk from the
API, keeps every mark in an IndexedDB outbox and sends it until the server has answered
(:mod:`app.api.marks`; the desk is :func:`app.marking.tablet.desk_for`). The shell carries no contestant
data, only the URLs, the CSRF token and the words the script shows, in the judge's language.

Who: experts who mark on the skill's panel (chief, deputy, judges, reserves); supervisors and
everyone else get 404, which does not confirm the skill exists.
"""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from app.auth.models import Role
from app.auth.permissions import allow, allow_public
from app.auth.scope import require
from app.marking.tablet import desk_for

bp = Blueprint("tablet", __name__)


@bp.route("/events/<code>/skills/<skill_code>/tablet")
@allow(Role.EXPERT)
def page(code: str, skill_code: str):
    """The tablet page of a skill for an expert who marks on its panel: a shell with the URLs, CSRF token
    and words its script needs, no contestant data, so a service worker may cache it for offline use."""
    desk = desk_for(code, skill_code)
    require(desk is not None)
    config = {
        "desk_url": url_for("api_marks.desk", code=code, skill_code=skill_code),
        "batch_url": url_for("api_marks.batch"),
        "csrf_token": generate_csrf(),
        "worker_url": url_for("tablet.worker"), "worker_scope": "/events/",
        "judge": current_user.username,
        "locale": "zh-CN" if str(get_locale()).startswith("zh") else "en",
        "strings": _strings(),
    }
    return render_template("tablet/page.html", desk=desk, config=config)


@bp.route("/tablet-sw.js")
@allow_public
def worker():
    """The service worker, served from the root so that it may control the ``/events/`` pages."""
    response = send_from_directory(current_app.static_folder + "/js", "tablet-sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _strings() -> dict[str, str]:
    """Everything the script writes on the page, translated here (the script has no catalogue)."""
    return {
        "unsent": _("Unsent"), "conflicts": _("Conflicts"), "sync_now": _("Sync now"),
        "online": _("Online"), "offline": _("Offline: marks are kept on this tablet"),
        "syncing": _("Sending…"), "last_sync": _("Last sent"), "never": _("not yet"),
        "criterion": _("Criterion"), "competitor": _("Competitor"), "secret_no": _("Secret number"),
        "bib": _("Bib"), "choose_competitor": _("Choose a competitor."),
        "no_competitors": _("No competitor for you to mark in this criterion."),
        "undrawn": _("%(count)s competitor(s) are not drawn yet: ask the chief expert."),
        "subtotal": _("Subtotal (your scores)"), "max": _("max"),
        "not_marked": _("not marked"), "marked": _("marked"), "unsent_one": _("unsent"),
        "flagged": _("flagged: scores differ by more than the rule; discuss and score again"),
        "locked": _("locked"), "conflict": _("conflict"), "save": _("Save"),
        "judgement": _("Judgement"), "measurement": _("Measurement"), "requirement": _("Requirement"),
        "yours": _("Yours"), "stored": _("Stored"), "by": _("by"), "keep_mine": _("Keep mine"),
        "take_stored": _("Use the stored one"), "refused": _("Refused"), "dismiss": _("Dismiss"),
        "conflict_help": _("Someone changed these marks after you last saw them. Decide for each one."),
        "session": _("Your session has ended: log in again in this browser. Your marks stay on this tablet."),
        "reload": _("The page is out of date: reload it. Your marks stay on this tablet."),
        "loading": _("Loading…"), "load_failed": _("The marking data could not be loaded. Check the network."),
        "cached": _("Offline: showing the marking data as last loaded."),
        "bad_value": _("Enter one of the allowed values."),
        "others": _("%(count)s mark(s) of another judge wait on this tablet: they are sent when that judge logs "
                    "in here again."),
    }
