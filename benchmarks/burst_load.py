"""The load of benchmarks/release_burst.py, run by Locust (headless, as a library) in a process of its
own (Locust patches the standard library with gevent when imported, so the app is never imported here).

    python benchmarks/burst_load.py PLAN.json OUT.json

The plan names the URLs, the contestants (skill, bib, ID tail, name) in arrival order, the judges
(username, password, the marks each will send) and the timings. Three phases, each with its own
Locust environment and statistics:

1. ``bare``: as many visitors as contestants, arriving at the same rate, each reading the bare Flask
   app's page, its JSON route and the page again (the reference: what the framework alone answers);
2. ``alone``: the judges send batches at their pace, nobody else;
3. ``burst``: the judges go on while every contestant arrives once within the window: their skill's
   public page, the own-result form, the form sent with their bib and ID tail.

A contestant still running when the drain time is over is stopped and counted as unfinished; a
judge's batch in flight is let finish.
"""
from __future__ import annotations

import itertools
import json
import re
import sys
import time

import gevent
from locust import FastHttpUser, between, constant, task
from locust.env import Environment

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PERCENTILES = (0.5, 0.95, 0.99)
TIMEOUT = 60
AFTER = 24 * 3600  # a user who has looked waits until the phase stops it (Locust cannot end one cleanly)


def figures(env: Environment) -> dict[str, dict]:
    """Per path: requests, failures, p50/p95/p99 in ms (Locust's rounded buckets), mean, and the
    failures' reasons (timeouts, refused connections, status codes) with their counts."""
    found = {}
    for (name, method), entry in sorted(env.stats.entries.items()):
        if entry.num_requests:
            found[name] = {"method": method, "requests": entry.num_requests, "failures": entry.num_failures,
                           **{f"p{round(p * 100)}_ms": entry.get_response_time_percentile(p) for p in PERCENTILES},
                           "mean_ms": round(entry.avg_response_time, 1), "reasons": {}}
    for error in env.stats.errors.values():
        if error.name in found:
            found[error.name]["reasons"][str(error.error)[:200]] = error.occurrences
    return found


def csrf_token(response) -> str | None:
    found = CSRF.search(response.text or "")
    return found.group(1) if found else None


class Tally:
    """What the users report back besides Locust's statistics."""

    def __init__(self):
        self.finished = 0
        self.ready = 0
        self.stored: list[str] = []
        self.refused: list[dict] = []


def contestant_class(plan: dict, tally: Tally) -> type[FastHttpUser]:
    arrivals = iter(plan["contestants"])

    class Contestant(FastHttpUser):
        wait_time = constant(AFTER)
        network_timeout = connection_timeout = TIMEOUT

        @task
        def look(self) -> None:
            try:
                skill, bib, tail, name = next(arrivals)
            except StopIteration:
                return
            event = plan["event"]
            self.client.get(f"/results/{event}/{skill}", name="public skill page")
            with self.client.get(f"/results/{event}/me", name="own result form", catch_response=True) as form:
                if form.status_code != 200:  # a timeout or an error status is reported as such by Locust
                    return
                if 'name="id_tail"' not in (form.text or ""):
                    form.failure("no look-up form on the page")
                    return
            with self.client.post(f"/results/{event}/me", data={"bib": bib, "id_tail": tail},
                                  name="own result", catch_response=True) as answer:
                if answer.status_code == 200 and name not in (answer.text or ""):
                    answer.failure("the page does not show the contestant's line")
            tally.finished += 1

    return Contestant


def visitor_class(plan: dict, tally: Tally) -> type[FastHttpUser]:
    arrivals = itertools.islice(itertools.count(), len(plan["contestants"]))

    class Visitor(FastHttpUser):
        wait_time = constant(AFTER)
        network_timeout = connection_timeout = TIMEOUT

        @task
        def look(self) -> None:
            if next(arrivals, None) is None:
                return
            self.client.get("/page", name="bare page")
            self.client.get("/json", name="bare JSON")
            self.client.get("/page", name="bare page")
            tally.finished += 1

    return Visitor


