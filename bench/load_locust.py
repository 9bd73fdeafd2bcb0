"""Locust users for bench/load.py (run by it; not on its own).

Jurors sign in, open each of their entries once (for the CSRF token and the
sheet's version) and then save their sheets as the autosave script does:
POST the sheet form with `Accept: application/json` and `save=1`, carrying
the version the last save returned. Every acknowledged value is remembered
and written to LAUREL_LOAD_ACKS at the end, so load.py can check that the
database holds it.

Visitors read the public pages in VISITOR_PAGES; to load another page on
results day, add a line there (name, weight, path from the plan).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, events, task

from app.demo.data import PAST_SLUG

PLAN = json.loads(open(os.environ["LAUREL_LOAD_PLAN"]).read())  # noqa: SIM115
ACKS: dict[str, dict] = {}
CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"|name="version" value="(\d+)"')
_jurors = itertools.count()
_visitors = itertools.count()

# (name shown in the statistics, weight, the path for this visit)
VISITOR_PAGES = [
    ("/ (home)", 4, lambda rng: "/"),
    ("/news/", 3, lambda rng: "/news/"),
    ("/news/?page=N", 1, lambda rng: f"/news/?page={rng.randint(2, PLAN['news_pages'])}"),
    ("/news/<post>", 6, lambda rng: f"/news/{rng.choice(PLAN['posts'])}"),
    ("/news/feed.atom", 1, lambda rng: "/news/feed.atom"),
    # Results day: the archive and the demo's published past edition.
    ("/results/", 2, lambda rng: "/results/"),
    ("/results/<edition>", 4, lambda rng: f"/results/{PAST_SLUG}"),
]


def _token(html: str) -> str:
    match = CSRF.search(html)
    return (match.group(1) or match.group(2)) if match else ""


class Juror(HttpUser):
    fixed_count = len(PLAN["jurors"])
    # The autosave script saves four seconds after the juror stops typing; a
    # juror writing comments pauses like that every few seconds.
    wait_time = between(4, 12)

    def on_start(self):
        self.me = PLAN["jurors"][next(_jurors) % len(PLAN["jurors"])]
        self.rng = random.Random(self.me["email"])
        login = self.client.get("/account/login", name="/account/login")
        self.client.post(
            "/account/login",
            data={
                "csrf_token": _token(login.text),
                "email": self.me["email"],
                "password": PLAN["password"],
            },
            name="/account/login",
        )
        self.sheets = {}
        for assignment in self.me["assignments"]:
            page = self.client.get(f"/assignments/{assignment}", name="/assignments/<id>")
            version = VERSION.search(page.text)
            self.sheets[assignment] = {
                "csrf": _token(page.text),
                "version": (version.group(1) or version.group(2)) if version else "0",
            }
        self.turn = itertools.cycle(self.me["assignments"])

    @task
    def autosave(self):
        assignment = next(self.turn)
        sheet = self.sheets[assignment]
        values = {str(c["id"]): self.rng.randint(0, int(c["max"])) for c in PLAN["criteria"]}
        data = {"csrf_token": sheet["csrf"], "version": sheet["version"], "save": "1"}
        for criterion, value in values.items():
            data[f"value-{criterion}"] = str(value)
            data[f"strengths-{criterion}"] = "Aktualna karta usług."
            data[f"improvements-{criterion}"] = ""
        record = ACKS.setdefault(str(assignment), {"acked": {}, "pending": {}})
        record["pending"] = values
        with self.client.post(
            f"/assignments/{assignment}",
            data=data,
            headers={"Accept": "application/json"},
            name="/assignments/<id> (autosave)",
            catch_response=True,
        ) as response:
            body = (
                response.json()
                if response.headers.get("Content-Type", "").startswith("application/json")
                else {}
            )
            if response.status_code == 200 and body.get("saved"):
                sheet["version"] = str(body["version"])
                record["acked"] = values
                record["pending"] = {}
                response.success()
            else:
                response.failure(f"not saved: {response.status_code} {body.get('message', '')}")


class Visitor(HttpUser):
    fixed_count = PLAN["visitors"]
    # A reader spends a while on each page (a post, a list) before the next.
    wait_time = between(5, 15)

    def on_start(self):
        n = next(_visitors)
        self.rng = random.Random(n)
        # A browser of its own: each visitor counts as one reader.
        self.client.headers["User-Agent"] = (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            f"Chrome/156.0 Safari/537.36 load-visitor-{n}"
        )
        self.pages = [p for p in VISITOR_PAGES for _ in range(p[1])]

    @task
    def read(self):
        name, _weight, path = self.rng.choice(self.pages)
        self.client.get(path(self.rng), name=name)


@events.quitting.add_listener
def _write_acks(environment, **_kwargs):
    with open(os.environ["LAUREL_LOAD_ACKS"], "w") as fh:
        json.dump(ACKS, fh)
