"""Forms of the enrolment pages. They collect and shape input; the rules live in
services.enrolment (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.courses import Programme
from ..models.enrolment import EnrolmentChannel, EnrolmentStatus
from ..policies.enrolment import VIEW


class EnrolmentFilterForm(StyledFormMixin, forms.Form):
    """Filters of the enrolment list and its export (GET: nothing personal in them)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name, course or union")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + EnrolmentStatus.choices)
    channel = forms.ChoiceField(label=_("Enrolled through"), required=False,
                                choices=[("", _("All channels"))] + EnrolmentChannel.choices)
    programme = forms.ChoiceField(label=_("Programme"), required=False,
                                  choices=[("", _("All programmes"))] + Programme.choices)
    course = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def filters(self):
        from ..models.courses import Course
        from ..selectors.enrolment import EnrolmentFilters

        course_id = self.value("course")
        course = Course.objects.filter(pk=course_id).first() if course_id else None
        if course_id and course is None:
            course = Course(pk=course_id)  # an unknown id matches nothing
        return EnrolmentFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"), course=course,
                                year=self.value("year"), status=self.value("status", "") or "",
                                channel=self.value("channel", "") or "", programme=self.value("programme", "") or "")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "year": f.year or "", "status": f.status,
                  "channel": f.channel, "programme": f.programme, "course": f.course.pk if f.course else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class BulkEnrolForm(StyledFormMixin, forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Members to enrol"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one member to enrol."),
                        "invalid_choice": _("Choose live members of the union."),
                        "invalid_pk_value": _("Choose live members of the union.")})

    def __init__(self, *args, members, shown, **kwargs):
        """`members`: every live member of the union (what may be sent); `shown`: the people of the
        picker's page (with `on_course`)."""
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = members
        self.fields["people"].widget.attrs["class"] = "form-check-input"
        on_course = _("already on this course")
        self.fields["people"].widget.choices = [
            (p.pk, f"{p.name}（{p.id_number_masked}）" + (f" · {on_course}" if getattr(p, "on_course", False) else ""))
            for p in shown]


class CancelForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=400)


class OneWorkerForm(StyledFormMixin, forms.Form):
    """The organiser enrols one worker of the registry, found by ID card number."""

    id_number = forms.CharField(label=_("ID card number"), max_length=18, min_length=15,
                                error_messages={"required": _("Enter the worker's ID card number."),
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
            raise forms.ValidationError(_("No worker with this ID card number in your area of the registry."),
                                        code="unknown")
        self.person = person
        return number
