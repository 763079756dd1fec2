"""Language choice (zh-CN by default, en on request) and template helpers.

Messages are written in English in the code and translated to zh_CN in
``app/translations/zh_Hans_CN/LC_MESSAGES/messages.po`` (Babel's spelling of zh_CN); a test fails
when one lacks a translation.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, Response, current_app, request
from flask_babel import get_locale, get_translations
from flask_babel import lazy_gettext as _l
from jinja2 import pass_context

from app.messages import translated, translated_where
from app.people.idcard import mask

LANGUAGE_COOKIE = "lang"


def select_locale() -> str:
    """The reader's language, from a cookie of its own rather than the session: a public page's
    ETag depends on it, and that path must not open a session (app.results.caching)."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language(response: Response, code: str) -> Response:
    """Keep the reader's chosen language for a year in its own cookie (not the session, see
    :func:`select_locale`); an unknown code is ignored."""
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=int(timedelta(days=365).total_seconds()),
                            httponly=True, samesite="Lax",
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


# Display names of codes that templates show; one table so every page says the same thing.
LABELS = {
    "role": {"admin": _l("Administrator"), "organizer": _l("Organizer"), "unit_admin": _l("Unit administrator"),
             "expert": _l("Expert"), "arbiter": _l("Arbiter"), "contestant": _l("Contestant")},
    "unit_kind": {"province": _l("Province"), "city": _l("City"), "county": _l("County"),
                  "industry": _l("Industry body"), "enterprise": _l("Enterprise"), "school": _l("School"),
                  "hr_authority": _l("HR authority"), "other": _l("Other")},
    "group": {"employee": _l("Employee group"), "student": _l("Student group")},
    "tie_breaker": {"criterion_weight": _l("Marks in the heaviest criteria"),
                    "completion_time": _l("Shorter completion time")},
    "event_class": {"1": _l("Class 1"), "2": _l("Class 2"), "3": _l("Class 3"),
                    "comprehensive": _l("Comprehensive")},
    "panel_role": {"chief": _l("Chief expert"), "deputy": _l("Deputy chief expert"), "judge": _l("Judge"),
                   "reserve": _l("Reserve judge"), "supervisor": _l("Supervisor")},
    "grant_kind": {"unit_per_skill": _l("Per skill, to a unit"), "person_by_title": _l("Per title, to a person"),
                   "person_by_award": _l("Per award, to a person"), "training_days": _l("Per training day"),
                   "training_employment": _l("Per trainee employed"), "new_hire": _l("Per new hire"),
                   "level_rise": _l("Per skill-level rise"), "per_base": _l("Per training base")},
    "awards": {"cn_standard": _l("Chinese standard (gold/silver/bronze, 优胜奖)"),
               "worldskills": _l("WorldSkills medals")},
    "registration_status": {"submitted": _l("Submitted"), "approved": _l("Approved"), "rejected": _l("Rejected")},
    "attendance": {"competed": _l("Competed"), "absent": _l("Absent"), "withdrawn": _l("Withdrawn"),
                   "disqualified": _l("Disqualified")},
    "id_type": {"resident": _l("Resident ID card"), "hmt_residence": _l("HMT residence permit"),
                "hmt_permit": _l("HMT travel permit"), "passport": _l("Passport"),
                "foreign_permanent": _l("Foreign permanent resident ID card")},
}


def label(kind: str, code) -> str:
    """The display name of a code in the reader's language (``label("role", "expert")``); an unknown code
    shows as itself, so a new value is never hidden."""
    if code is None or code == "":
        return ""
    value = getattr(code, "value", code)
    return str(LABELS[kind].get(value, value))


def tier_name(code: str) -> str:
    """A tier's name in Chinese or English after the reader's language; an unknown code shows as itself."""
    from scoring.tiers import TIERS
    tier = TIERS.get(code)
    if tier is None:
        return code
    return tier.name_zh if str(get_locale()).startswith("zh") else tier.name_en


def register_template_globals(app: Flask) -> None:
    """Give every template the shared labels, tier names, masking and translation filters, trimmed
    ``{% trans %}`` blocks and the current path (for "back to here" links)."""
    app.jinja_env.globals.update(label=label, tier_name=tier_name, current_locale=lambda: str(get_locale()))
    app.jinja_env.filters["masked"] = mask
    app.jinja_env.filters["translated"] = translated
    app.jinja_env.filters["where"] = translated_where
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    install_render_translations(app)

    @app.context_processor
    def _next_url():
        return {"request_path": request.full_path.rstrip("?") if request else "/"}


_TRANSLATIONS = "_render_translations"


def install_render_translations(app: Flask) -> None:
    """Templates' ``_()`` with the catalogue looked up once per rendering, not at every string.

    Flask-Babel's template callables find the request's locale and catalogue again for each of a
    page's 20–30 strings, through several context lookups each: a tenth of what a results-day page
    cost. The catalogue is the same for a whole rendering, so it is put in the template's context
    once; macros imported without context fall back to Flask-Babel's lookup. Jinja's newstyle
    wrapper still escapes the values put into a translated string."""
    def catalogue(context):
        return context.get(_TRANSLATIONS) or get_translations()

    app.jinja_env.install_gettext_callables(
        gettext=pass_context(lambda context, s: catalogue(context).ugettext(s)),
        ngettext=pass_context(lambda context, s, p, n: catalogue(context).ungettext(s, p, n)),
        pgettext=pass_context(lambda context, c, s: catalogue(context).upgettext(c, s)),
        npgettext=pass_context(lambda context, c, s, p, n: catalogue(context).unpgettext(c, s, p, n)),
        newstyle=True)
    app.context_processor(lambda: {_TRANSLATIONS: get_translations()})
