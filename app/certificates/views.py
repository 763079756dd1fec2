"""The public verification page and the organizers' certificates page of an event.

``GET /verify/<token>`` is public (no login) and phone-first: it is what a QR code opens. It shows
the server's content of a genuine or revoked certificate, says "unknown" for a number this server
never issued, and refuses an edited or forged token with the reason ``read_token`` gave; it is
rate-limited per account, or per client address when anonymous (:mod:`app.ratelimit`), answering
429 with a message. Never cached by browsers or proxies; the server keeps a verdict's rendered page
per status version of its certificate (:func:`app.certificates.verification.verdict_key`), so a
revocation shows at the next scan.

The certificates page (``/events/<code>/certificates``) is for the event's organizers and admins
(anyone else: 404 for the event, as elsewhere): the certificates with their state, revocation with
a reason, and bulk jobs with a progress bar fed by a small JSON endpoint, a zip and one merged PDF. Each
POST is one transaction: the service writes and audits, the request commits or rolls back and shows
the refusal (post/redirect/get, :mod:`app.transaction`); a bulk job is queued once it is committed.

One certificate's PDF (``/events/<code>/certificates/<id>.pdf``) is rendered on request, never
stored or cached (``private, no-store``): for the event's organizers, and for the contestant who
holds it (:mod:`app.certificates.own`); anyone else gets 404, as for an object out of reach, and a
revoked certificate is not handed out again. Its Open Badges credential (``…/<id>.jwt``, a VC-JWT,
:mod:`app.certificates.vc_jwt`) is handed out to the same people on the same terms; the JSON twin of
the verification page (``/verify/<token>.json``, :func:`verification`) answers its status.

The contestant's results page lists their certificates through the ``own_certificates`` template
helper this blueprint provides, so ``results`` need not import ``certificates`` (dependencies point
one way).
"""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import Role
from app.auth.permissions import allow, allow_public
from app.auth.scope import require
from app.certificates import bulk
from app.certificates.forms import JobForm, RevokeForm
from app.certificates.issuing import CertificateError, certificates_of, is_final, parse_kinds, revoke
from app.certificates.models import Certificate, CertificateJob, CertificateKind, JobState
from app.certificates.output import render_certificate
from app.certificates.own import may_hand_out, own_certificates
from app.certificates.pdf import AWARDS, LEVELS, ROLES
from app.certificates.vc_jwt import MEDIA_TYPE, certificate_credential
from app.certificates.verification import GENUINE, REFUSED, REVOKED, UNKNOWN, verdict_key, verification, verify
from app.events.models import Event
from app.events.organized import organized_event
from app.events.services import event_by_code
from app.extensions import cache, db, limiter
from app.i18n import select_locale
from app.messages import translated
from app.ratelimit import verify_rate_limit
from app.transaction import after_commit, reads_first, refusals_return_to

bp = Blueprint("certificates", __name__)
ORGANIZERS = (Role.ADMIN, Role.ORGANIZER)


def award_or_level_text(kind: str, code: str | None) -> str:
    """Chinese as printed on the paper (the verification page compares with it)."""
    table = {"award": AWARDS, "level": LEVELS, "expert": ROLES}.get(kind, {})
    return table.get(code or "", code or "")


def kind_text(kind: CertificateKind | str) -> str:
    """The kind in the UI's language (the paper's title is fixed Chinese)."""
    return {"award": _("Award certificate"), "participation": _("Participation certificate"),
            "level": _("Skill-level certificate"), "expert": _("Appointment")}.get(str(kind), str(kind))


@bp.app_context_processor
def _helpers() -> dict:
    """For the contestant's results page (templates/certificates/_own.html)."""
    return {"own_certificates": own_certificates, "certificate_award_text": award_or_level_text,
            "certificate_kind_text": kind_text}


def _verification_limited(_limit) -> Response:
    return current_app.make_response((render_template(
        "certificates/verify.html", state="limited", result=None, award_text=award_or_level_text), 429))


@bp.route("/verify/<token>")
@allow_public
@limiter.limit(verify_rate_limit, on_breach=_verification_limited)
def verify_page(token: str):
    """The verdict a QR code opens; the row is read on every scan so a revocation shows at once, and
    only the rendering of a genuine or revoked page is reused (one per status version and language)."""
    reads_first()  # a scan only reads: on SQLite, scans run side by side
    result = verify(token)
    status = 200 if result.state in (GENUINE, REVOKED) else 404 if result.state == UNKNOWN else 400
    key = verdict_key(result, select_locale())
    body = cache.get(key) if key else None
    if body is None:
        body = render_template(
            "certificates/verify.html", state=result.state, result=result, award_text=award_or_level_text,
            reason=translated(result.reason) if result.reason else None,
            GENUINE=GENUINE, REVOKED=REVOKED, UNKNOWN=UNKNOWN, REFUSED=REFUSED)
        if key:
            cache.set(key, body)
    response = current_app.make_response((body, status))
    response.headers["Cache-Control"] = "no-store"
    return response


