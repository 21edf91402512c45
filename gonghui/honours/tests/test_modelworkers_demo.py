"""seed_demo's model-worker data (core.demo.honours.modelworkers) at small scale: rows the services
could have written, and the demo accounts see them on the pages."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from gonghui.accounts.models import User
from gonghui.honours.models.awards import HonourRecord
from gonghui.honours.models.modelworkers import MODEL_WORKER_LEVEL_RANK, ModelWorker, ModelWorkerCare, ModelWorkerTitle
from gonghui.honours.selectors.modelworkers import missing_care, overview_card, today

pytestmark = pytest.mark.django_db


# The small demo, seeded once per worker for every module that sets this (conftest.SharedDemo).
SHARED_DEMO = True


def test_demo_rows_and_pages():
    call_command("seed_demo", "--scale", "small", "--force", stdout=io.StringIO(), stderr=io.StringIO())
    users = {u.username: u for u in User.objects.all()}
    workers = list(ModelWorker.objects.prefetch_related("titles", "care_records"))
    assert 8 <= len(workers) <= 40
    on = today()
    for w in workers:
        titles = list(w.titles.all())
        assert titles
        top = max(titles, key=lambda t: (MODEL_WORKER_LEVEL_RANK[t.level], t.year))
        assert (w.level, w.year) == (top.level, top.year)
        assert all(t.honour_record_id and t.conferred_on <= on for t in titles)
        assert all(c.happened_on <= on for c in w.care_records.all())
        assert not w.story_published or (w.story and w.story_published_on)
    assert HonourRecord.objects.filter(category="MODEL_WORKER").count() == ModelWorkerTitle.objects.count()
    assert ModelWorkerCare.objects.filter(kind="SUBSIDY").exists()
    assert ModelWorker.objects.filter(story_published=True).exists()
    assert ModelWorker.objects.filter(level__in=["PROVINCE", "NATIONAL"]).exists()

    for name in ("district", "town1", "town2", "union1"):
        assert ModelWorker.objects.visible_to(users[name]).exists(), name
    assert missing_care(ModelWorker.objects.all(), on.year).exists()
    assert overview_card(users["town1"]).rows[0].value >= 1
    for name in ("district", "town1", "union1"):
        c = Client()
        c.force_login(users[name])
        r = c.get(reverse("honours:modelworker_list"))
        assert r.status_code == 200
        w = ModelWorker.objects.visible_to(users[name]).select_related("person").first()
        assert w.person.name in r.content.decode()
        assert c.get(reverse("honours:modelworker_detail", args=[w.pk])).status_code == 200
    story = ModelWorker.objects.filter(story_published=True).first()
    assert c.get(reverse("honours:modelworker_story", args=[story.pk])).status_code == 200

    from gonghui.core.demo.honours import modelworkers

    for model in reversed(modelworkers.MODELS):
        model.objects.all().delete()
    assert not ModelWorker.objects.exists()
