"""The chief expert's views of how a skill is marked. The judge-pattern page: per judge, the mean
judgement score and how often the judge differs from the team by more than the rule
(:mod:`scoring.judge_patterns` says exactly what that means), as a table and two small charts, for
the whole skill or one criterion (``?criterion=A``).

Who (checked here, on top of the role table): the skill's chief expert, who watches the judges,
and the event's organizers (and admins). The other panel members — judges, reserves, supervisors —
and everyone else get 404, which does not confirm the skill exists: judges are not to read how
their colleagues mark. The page shows no contestant at all, so blind marking needs nothing more.

The marks matrix of one criterion (:mod:`app.marking.matrix`), for the same readers: the chief holds
the sealed list and the organizers check contestants in, so both see bibs under blind marking.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from app.auth.models import Role
from app.auth.permissions import allow
from app.auth.scope import require
from app.events.panels import skill_for_chief_or_organizer
from app.extensions import db
from app.marking.marksheet import Marksheet
from app.marking.matrix import criterion_matrix
from app.marking.models import SchemeCriterion
from app.marking.pattern_chart import differs_chart, mean_chart
from app.marking.patterns import judgement_criteria, skill_patterns

bp = Blueprint("judge_patterns", __name__)


@bp.route("/events/<code>/skills/<skill_code>/marking/judges")
@allow(Role.ADMIN, Role.ORGANIZER, Role.EXPERT)
def page(code: str, skill_code: str):
    """The judge-pattern page of a skill, whole or one criterion (the chief expert, organizers and admins
    only: judges are not to read how their colleagues mark)."""
    skill, organizer = skill_for_chief_or_organizer(current_user, code, skill_code)
    event = skill.event
    criterion = request.args.get("criterion") or None
    require(criterion is None or criterion in {c for c, _ in judgement_criteria(skill)})
    found = skill_patterns(skill, criterion)
    return render_template("marking/judges.html", event=event, skill=skill, organizer=organizer, found=found,
                           means=mean_chart(found.rows, found.panel.mean), differs=differs_chart(found.rows))


@bp.route("/events/<code>/skills/<skill_code>/marking/<criterion>/marks")
@allow(Role.ADMIN, Role.ORGANIZER, Role.EXPERT)
def matrix(code: str, skill_code: str, criterion: str):
    """The marks matrix of one criterion for the same readers as the judge patterns: per competitor each
    judgement judge by judge, flagged where it breaks the spread rule, with bibs even under blind marking."""
    skill, organizer = skill_for_chief_or_organizer(current_user, code, skill_code)
    found = db.session.scalar(db.select(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id,
                                                               SchemeCriterion.code == criterion))
    require(found is not None)
    criteria = db.session.scalars(db.select(SchemeCriterion).where(SchemeCriterion.skill_id == skill.id)
                                  .order_by(SchemeCriterion.position)).all()
    return render_template("marking/matrix.html", event=skill.event, skill=skill, criteria=criteria,
                           matrix=criterion_matrix(Marksheet(skill), found))
