"""Forms of the venues pages. They collect and shape input; the rules live in services.venues
(shared with the API)."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.venues import BookingStatus, PerformanceStatus, RoomKind, ScreeningStatus, Venue, VenueKind
from ..policies.venues import VIEW


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


def aware(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


class _Filters(StyledFormMixin, forms.Form):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if "org" in self.fields:
            self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)
        if "venue" in self.fields:
            from ..selectors.venues import venues

            self.fields["venue"].queryset = venues(user)
            set_model_options(self.fields["venue"], self.fields["venue"].queryset.order_by("name")[:200],
                              empty_label=_("All venues"))

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def query_string(self, **extra):
        params = {}
        for name in self.fields:
            v = self.value(name)
            if isinstance(v, datetime.date):
                v = v.isoformat()
            elif hasattr(v, "pk"):
                v = v.pk
            params[name] = v
        params.update(extra)
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


def _org_field():
    return forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                  empty_label=_("All my organisations"), widget=FastSelect)


class VenueFilterForm(_Filters):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or address")}))
    org = _org_field()
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + VenueKind.choices)

    def filters(self):
        from ..selectors.venues import VenueFilters

        return VenueFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                            kind=self.value("kind", "") or "")


class BookingFilterForm(_Filters):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Number, purpose, union or room")}))
    org = _org_field()
    venue = forms.ModelChoiceField(label=pgettext_lazy("venues", "Venue"), required=False,
                                   queryset=Venue.objects.none(), widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + BookingStatus.choices)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    due = forms.ChoiceField(label=_("Due"), required=False,
                            choices=[("", _("Any")), ("overdue", _("Waiting too long")),
                                     ("soon", _("Starting soon, not decided"))])

    def filters(self):
        from ..selectors.venues import BookingFilters

        return BookingFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                              venue=self.value("venue"), status=self.value("status", "") or "",
                              date_from=self.value("date_from"), date_to=self.value("date_to"),
                              due=self.value("due", "") or "")


class ProgrammeFilterForm(_Filters):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, host or place")}))
    org = _org_field()
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[])
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, statuses=PerformanceStatus, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses"))] + statuses.choices

    def filters(self):
        from ..selectors.venues import ProgrammeFilters

        return ProgrammeFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                                status=self.value("status", "") or "", year=self.value("year"))


class ScreeningFilterForm(ProgrammeFilterForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, statuses=ScreeningStatus, **kwargs)


class CalendarForm(_Filters):
    month = forms.RegexField(label=_("Month"), required=False, regex=r"^\d{4}-\d{2}$",
                             widget=forms.TextInput(attrs={"type": "month"}))
    venue = forms.ModelChoiceField(label=pgettext_lazy("venues", "Venue"), required=False,
                                   queryset=Venue.objects.none(), widget=FastSelect)
    org = _org_field()
    what = forms.ChoiceField(label=_("Show"), required=False,
                             choices=[("", _("Everything")), ("booking", _("Room bookings")),
                                      ("performance", _("Art troupe performances")),
                                      ("screening", _("Film screenings")), ("event", _("Events"))])
    # The day view: every item of one day (the "+N" of a crowded day in the month grid opens it).
    day = forms.DateField(label=_("Day"), required=False, widget=forms.HiddenInput)

    def year_month(self):
        day = self.value("day")
        if day is not None and 2000 <= day.year <= 2100:
            return day.year, day.month
        raw = self.value("month") or ""
        today = timezone.localdate()
        try:
            y, m = (int(x) for x in raw.split("-"))
            if 2000 <= y <= 2100 and 1 <= m <= 12:
                return y, m
        except ValueError:
            pass
        return today.year, today.month


class VenueForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("venues", "Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=VenueKind.choices)
    address = forms.CharField(label=_("Address"), max_length=200)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class RoomForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=pgettext_lazy("venues", "Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=RoomKind.choices)
    capacity = forms.IntegerField(label=pgettext_lazy("venues", "Capacity"), min_value=1, max_value=5000)
    equipment = forms.CharField(label=_("Equipment"), max_length=300, required=False,
                                help_text=_("e.g. projector, sound system, stage lights"))
    opens_at = forms.TimeField(label=_("Opens at"), widget=TimeInput, initial=datetime.time(8, 0))
    closes_at = forms.TimeField(label=_("Closes at"), widget=TimeInput, initial=datetime.time(21, 0))
    is_bookable = forms.BooleanField(label=_("Bookable"), required=False, initial=True)

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The room must close after it opens."))
        return data


class _Slot(forms.Form):
    day = forms.DateField(label=_("Day"), widget=DateInput)
    start = forms.TimeField(label=pgettext_lazy("venues", "From"), widget=TimeInput)
    end = forms.TimeField(label=pgettext_lazy("venues", "To"), widget=TimeInput)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("The end must be after the start."))
        return data

    def slot(self):
        d = self.cleaned_data
        return aware(d["day"], d["start"]), aware(d["day"], d["end"])


class BookingForm(StyledFormMixin, _Slot):
    room = forms.ModelChoiceField(label=_("Room"), queryset=None, widget=FastSelect,
                                  error_messages={"invalid_choice": _("Choose a room this union may book.")})
    field_order = ["room", "day", "start", "end"]
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    attendees = forms.IntegerField(label=_("Attendees"), min_value=1, max_value=5000)
    contact_name = forms.CharField(label=_("Contact"), max_length=40)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=400, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        set_model_options(self.fields["room"], rooms[:200],
                          label=lambda r: f"{r.venue.name} · {r.name}（{r.capacity}）", empty_label="—")


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400)


class EmptyForm(StyledFormMixin, forms.Form):
    pass


class PerformanceRequestForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("venues", "Title"), max_length=120,
                            help_text=_("e.g. 送文化进企业 · 迎新春文艺演出"))
    wanted_on = forms.DateField(label=_("Wanted on"), widget=DateInput)
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None, required=False, widget=FastSelect,
                                        error_messages={"invalid_choice": _("Choose an enterprise of the union.")})
    place = forms.CharField(label=_("Place"), max_length=200, required=False,
                            help_text=_("The hall, canteen or square where the show can be put on."))
    expected_audience = forms.IntegerField(label=_("Expected audience"), min_value=0, max_value=100000, initial=0)
    programme = forms.CharField(label=_("Wishes for the programme"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        set_model_options(self.fields["enterprise"], enterprises[:200], label=lambda e: e.name, empty_label="—")


class ScheduleForm(StyledFormMixin, _Slot):
    room = forms.ModelChoiceField(label=_("Room"), queryset=None, required=False, widget=FastSelect,
                                  help_text=_("A room of a venue (it is booked and confirmed), or leave empty for "
                                              "the requested place."))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    programme = forms.CharField(label=pgettext_lazy("venues", "Programme"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        set_model_options(self.fields["room"], rooms[:200],
                          label=lambda r: f"{r.venue.name} · {r.name}（{r.capacity}）", empty_label="—")


class PerformanceDoneForm(StyledFormMixin, forms.Form):
    audience = forms.IntegerField(label=_("Audience"), min_value=0, max_value=100000)
    summary = forms.CharField(label=pgettext_lazy("venues", "Summary"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class ScreeningForm(StyledFormMixin, forms.Form):
    film = forms.CharField(label=_("Film"), max_length=120)
    day = forms.DateField(label=_("Day"), widget=DateInput)
    start = forms.TimeField(label=_("Starts at"), widget=TimeInput, initial=datetime.time(19, 0))
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None, required=False, widget=FastSelect,
                                        error_messages={"invalid_choice": _("Choose an enterprise of the union.")})
    site = forms.CharField(label=_("Site"), max_length=200, required=False,
                           help_text=_("Where the screen is put up; empty: at the enterprise."))
    note = forms.CharField(label=_("Note"), max_length=400, required=False)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        set_model_options(self.fields["enterprise"], enterprises[:200], label=lambda e: e.name, empty_label="—")

    def starts_at(self):
        return aware(self.cleaned_data["day"], self.cleaned_data["start"])


class ScreeningDoneForm(StyledFormMixin, forms.Form):
    audience = forms.IntegerField(label=_("Audience"), min_value=0, max_value=100000)
    note = forms.CharField(label=_("Note"), max_length=400, required=False)
