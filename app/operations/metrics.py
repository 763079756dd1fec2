"""Prometheus metrics (prometheus_client): requests and latencies per endpoint, marks stored by
tablets, public answers; the depth of the certificate job queue is a collector of that feature
(:mod:`app.certificates.metrics`) the scrape adds.

Under gunicorn each worker is a process: ``PROMETHEUS_MULTIPROC_DIR`` (set by gunicorn.conf.py or
the systemd unit) makes prometheus_client keep the values in files there, and a scrape of any
worker sums them all. Without it (``flask run``, tests) the values are this process's.
The queue depth is read from the database at each scrape, so it needs no sharing.
"""
from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.registry import Collector

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
    """Count one answered request and its duration, labelled by endpoint so a slow page stands out."""
    REQUESTS.labels(endpoint, method, str(status)).inc()
    LATENCY.labels(endpoint).observe(seconds)


def count_public_answer(answer: str) -> None:
    """Count how a public results request was answered (304, cache hit or rendered), to see the cache work."""
    PUBLIC_ANSWERS.labels(answer).inc()


def count_marks(answers: Iterable[dict]) -> None:
    """Count the tablet marks of a batch by outcome (stored, replayed, conflict, refused)."""
    for answer in answers:
        MARKS.labels(answer["outcome"]).inc()


def exposition(multiprocess_dir: str | None, collectors: Iterable[Collector] = ()) -> bytes:
    """The Prometheus text format of every metric: all workers' when they share a directory, and the
    ``collectors`` that read their values at each scrape (features own those: this module is below them)."""
    registry = CollectorRegistry()
    if multiprocess_dir:
        multiprocess.MultiProcessCollector(registry, path=multiprocess_dir)
    else:
        for metric in (REQUESTS, LATENCY, MARKS, PUBLIC_ANSWERS):
            registry.register(metric)
    for collector in collectors:
        registry.register(collector)
    return generate_latest(registry)
