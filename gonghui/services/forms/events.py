"""Forms of the event pages. They collect and shape input; the rules live in services.events
(shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.core.uploads import DocumentField
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.events import EventKind, EventStatus, RegistrationChannel, RegistrationStatus
from ..models.venues import Venue
from ..policies.events import VIEW


def _value(form, name, default=None):
    data = getattr(form, "cleaned_data", {})
    return data.get(name) if name in data and name not in form.errors else default


class _OrgFilterMixin:
    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)


class EventFilterForm(_OrgFilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title, place or organiser")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + EventKind.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + EventStatus.choices)
    source = forms.ChoiceField(label=_("Events"), required=False,
                               choices=[("", _("Organised by us")), ("offered", _("Offered to us from above"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.events import EventFilters

        offered = _value(self, "source", "") == "offered"
        return EventFilters(q=(_value(self, "q", "") or "").strip(), org=None if offered else _value(self, "org"),
                            year=_value(self, "year"), kind=_value(self, "kind", "") or "",
                            status=_value(self, "status", "") or "", offered=offered)

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "year": f.year or "", "kind": f.kind,
                  "status": f.status, "source": "offered" if f.offered else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class RegistrationFilterForm(_OrgFilterMixin, StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, event or union")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + RegistrationStatus.choices)
    channel = forms.ChoiceField(label=_("Registered through"), required=False,
                                choices=[("", _("All channels"))] + RegistrationChannel.choices)
    checked_in = forms.ChoiceField(label=_("Check-in"), required=False,
                                   choices=[("", _("All")), ("yes", _("Checked in")), ("no", _("Not checked in"))])
    event = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..models.events import Event
        from ..selectors.events import RegistrationFilters

        event_id = _value(self, "event")
        event = Event.objects.filter(pk=event_id).first() if event_id else None
        if event_id and event is None:
            event = Event(pk=event_id)
        return RegistrationFilters(q=(_value(self, "q", "") or "").strip(), org=_value(self, "org"), event=event,
                                   year=_value(self, "year"), status=_value(self, "status", "") or "",
                                   channel=_value(self, "channel", "") or "",
                                   checked_in=_value(self, "checked_in", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "year": f.year or "", "status": f.status,
                  "channel": f.channel, "checked_in": f.checked_in, "event": f.event.pk if f.event else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class StatsFilterForm(_OrgFilterMixin, StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def filters(self):
        from ..selectors.events import StatsFilters

        return StatsFilters(year=_value(self, "year") or timezone.localdate().year, org=_value(self, "org"))

    def query_string(self):
        f = self.filters()
        return urlencode({k: v for k, v in {"year": f.year, "org": f.org.pk if f.org else ""}.items() if v})


DT = {"type": "datetime-local"}


class EventForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("Organiser"), queryset=Org.objects.none(), widget=FastSelect,
                                 error_messages={"required": _("Choose the organiser."),
                                                 "invalid_choice": _("Choose an organiser in your area.")})
    title = forms.CharField(label=pgettext_lazy("event", "Title"), max_length=120,
                            error_messages={"required": _("Enter the event's title.")})
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices,
                             error_messages={"required": _("Choose the kind of event.")})
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    venue = forms.ModelChoiceField(label=pgettext_lazy("event", "Venue"), required=False, queryset=Venue.objects.none(),
                                   empty_label=_("No venue (enter the place)"), widget=FastSelect)
    place = forms.CharField(label=_("Place"), required=False, max_length=200,
                            help_text=_("Room, address or meeting point; required without a venue."))
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=forms.DateTimeInput(attrs=DT, format="%Y-%m-%dT%H:%M"),
                                    error_messages={"required": _("Enter when the event starts."),
                                                    "invalid": _("Enter a valid date and time.")})
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=forms.DateTimeInput(attrs=DT, format="%Y-%m-%dT%H:%M"),
                                  error_messages={"required": _("Enter when the event ends."),
                                                  "invalid": _("Enter a valid date and time.")})
    reg_opens_on = forms.DateField(label=_("Registration opens on"), required=False, widget=DateInput)
    reg_closes_on = forms.DateField(label=_("Registration closes on"), required=False, widget=DateInput)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100000,
                                  error_messages={"required": _("Enter the capacity."),
                                                  "min_value": _("The capacity must be at least 1.")})
    waitlist_limit = forms.IntegerField(label=_("Waiting list limit"), min_value=0, max_value=100000, initial=0,
                                        help_text=_("0: no waiting list."),
                                        error_messages={"required": _("Enter the waiting list limit (0 for none)."),
                                                        "min_value": _("The waiting list limit cannot be negative.")})

    def __init__(self, *args, organisers, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.filter(pk__in=[o.pk for o in organisers])
        base = min((o.depth for o in organisers), default=1)
        set_model_options(self.fields["org"], organisers, label=lambda o: org_label(o, base))
        self.fields["venue"].queryset = Venue.objects.filter(is_active=True)
        set_model_options(self.fields["venue"], Venue.objects.filter(is_active=True).order_by("name")[:200],
                          empty_label=self.fields["venue"].empty_label)
        if editing:
            del self.fields["org"]

    def data_dict(self):
        d = dict(self.cleaned_data)
        d.pop("org", None)
        return d


class StepForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=400)


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=400)


class PhotoForm(StyledFormMixin, forms.Form):
    image = DocumentField(label=_("Photo"), kinds=("jpeg", "png"),
                          error_messages={"required": _("Choose a photo to upload.")})
    caption = forms.CharField(label=_("Caption"), required=False, max_length=120)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ..rules.events import rules

        self.fields["image"].max_bytes = rules().photo_max_bytes


class OneMemberForm(StyledFormMixin, forms.Form):
    """The organiser registers one member, found by ID card number."""

    id_number = forms.CharField(label=_("ID card number"), max_length=18, min_length=15,
                                error_messages={"required": _("Enter the member's ID card number."),
                                                "min_length": _("An ID card number has 15 or 18 characters."),
                                                "max_length": _("An ID card number has 15 or 18 characters.")})

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_id_number(self):
        from gonghui.core import pii
        from gonghui.members.models import Person

        number = self.cleaned_data["id_number"].strip().upper()
        person = Person.objects.visible_to(self.user).filter(id_number_hash=pii.lookup_hash(number)).first()
        if person is None:
            raise forms.ValidationError(_("No member with this ID card number in your area of the registry."),
                                        code="unknown")
        self.person = person
        return number


class BulkRegisterForm(StyledFormMixin, forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Members to register"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one member to register."),
                        "invalid_choice": _("Choose live members of the union."),
                        "invalid_pk_value": _("Choose live members of the union.")})

    def __init__(self, *args, members, shown, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = members
        self.fields["people"].widget.attrs["class"] = "form-check-input"
        self.fields["people"].widget.choices = [(p.pk, f"{p.name}（{p.id_number_masked}）") for p in shown]
