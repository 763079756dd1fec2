"""The depth of the certificate job queue as a Prometheus gauge, read from the database at each scrape
(so it needs no sharing between workers); ``/metrics`` adds it to the app's metrics."""
from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from app.certificates.models import CertificateJob, JobState
from app.extensions import db


class CertificateQueueCollector:
    """Bulk certificate jobs waiting or running: the app's work queue. Left out of a scrape while
    the database does not answer (the request metrics still come; /readyz says what is down)."""

    def collect(self) -> Iterator[Metric]:
        waiting = (JobState.QUEUED, JobState.RUNNING)
        try:
            counts = dict(db.session.execute(
                select(CertificateJob.state, func.count()).where(CertificateJob.state.in_(waiting))
                .group_by(CertificateJob.state)).all())
        except SQLAlchemyError:
            db.session.rollback()
            return
        gauge = GaugeMetricFamily("jingsai_certificate_jobs", "Bulk certificate jobs queued or running.",
                                  labels=["state"])
        for state in waiting:
            gauge.add_metric([state.value], counts.get(state, 0))
        yield gauge
