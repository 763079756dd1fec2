"""The integration API's exchange endpoints (registrations, standings, certificates, reporting),
registered together and sharing the per-token rate limit of the rest of ``/api/v1``."""
from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the exchange blueprints; each token's budget covers them with the other API views."""
    from app.api.bearer import limit_per_token
    from app.api.certificates import bp as certificates_bp
    from app.api.registrations import bp as registrations_bp
    from app.api.reporting import bp as reporting_bp
    from app.api.standings import bp as standings_bp

    blueprints = (registrations_bp, standings_bp, certificates_bp, reporting_bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    limit_per_token(*blueprints)