def _status_limited(_limit) -> Response:
    answer = jsonify(error=_("Too many verifications from your address: please wait a minute and scan again."))
    return current_app.make_response((answer, 429))


@bp.route("/verify/<token>.json")
@allow_public
@limiter.limit(verify_rate_limit, on_breach=_status_limited)
def verify_json(token: str) -> Response:
    """The verification page as JSON: the ``credentialStatus`` of a certificate's Open Badges
    credential. Never cached (a revocation shows at the next check), open to other origins (a
    verifier may run in a browser elsewhere)."""
    reads_first()
    answer = verification(token)
    status = {GENUINE: 200, REVOKED: 200, UNKNOWN: 404}.get(answer["state"], 400)
    response = current_app.make_response((jsonify(answer), status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/events/<code>/certificates")
@allow(*ORGANIZERS)
def index(code: str):
    """The event's certificates page (its organizers and admins): every certificate with its state, the
    revoke form, and the last ten bulk jobs with their progress and downloads."""
    event = organized_event(code)
    jobs = db.session.scalars(db.select(CertificateJob).where(CertificateJob.event_id == event.id)
                              .order_by(CertificateJob.id.desc()).limit(10)).all()
    job_form = JobForm()
    job_form.skill.choices = _skill_choices(event)
    if not job_form.skill.data:
        job_form.skill.data = job_form.skill.choices[0][0]
    return render_template("certificates/index.html", event=event, certificates=certificates_of(event),
                           jobs=jobs, job_form=job_form, revoke_form=RevokeForm(), award_text=award_or_level_text,
                           merged_exists=lambda job: bulk.merged_path(job).is_file(),
                           job_state_text=job_state_text, kinds_text=lambda kinds: ", ".join(map(kind_text, kinds)))


FINAL_SKILLS = "*final"


def _skill_choices(event: Event) -> list[tuple[str, str]]:
    """Every final skill first (the default): certificates can only be issued for final results,
    and a skill still marking must not block the others."""
    skills = sorted(event.skills, key=lambda s: s.code)
    final = [s.code for s in skills if is_final(s)]
    if final and len(final) < len(skills):
        first = [(FINAL_SKILLS, _("Every skill with final results (%(skills)s)", skills=", ".join(final)))]
    else:
        first = [("", _("Every skill"))]
    return first + [(s.code, f"{s.code} {s.name}" + ("" if s.code in final else " · " + _("not final yet")))
                    for s in skills]


def job_state_text(state: JobState | str) -> str:
    """A bulk job's state in the UI's language, for the page and the progress endpoint alike."""
    return {"queued": _("queued"), "running": _("running"), "done": _("done"),
            "failed": _("failed")}.get(str(state), str(state))


@bp.route("/events/<code>/certificates/<int:certificate_id>/revoke", methods=["POST"])
@allow(*ORGANIZERS)
def revoke_certificate(code: str, certificate_id: int):
    """Revoke one certificate of the event (its organizers and admins) with a required reason; the
    verification page shows it revoked at the next scan."""
    event = organized_event(code)
    certificate = db.session.get(Certificate, certificate_id)
    require(certificate is not None and certificate.event_id == event.id)
    form = RevokeForm()
    back = url_for("certificates.index", code=event.code)
    refusals_return_to(back)
    if not form.validate_on_submit():
        raise CertificateError(_("A revocation needs a reason."))
    revoke(certificate, form.reason.data)
    flash(_("Certificate %(number)s revoked.", number=certificate.number), "success")
    return redirect(back)


@bp.route("/events/<code>/certificates/jobs", methods=["POST"])
@allow(*ORGANIZERS)
def start_job(code: str):
    """Issue the certificates of one skill, of every final skill or of all (organizers and admins), and
    queue their rendering once the numbers are committed, so the worker never sees an uncommitted job."""
    event = organized_event(code)
    form = JobForm()
    form.skill.choices = _skill_choices(event)
    refusals_return_to(url_for("certificates.index", code=event.code))
    if not form.validate_on_submit():
        raise CertificateError(_("Choose a skill or every skill, and the kinds of certificates."))
    only_final = form.skill.data == FINAL_SKILLS
    skill = event.skill(form.skill.data) if form.skill.data and not only_final else None
    job = bulk.create_job(event, skill, parse_kinds(",".join(form.kinds.data or ["award"])),
                          only_final=only_final)
    flash(_("%(count)s certificates issued; rendering them now. The zip and the PDF appear when the job is done.",
            count=job.total), "success")
    after_commit(lambda: bulk.enqueue(job))
    return redirect(url_for("certificates.index", code=event.code))


def _job(event: Event, job_id: int) -> CertificateJob:
    job = db.session.get(CertificateJob, job_id)
    require(job is not None and job.event_id == event.id)
    return job


@bp.route("/events/<code>/certificates/jobs/<int:job_id>/resume", methods=["POST"])
@allow(*ORGANIZERS)
def resume_job(code: str, job_id: int):
    """Queue an unfinished job again (organizers and admins), e.g. after a failure or a worker restart;
    rendering picks up where it stopped, and a done job is left alone."""
    job = _job(organized_event(code), job_id)
    if job.state != JobState.DONE:
        bulk.enqueue(job)
    return redirect(url_for("certificates.index", code=code))


@bp.route("/events/<code>/certificates/jobs/<int:job_id>.json")
@allow(*ORGANIZERS)
def job_status(code: str, job_id: int):
    """A job's progress as JSON for the page's progress bar (organizers and admins); re-read from the
    database, since the worker commits progress from another process."""
    job = _job(organized_event(code), job_id)
    db.session.refresh(job)
    done = job.state == JobState.DONE
    return jsonify(id=job.id, state=job.state.value, state_text=job_state_text(job.state),
                   done=job.done, total=job.total, error=job.error,
                   zip=url_for("certificates.job_zip", code=code, job_id=job.id) if done else None,
                   pdf=url_for("certificates.job_pdf", code=code, job_id=job.id)
                   if done and bulk.merged_path(job).is_file() else None)


@bp.route("/events/<code>/certificates/jobs/<int:job_id>.zip")
@allow(*ORGANIZERS)
def job_zip(code: str, job_id: int):
    """The finished job's certificates as one zip of PDFs (organizers and admins); 404 until it is done."""
    job = _job(organized_event(code), job_id)
    path = bulk.zip_path(job)
    if job.state != JobState.DONE or not path.is_file():
        abort(404)
    return send_file(path, mimetype="application/zip", as_attachment=True,
                     download_name=f"{code}-certificates-{job.id}.zip")


@bp.route("/events/<code>/certificates/jobs/<int:job_id>.pdf")
@allow(*ORGANIZERS)
def job_pdf(code: str, job_id: int):
    """The job's certificates as one PDF (a page each), for printing in one go."""
    job = _job(organized_event(code), job_id)
    path = bulk.merged_path(job)
    if job.state != JobState.DONE or not path.is_file():
        abort(404)
    response = send_file(path, mimetype="application/pdf", as_attachment=True,
                         download_name=f"{code}-certificates-{job.id}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _downloadable(code: str, certificate_id: int) -> Certificate:
    """A certificate of event ``code`` the user may download: the holder's (a contestant) or any of
    the event's (its organizers, admins); never a revoked one. Checked here, on the server; a link
    on a page proves nothing."""
    event = event_by_code(code)
    require(event is not None)
    certificate = db.session.get(Certificate, certificate_id)
    require(certificate is not None and certificate.event_id == event.id and not certificate.revoked)
    require(may_hand_out(current_user, certificate))
    return certificate


@bp.route("/events/<code>/certificates/<int:certificate_id>.pdf")
@allow(Role.ADMIN, Role.ORGANIZER, Role.CONTESTANT)
def certificate_pdf(code: str, certificate_id: int) -> Response:
    """One certificate's PDF, rendered now."""
    certificate = _downloadable(code, certificate_id)
    data, _url = render_certificate(certificate)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{certificate.file_name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/events/<code>/certificates/<int:certificate_id>.jwt")
@allow(Role.ADMIN, Role.ORGANIZER, Role.CONTESTANT)
def certificate_credential_jwt(code: str, certificate_id: int) -> Response:
    """One certificate's Open Badges 3.0 credential as a VC-JWT, signed now."""
    certificate = _downloadable(code, certificate_id)
    response = Response(certificate_credential(certificate), mimetype=MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{certificate.number}.jwt"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
