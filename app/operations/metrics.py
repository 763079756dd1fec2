"""Prometheus metrics (prometheus_client): requests and latencies per endpoint, marks stored by
tablets, and the depth of the certificate job queue.

Under gunicorn each worker is a process: ``PROMETHEUS_MULTIPROC_DIR`` (set by gunicorn.conf.py or
the systemd unit) makes prometheus_client keep the values in files there, and a scrape of any
worker sums them all. Without it (``flask run``, tests) the values are this process's.
The queue depth is read from the database at each scrape, so it needs no sharing.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric

# Unregistered (registry=None): each scrape builds its own registry (see exposition).
REQUESTS = Counter("jingsai_http_requests", "HTTP requests answered, by endpoint, method and status.",
                   ["endpoint", "method", "status"], registry=None)
LATENCY = Histogram("jingsai_http_request_duration_seconds", "Time to answer a request, by endpoint.",
                    ["endpoint"], registry=None,
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
MARKS = Counter("jingsai_tablet_marks",
                "Marks sent by tablets, by outcome (stored, replayed, conflict, refused).", ["outcome"], registry=None)
PUBLIC_ANSWERS = Counter("jingsai_public_answers",
                         "Public results answers, by how: not_modified (304), cached (a cache hit), "
                         "rendered (a miss).", ["answer"], registry=None)


def observe_request(endpoint: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(endpoint, method, str(status)).inc()
    LATENCY.labels(endpoint).observe(seconds)


def count_public_answer(answer: str) -> None:
    PUBLIC_ANSWERS.labels(answer).inc()


def count_marks(answers: Iterable[dict]) -> None:
    for answer in answers:
        MARKS.labels(answer["outcome"]).inc()


class CertificateQueueCollector:
    """Bulk certificate jobs waiting or running: the app's work queue. Left out of a scrape while
    the database does not answer (the request metrics still come; /readyz says what is down)."""

    def collect(self) -> Iterator[Metric]:
        from sqlalchemy import func, select
        from sqlalchemy.exc import SQLAlchemyError

        from app.certificates.models import CertificateJob, JobState
        from app.extensions import db

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


def exposition(multiprocess_dir: str | None) -> bytes:
    """The Prometheus text format of every metric: all workers' when they share a directory."""
    registry = CollectorRegistry()
    if multiprocess_dir:
        multiprocess.MultiProcessCollector(registry, path=multiprocess_dir)
    else:
        for metric in (REQUESTS, LATENCY, MARKS, PUBLIC_ANSWERS):
            registry.register(metric)
    registry.register(CertificateQueueCollector())
    return generate_latest(registry)
