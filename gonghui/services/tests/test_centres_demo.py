"""seed_demo's centres and facilities at small scale: centres in several towns including town1 and
town2, orders and facility requests in every status (union1's among them), projects with
deliveries and ratings, numbers per year with the counters after them, rows the services would
accept; the demo accounts see them on the pages."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.services.models.centres import (
    OrderStatus,
    ProjectStatus,
    ServiceCentre,
    ServiceOrder,
    ServiceOrderCounter,
    ServiceProject,
)
from gonghui.services.models.facilities import FacilityCounter, FacilityRequest, FacilityStatus

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


def test_demo_centres_and_facilities():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    users = {u.username: u for u in User.objects.all()}
    today = timezone.localdate()
    assert ServiceCentre.objects.values("org").distinct().count() >= 5
    assert set(ServiceOrder.objects.values_list("status", flat=True)) == set(OrderStatus.values)
    assert set(ServiceProject.objects.values_list("status", flat=True)) >= {ProjectStatus.DONE, ProjectStatus.RUNNING,
                                                                          ProjectStatus.PLANNED}
    assert set(FacilityRequest.objects.values_list("status", flat=True)) == set(FacilityStatus.values)
    for o in ServiceOrder.objects.all():
        assert o.number.startswith(f"FW{o.submitted_on.year}-") and o.accept_due_on > o.submitted_on
        assert o.centre.org.path == o.org.path[:len(o.centre.org.path)]
        if o.delivered_on:
            assert o.submitted_on <= o.delivered_on <= today
        assert (o.rating is not None) == (o.status == OrderStatus.RATED)
    for p in ServiceProject.objects.prefetch_related("deliveries"):
        assert all(p.starts_on <= d.delivered_on <= min(p.ends_on, today) for d in p.deliveries.all())
    assert {c.year: c.last for c in ServiceOrderCounter.objects.all()} == {
        y: ServiceOrder.objects.filter(submitted_on__year=y).count()
        for y in set(ServiceOrder.objects.values_list("submitted_on__year", flat=True))}
    assert sum(c.last for c in FacilityCounter.objects.all()) == FacilityRequest.objects.count()
    union1 = users["union1"]
    assert ServiceOrder.objects.visible_to(union1, "services.view").values("status").distinct().count() >= 4
    assert FacilityRequest.objects.visible_to(union1, "services.view").exists()
    assert ServiceOrder.objects.visible_to(users["town1"], "services.view").filter(
        status=OrderStatus.SUBMITTED, accept_due_on__lt=today).exists()
    assert ServiceOrder.objects.visible_to(users["town2"], "services.view").exists()
    for name in ("district", "town1", "town2", "union1"):
        c = Client()
        c.force_login(users[name])
        for page in ("order_list", "project_list", "centre_list", "facility_list", "overview"):
            r = c.get(reverse(f"services:{page}"))
            assert r.status_code == 200, (name, page)
    c = Client()
    c.force_login(users["town1"])
    o = ServiceOrder.objects.visible_to(users["town1"], "services.view").first()
    assert c.get(reverse("services:order_detail", args=[o.pk])).status_code == 200
    f = FacilityRequest.objects.visible_to(users["town1"], "services.view").first()
    assert c.get(reverse("services:facility_detail", args=[f.pk])).status_code == 200
