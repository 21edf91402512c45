"""The load benchmark's simulated users (run by bench/load.py: `locust --headless`; not by hand).

Cadres (`district`, `town1`, `union1` in turn) sign in once through the cadres' sign-in page and
browse: list pages, filtered lists, searches of the member list, and detail pages they reach by
following links of the lists they read. Members (`member1`) sign in once through the portal's
phone + password sign-in (/m/login/) and read their portal pages and their appeals; now and then
one submits an appeal through the portal form.

The plan (which URLs each account may open, measured beforehand with the same accounts so
that every request should answer 200) comes from the JSON file in LOAD_PLAN. With
LOAD_MODE=bare every user signs in the same way and then only asks for /bench/bare, the
reference measured with the same users and the same configuration.

Requests are named by type (the `name=` of each), which is how bench/load.py reports them.
"""

import itertools
import json
import os
import random
import re
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text(encoding="utf-8"))
BARE = os.environ.get("LOAD_MODE") == "bare"
WAIT = (float(os.environ.get("LOAD_WAIT_MIN", "0.5")), float(os.environ.get("LOAD_WAIT_MAX", "2.0")))
APPEAL_TITLE = PLAN["appeal_title"]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DETAIL_LINK = re.compile(r'href="(/[a-z\-/]+/\d+/)"')
CADRES = itertools.cycle(PLAN["cadres"])  # district, town1, union1 in turn


def _csrf(response):
    found = CSRF_FIELD.search(response.text)
    if not found:
        response.failure("no CSRF token in the form")
        return ""
    return found.group(1)


def _sign_in(user, url, fields):
    """GET the form, POST it with its CSRF token; a failed sign-in is a failed request."""
    with user.client.get(url, name="sign-in (form)", catch_response=True) as form:
        token = _csrf(form)
    data = {**fields, "csrfmiddlewaretoken": token}
    with user.client.post(url, data=data, name="sign-in (POST)", headers={"Referer": user.host + url},
                          catch_response=True) as answer:
        if url in answer.url:  # still on the sign-in page: the password was refused
            answer.failure(f"sign-in refused at {url}")


class _Browsing(HttpUser):
    abstract = True
    wait_time = between(*WAIT)

    def _get(self, url, name):
        """GET url; remember the detail links it shows (the next detail pages to read)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{url} answered {response.status_code}")
                return
            if self.follows_links:
                links = [link for link in DETAIL_LINK.findall(response.text) if not link.endswith("/0/")]
                if links:
                    self.details = (links[:20] + self.details)[:60]

    def _bare(self):
        self.client.get("/bench/bare", name="bare endpoint")


class Cadre(_Browsing):
    """A cadre at a desk: lists, filters, searches, detail pages."""

    weight = 3
    follows_links = True

    def on_start(self):
        self.account = next(CADRES)
        self.pages = PLAN["pages"][self.account]
        self.details = []
        _sign_in(self, "/accounts/login/", {"username": self.account, "password": PLAN["password"]})

    @task(5)
    def list_page(self):
        if BARE:
            return self._bare()
        self._get(random.choice(self.pages), "cadre: list page")

    @task(2)
    def filtered_list(self):
        if BARE:
            return self._bare()
        self._get(random.choice(PLAN["filters"][self.account]), "cadre: filtered list")

    @task(2)
    def member_search(self):
        if BARE:
            return self._bare()
        self._get(f"{PLAN['member_list']}?q={random.choice(PLAN['search_terms'])}", "cadre: member search")

    @task(3)
    def detail_page(self):
        if BARE:
            return self._bare()
        if not self.details:
            return self.list_page()
        self._get(random.choice(self.details), "cadre: detail page")


class Member(_Browsing):
    """A member on the phone: portal pages, their appeals, now and then a new appeal."""

    weight = 1
    follows_links = True

    def on_start(self):
        self.details = []
        _sign_in(self, "/m/login/", {"phone": PLAN["member_phone"], "password": PLAN["password"]})

    @task(6)
    def portal_page(self):
        if BARE:
            return self._bare()
        self._get(random.choice(PLAN["member_pages"]), "member: portal page")

    @task(2)
    def own_appeal(self):
        if BARE:
            return self._bare()
        if not self.details:
            return self._get(PLAN["my_appeals"], "member: portal page")
        self._get(random.choice(self.details), "member: appeal detail")

    @task(1)
    def submit_appeal(self):
        if BARE:
            return self._bare()
        with self.client.get(PLAN["appeal_form"], name="member: appeal form", catch_response=True) as form:
            token = _csrf(form)
        data = {"csrfmiddlewaretoken": token, "category": "OTHER", "title": APPEAL_TITLE,
                "content": "负载测试提交的诉求，测试结束后删除。", "enterprise_name": PLAN["member_enterprise"]}
        with self.client.post(PLAN["appeal_form"], data=data, name="member: appeal submit (POST)",
                              headers={"Referer": self.host + PLAN["appeal_form"]}, catch_response=True) as answer:
            if answer.status_code != 200 or PLAN["appeal_form"] in answer.url:
                answer.failure(f"the appeal was not accepted ({answer.status_code})")