def judge_class(plan: dict, tally: Tally) -> type[FastHttpUser]:
    judges = iter(plan["judges"])
    pace = plan["pace"]
    size = plan["batch"]

    class Judge(FastHttpUser):
        wait_time = between(pace * 0.6, pace * 1.4)
        network_timeout = connection_timeout = TIMEOUT

        def on_start(self) -> None:
            self.username, password, self.marks = next(judges)
            self.token = None
            login = self.client.get("/login", name="judge login")
            token = csrf_token(login)
            answer = self.client.post("/login", data={"username": self.username, "password": password,
                                                       "csrf_token": token or ""}, name="judge login")
            # The redirect after login is followed; a login starts a new session, so the token for
            # the API is the one on the page it lands on (the login page's belonged to the old one).
            self.token = csrf_token(answer) if answer.status_code == 200 else None
            if self.token is None:
                return  # no token: this judge sends nothing
            tally.ready += 1

        @task
        def send(self) -> None:
            if not self.marks or self.token is None:
                return
            batch, self.marks = self.marks[:size], self.marks[size:]
            with self.client.post("/api/v1/marks/batch", json={"device": f"bench-{self.username}", "marks": batch},
                                  headers={"X-CSRFToken": self.token}, name="judge batch",
                                  catch_response=True) as answer:
                if answer.status_code != 200:
                    self.marks = batch + self.marks  # the tablet keeps its outbox and sends it again
                    return
                results = answer.json()["results"]
                tally.stored += [r["uuid"] for r in results if r["outcome"] == "stored"]
                refused = [r for r in results if r["outcome"] != "stored"]
                if refused:
                    tally.refused += refused
                    answer.failure("a mark was not stored")

    return Judge


def environment(user: type[FastHttpUser], host: str) -> Environment:
    """Stopping lets a running request finish (a judge's batch answered after the stop would count
    as sent but unacknowledged)."""
    env = Environment(user_classes=[user], host=host, stop_timeout=TIMEOUT)
    env.create_local_runner()
    return env


def arrive(env: Environment, tally: Tally, count: int, seconds: float, drain: float) -> dict:
    """``count`` users spawned evenly over ``seconds``; waits for them to finish, at most ``drain`` more."""
    started = time.monotonic()
    env.runner.start(count, spawn_rate=count / seconds)
    deadline = started + seconds + drain
    while tally.finished < count and time.monotonic() < deadline:
        gevent.sleep(0.5)
    return {"users": count, "finished": tally.finished, "unfinished": count - tally.finished,
            "elapsed_s": round(time.monotonic() - started, 1)}


def main(plan_path: str, out_path: str) -> None:
    plan = json.loads(open(plan_path).read())
    seconds, drain, count = plan["seconds"], plan["drain"], len(plan["contestants"])
    found: dict = {}

    tally = Tally()
    bare = environment(visitor_class(plan, tally), plan["bare_url"])
    found["bare"] = {"arrival": arrive(bare, tally, count, seconds, drain)}
    bare.runner.quit()
    found["bare"]["paths"] = figures(bare)

    judged = Tally()
    judges = environment(judge_class(plan, judged), plan["judge_url"])
    judges.runner.start(len(plan["judges"]), spawn_rate=max(1, len(plan["judges"]) / 2))
    deadline = time.monotonic() + TIMEOUT
    while judged.ready < len(plan["judges"]) and time.monotonic() < deadline:
        gevent.sleep(0.2)  # every judge logged in before their pace is measured
    judges.stats.reset_all()
    gevent.sleep(plan["alone"])
    found["alone"] = {"paths": figures(judges)}
    judges.stats.reset_all()

    tally = Tally()
    public = environment(contestant_class(plan, tally), plan["public_url"])
    found["burst"] = {"arrival": arrive(public, tally, count, seconds, drain)}
    judges.runner.stop()
    public.runner.stop()
    found["burst"]["paths"] = {**figures(public), **figures(judges)}
    found["stored"] = judged.stored
    found["not_stored"] = judged.refused[:20]
    found["not_stored_count"] = len(judged.refused)
    with open(out_path, "w") as out:
        json.dump(found, out)


if __name__ == "__main__":
    main(*sys.argv[1:3])
