"""Theme activity services: validation naming the field, the workflow (draft → submitted →
confirmed / returned → resubmitted), photos checked by content and size before anything is
written, audit rows, and the yearly counts by town and theme (confirmed only)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from gonghui.core.models import AuditEvent
from gonghui.publicity.models.activities import ActivityPhoto, ActivityStatus, ThemeActivity
from gonghui.publicity.selectors import activities as selectors
from gonghui.publicity.services import activities as services
from gonghui.publicity.testing.activities import JPEG, confirmed, draft, png, submitted, values

pytestmark = pytest.mark.django_db


def test_log_copies_the_town_and_audits(tree):
    a = draft(tree)
    assert a.status == ActivityStatus.DRAFT and a.town == tree.town1 and a.org == tree.union1
    assert draft(tree, org=tree.town2).town == tree.town2
    assert draft(tree, org=tree.district).town is None
    assert AuditEvent.objects.filter(action="publicity.activity_create", object_id=str(a.pk)).count() == 1


@pytest.mark.parametrize("field,value,code", [
    ("theme", "NOPE", "invalid_theme"),
    ("title", "  ", "required"),
    ("title", "长" * 121, "too_long"),
    ("place", "", "required"),
    ("content", "", "required"),
    ("participants", 0, "invalid_participants"),
    ("participants", "abc", "invalid_participants"),
    ("participants", 100_001, "too_many_participants"),
    ("held_on", None, "required"),
    ("held_on", "2026-13-01", "invalid_date"),
])
def test_bad_values_name_the_field_and_save_nothing(tree, field, value, code):
    with pytest.raises(ValidationError) as exc:
        draft(tree, **{field: value})
    assert exc.value.code == code and exc.value.field == field
    assert ThemeActivity.objects.count() == 0


def test_dates_future_and_too_old_refused(tree):
    today = services.today()
    with pytest.raises(ValidationError) as exc:
        draft(tree, held_on=today + datetime.timedelta(days=1))
    assert exc.value.code == "date_in_future"
    with pytest.raises(ValidationError) as exc:
        draft(tree, held_on=today - datetime.timedelta(days=401))
    assert exc.value.code == "date_out_of_range"


def test_themes_are_configurable(tree, settings):
    settings.PUBLICITY_ACTIVITIES_RULES = {"themes": [("LABOUR_DAY", "五一劳动节")]}
    a = draft(tree, theme="LABOUR_DAY")
    assert a.theme_label == "五一劳动节"
    with pytest.raises(ValidationError):
        draft(tree, theme="SEND_HEALTH")


def test_workflow_return_and_resubmit(tree):
    a = submitted(tree)
    with pytest.raises(ValidationError) as exc:  # editing a submitted activity
        services.update_activity(actor=tree.union1_chair, activity=a, **values(title="改"))
    assert exc.value.code == "wrong_stage"
    with pytest.raises(ValidationError) as exc:  # return needs a reason
        services.review_activity(actor=tree.town1_cadre, activity=a, decision="RETURNED", reason=" ")
    assert exc.value.field == "reason"
    a = services.review_activity(actor=tree.town1_cadre, activity=a, decision="RETURNED", reason="请补充照片")
    assert a.status == ActivityStatus.RETURNED and a.return_reason == "请补充照片"
    a = services.update_activity(actor=tree.union1_chair, activity=a, **values(participants=95))
    a = services.submit_activity(actor=tree.union1_staff, activity=a)
    a = services.review_activity(actor=tree.town1_cadre, activity=a, decision="CONFIRMED")
    assert a.status == ActivityStatus.CONFIRMED and a.return_reason == "" and a.participants == 95
    with pytest.raises(ValidationError) as exc:
        services.review_activity(actor=tree.town1_cadre, activity=a, decision="CONFIRMED")
    assert exc.value.code == "wrong_stage"
    actions = list(AuditEvent.objects.filter(object_id=str(a.pk), object_type="publicity.ThemeActivity")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["publicity.activity_create", "publicity.activity_submit", "publicity.activity_return",
                       "publicity.activity_update", "publicity.activity_submit", "publicity.activity_confirm"]


def test_town_cadre_submits_the_towns_own_activity(tree):
    a = draft(tree, org=tree.town1, actor=tree.town1_cadre)
    assert services.submit_activity(actor=tree.town1_cadre, activity=a).status == ActivityStatus.SUBMITTED


def test_photos_checked_by_content_and_size(tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PUBLICITY_ACTIVITIES_RULES = {"photo_max_bytes": 1000, "photos_per_activity": 2}
    a = draft(tree)
    p = services.add_photo(actor=tree.union1_chair, activity=a, upload=png(), caption="义诊现场")
    assert p.kind == "png" and p.image.name.endswith(".png")
    services.add_photo(actor=tree.union1_chair, activity=a, upload=png("x.jpg", JPEG))
    for upload, code in [(png("evil.png", b"MZ" + b"\x00" * 40), "wrong_type"),
                         (png("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 2000), "too_large"),
                         (png("empty.png", b""), "empty"),
                         (png(), "too_many")]:
        with pytest.raises(ValidationError) as exc:
            services.add_photo(actor=tree.union1_chair, activity=a, upload=upload)
        assert exc.value.code == code and exc.value.field == "image"
    assert ActivityPhoto.objects.filter(activity=a).count() == 2
    services.delete_photo(actor=tree.union1_chair, photo=p)
    assert ActivityPhoto.objects.filter(activity=a).count() == 1
    a = services.submit_activity(actor=tree.union1_chair, activity=a)
    with pytest.raises(ValidationError) as exc:  # frozen once submitted
        services.add_photo(actor=tree.union1_chair, activity=a, upload=png())
    assert exc.value.code == "wrong_stage"


def test_counts_by_town_and_theme(tree):
    year = services.today().year
    day = services.today() - datetime.timedelta(days=1)
    if day.year != year:  # 1 January: count last year's day instead
        year = day.year
    confirmed(tree, held_on=day, theme="SEND_HEALTH", participants=80)
    confirmed(tree, held_on=day, theme="SEND_HEALTH", participants=20, org=tree.union1b)
    confirmed(tree, held_on=day, theme="CHINA_DREAM", participants=50, org=tree.town1)
    confirmed(tree, held_on=day, theme="SEND_WARMTH", participants=7, org=tree.union2)
    confirmed(tree, held_on=day, theme="CHINA_DREAM", participants=300, org=tree.district)
    submitted(tree, held_on=day, participants=999)  # not counted, pending
    draft(tree, held_on=day, participants=999)  # not counted
    a = submitted(tree, held_on=day, participants=999, org=tree.union2)
    services.review_activity(actor=tree.district_staff, activity=a, decision="RETURNED", reason="x")

    s = selectors.yearly_stats(tree.district_staff, year)
    rows = {r.town_id: r for r in s.rows}
    t1, t2, d = rows[tree.town1.pk], rows[tree.town2.pk], rows[None]
    assert (t1.activities, t1.participants, t1.organisers, t1.pending) == (3, 150, 3, 1)
    assert (t1.by_theme["SEND_HEALTH"].activities, t1.by_theme["SEND_HEALTH"].participants) == (2, 100)
    assert (t1.by_theme["CHINA_DREAM"].activities, t1.by_theme["CHINA_DREAM"].participants) == (1, 50)
    assert (t2.activities, t2.participants, t2.pending) == (1, 7, 0)
    assert (d.activities, d.participants) == (1, 300)
    assert (s.total.activities, s.total.participants, s.total.organisers, s.total.pending) == (5, 457, 5, 1)
    assert s.rows[0].town_id is None  # the district level first
    assert dict((c, cell.activities) for c, _l, cell in s.by_theme)["CHINA_DREAM"] == 2
    # scope: town1 sees its own town only
    s1 = selectors.yearly_stats(tree.town1_cadre, year)
    assert [r.town_id for r in s1.rows] == [tree.town1.pk] and s1.total.participants == 150
    assert selectors.yearly_stats(tree.district_staff, year - 5).rows == []
    chart = selectors.stats_chart(s)
    assert chart["yAxis"]["data"][1:] == [tree.town1.name, tree.town2.name]
    assert sum(sum(x["data"]) for x in chart["series"]) == 5
