"""Deadlines on the Chinese working-day calendar: the library's 2026 arrangements, overrides that
win, years nobody has entered yet (provisional), the admin and the loader that keep it current.

2026 as published by the State Council (and carried by chinese-calendar, checked here):
Spring Festival off 15–23 Feb, make-up working days Sat 14 Feb and Sat 28 Feb;
National Day off 1–7 Oct, make-up working days Sun 20 Sep and Sat 10 Oct
(Mid-Autumn is separate that year: off 25–27 Sep)."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core import services, workdays
from gonghui.core.models import AuditEvent, WorkdayOverride
from gonghui.core.testing.factories import UserFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.mark.django_db
def test_the_library_carries_the_2026_arrangements_we_rely_on():
    for day in (D(2026, 2, 15), D(2026, 2, 18), D(2026, 2, 23), D(2026, 10, 1), D(2026, 10, 7)):
        assert not workdays.is_working_day(day), day
    for day in (D(2026, 2, 14), D(2026, 2, 28), D(2026, 9, 20), D(2026, 10, 10)):
        assert day.weekday() >= 5 and workdays.is_working_day(day), day  # weekend make-up days
    assert workdays.is_working_day(D(2026, 2, 24)) and workdays.is_working_day(D(2026, 10, 8))


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "n", "expected"), [
    # Fri 13 Feb + 1 → Sat 14 Feb (make-up day); + 2 → Tue 24 Feb, the first day after the holiday.
    (D(2026, 2, 13), 1, D(2026, 2, 14)),
    (D(2026, 2, 13), 2, D(2026, 2, 24)),
    # Tue 24 … Fri 27 are four, Sat 28 (make-up) the fifth.
    (D(2026, 2, 23), 5, D(2026, 2, 28)),
    (D(2026, 2, 12), 10, D(2026, 3, 4)),
    # Backwards: 1 working day before Tue 24 Feb is Sat 14 Feb.
    (D(2026, 2, 24), -1, D(2026, 2, 14)),
    (D(2026, 3, 2), -1, D(2026, 2, 28)),
    (D(2026, 3, 2), -2, D(2026, 2, 27)),
    (D(2026, 3, 2), -5, D(2026, 2, 24)),
    (D(2026, 3, 2), -6, D(2026, 2, 14)),
    (D(2026, 3, 2), -7, D(2026, 2, 13)),
    # National Day: Wed 30 Sep + 1 → Thu 8 Oct; + 3 → Sat 10 Oct (make-up).
    (D(2026, 9, 30), 1, D(2026, 10, 8)),
    (D(2026, 9, 30), 3, D(2026, 10, 10)),
    (D(2026, 9, 30), 4, D(2026, 10, 12)),
    (D(2026, 10, 12), -1, D(2026, 10, 10)),
    (D(2026, 10, 8), -1, D(2026, 9, 30)),
    # Sat 19 Sep + 1 → Sun 20 Sep, a make-up day.
    (D(2026, 9, 19), 1, D(2026, 9, 20)),
    (D(2026, 9, 20), 0, D(2026, 9, 20)),
])
def test_add_working_days_across_the_2026_holidays(start, n, expected):
    assert workdays.add_working_days(start, n) == expected
    if n > 0:
        assert workdays.working_days_between(start, expected) == n


@pytest.mark.django_db
def test_working_days_between_and_add_days():
    assert workdays.working_days_between(D(2026, 2, 13), D(2026, 2, 28)) == 6  # 14, 24–27, 28
    assert workdays.working_days_between(D(2026, 9, 30), D(2026, 10, 9)) == 2  # 8, 9
    assert workdays.working_days_between(D(2026, 3, 2), D(2026, 2, 1)) == 0
    assert workdays.working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert workdays.add_days(D(2026, 2, 13), 15) == D(2026, 2, 28)
    assert workdays.add_days(D(2026, 12, 25), 10) == D(2027, 1, 4)
    assert workdays.add_days(D(2026, 3, 1), -1) == D(2026, 2, 28)


@pytest.mark.django_db
def test_an_override_wins_over_the_library():
    assert not workdays.is_working_day(D(2026, 2, 20))
    WorkdayOverride.objects.create(day=D(2026, 2, 20), is_working_day=True, note="test")
    workdays.forget_overrides()
    assert workdays.is_working_day(D(2026, 2, 20))
    assert workdays.add_working_days(D(2026, 2, 14), 1) == D(2026, 2, 20)
    # And a library working day made a holiday.
    WorkdayOverride.objects.create(day=D(2026, 3, 2), is_working_day=False)
    workdays.forget_overrides()
    assert workdays.add_working_days(D(2026, 2, 27), 2) == D(2026, 3, 3)  # 28 Feb, (2 Mar off), 3 Mar


@pytest.mark.django_db
def test_a_year_nobody_entered_is_provisional_until_it_has_rows():
    day = D(2027, 3, 15)
    assert not workdays.year_is_known(2027)
    assert workdays.is_provisional(day)
    assert workdays.is_provisional(D(2026, 12, 20), day)  # a span reaching into 2027
    assert not workdays.is_provisional(D(2026, 5, 6))
    assert workdays.missing_years(D(2026, 11, 30)) == [2027]
    assert workdays.missing_years(D(2027, 6, 1)) == [2027, 2028]
    # Mon–Fri estimate meanwhile: Fri 12 Feb 2027 + 1 → Mon 15 Feb.
    assert workdays.add_working_days(D(2027, 2, 12), 1) == D(2027, 2, 15)

    WorkdayOverride.objects.create(day=D(2027, 2, 15), is_working_day=False, note="Spring Festival")
    workdays.forget_overrides()
    assert workdays.year_is_known(2027)
    assert not workdays.is_provisional(day)
    assert not workdays.is_provisional(D(2026, 12, 20), day)
    assert workdays.missing_years(D(2026, 11, 30)) == []
    assert workdays.add_working_days(D(2027, 2, 12), 1) == D(2027, 2, 16)


def test_more_than_max_step_is_refused():
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2026, 1, 5), workdays.MAX_STEP + 1)
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2026, 1, 5), -workdays.MAX_STEP - 1)


@pytest.mark.django_db
def test_the_cached_overrides_refresh_only_when_forgotten(django_assert_num_queries):
    workdays.is_working_day(D(2026, 2, 20))  # loads and caches (empty table)
    WorkdayOverride.objects.create(day=D(2026, 2, 20), is_working_day=True)
    with django_assert_num_queries(0):
        assert not workdays.is_working_day(D(2026, 2, 20))  # still the cached table
        workdays.add_working_days(D(2026, 1, 5), 200)  # one cache read per call, no query
    workdays.forget_overrides()
    with django_assert_num_queries(1):
        assert workdays.is_working_day(D(2026, 2, 20))


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dates(D(2025, 6, 1), D(2027, 6, 30)), n=st.integers(1, 400))
def test_add_working_days_lands_on_a_working_day_n_working_days_later(start, n):
    end = workdays.add_working_days(start, n)
    assert workdays.is_working_day(end)
    assert workdays.working_days_between(start, end) == n
    assert workdays.add_working_days(end, -n) <= start


# --- the loader ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_load_workdays_replaces_the_year_atomically_and_is_audited(capsys, django_capture_on_commit_callbacks):
    WorkdayOverride.objects.create(day=D(2027, 5, 5), is_working_day=False, note="old")
    WorkdayOverride.objects.create(day=D(2026, 12, 31), is_working_day=False, note="other year")
    workdays.is_working_day(D(2027, 5, 5))  # warm the cache
    with django_capture_on_commit_callbacks(execute=True):
        call_command("load_workdays", "--year", "2027", "--holidays", "2027-01-01,2027-02-10..2027-02-17",
                     "--workdays", "2027-02-07, 2027-02-20", "--note", "2027 arrangement")
    days = dict(WorkdayOverride.objects.filter(day__year=2027).values_list("day", "is_working_day"))
    assert len(days) == 11 and D(2027, 5, 5) not in days
    assert days[D(2027, 2, 10)] is False and days[D(2027, 2, 17)] is False and days[D(2027, 2, 7)] is True
    assert WorkdayOverride.objects.filter(day=D(2026, 12, 31)).exists()  # other years untouched
    assert workdays.is_working_day(D(2027, 5, 5))  # cache refreshed: the old row is gone
    assert not workdays.is_working_day(D(2027, 2, 15)) and workdays.is_working_day(D(2027, 2, 20))
    event = AuditEvent.objects.get(action="core.workday.load")
    assert event.object_id == "2027" and event.actor_name == "system"
    assert event.before == {"holidays": ["2027-05-05"], "working_days": []}
    assert "2027-02-20" in event.after["working_days"]
    assert "9 holidays and 2 make-up working days" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(("args", "message"), [
    (["--holidays", "2027-02-30"], "'2027-02-30' is not a date"),
    (["--holidays", "2027-1-1"], "'2027-1-1' is not a date"),
    (["--holidays", "2027-02-17..2027-02-10"], "ends before it starts"),
    (["--holidays", "2027-01-01..2027-03-01"], "longer than 31 days"),
    (["--holidays", "2028-01-01"], "2028-01-01 is not in 2027"),
    (["--holidays", "2027-01-01", "--workdays", "2027-01-01"], "both as a holiday and as a working day"),
    (["--holidays", ","], "Give the holidays of 2027"),
])
def test_load_workdays_explains_bad_input_and_changes_nothing(args, message):
    WorkdayOverride.objects.create(day=D(2027, 5, 5), is_working_day=False)
    with pytest.raises(CommandError, match=message):
        call_command("load_workdays", "--year", "2027", *args)
    assert list(WorkdayOverride.objects.values_list("day", flat=True)) == [D(2027, 5, 5)]
    assert not AuditEvent.objects.filter(action__startswith="core.workday").exists()


# --- the admin ----------------------------------------------------------------------------------

@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_changes_are_audited_and_refresh_the_calendar(admin_client, django_capture_on_commit_callbacks):
    url = reverse("admin:core_workdayoverride_changelist")
    assert workdays.is_working_day(D(2027, 2, 8))  # cached: Monday, estimated
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:core_workdayoverride_add"),
                                     {"day": "2027-02-08", "note": "Spring Festival"})
    assert response.status_code == 302
    override = WorkdayOverride.objects.get(day=D(2027, 2, 8))
    assert not workdays.is_working_day(D(2027, 2, 8))
    created = AuditEvent.objects.get(action="core.workday.set")
    assert created.object_id == str(override.pk) and created.after["is_working_day"] is False

    # list_editable: tick "working day" from the list.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {
            "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000", "form-0-id": str(override.pk), "form-0-is_working_day": "on",
            "_save": "Save",
        })
    assert response.status_code == 302
    assert workdays.is_working_day(D(2027, 2, 8))
    changed = AuditEvent.objects.filter(action="core.workday.set").order_by("-id").first()
    assert changed.before == {"is_working_day": False} and changed.after == {"is_working_day": True}

    page = admin_client.get(url, {"year": "2027"}).content.decode()
    assert "2027" in page and "Spring Festival" in page
    assert admin_client.get(url, {"q": "Spring"}).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:core_workdayoverride_delete", args=[override.pk]),
                                     {"post": "yes"})
    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()
    deleted = AuditEvent.objects.get(action="core.workday.delete")
    assert deleted.before["day"] == "2027-02-08"
    assert not workdays.year_is_known(2027)


def test_admin_bulk_delete_is_audited_per_row(admin_client, django_capture_on_commit_callbacks):
    rows = [WorkdayOverride.objects.create(day=D(2027, 1, d), is_working_day=False) for d in (1, 2, 3)]
    assert workdays.year_is_known(2027)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:core_workdayoverride_changelist"), {
            "action": "delete_selected", "_selected_action": [str(r.pk) for r in rows], "post": "yes"})
    assert response.status_code == 302
    assert not WorkdayOverride.objects.exists()
    assert AuditEvent.objects.filter(action="core.workday.delete").count() == 3
    assert not workdays.year_is_known(2027)


def test_service_refuses_an_invalid_override(db):
    with pytest.raises(Exception) as excinfo:
        services.save_workday_override(actor=None, override=WorkdayOverride(day=None, is_working_day=False))
    assert "day" in str(excinfo.value)
    assert not AuditEvent.objects.exists()


# --- the dashboard warning ------------------------------------------------------------------------

def test_dashboard_warns_administrators_while_next_year_is_missing(client, tree, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(tree.district_staff)
    body = client.get(reverse("core:home")).content.decode()
    assert "2027 年法定节假日安排尚未录入，工作日期限暂按周一至周五估算，请在管理后台录入" in body
    assert 'id="calendar-warning"' in body and "alert-warning" in body

    client.force_login(tree.town1_cadre)
    body = client.get(reverse("core:home")).content.decode()
    assert "2027 年法定节假日安排尚未录入" in body and "请在管理后台录入" not in body  # told, not asked

    WorkdayOverride.objects.create(day=D(2027, 1, 1), is_working_day=False)
    workdays.forget_overrides()
    client.force_login(tree.district_staff)
    assert 'id="calendar-warning"' not in client.get(reverse("core:home")).content.decode()


def test_superuser_warning_links_to_the_admin(admin_client, tree):
    body = admin_client.get(reverse("core:home")).content.decode()
    assert reverse("admin:core_workdayoverride_changelist") in body
    assert "has not been entered yet" in body
