"""Forms of the `stats` area: the year of the statistics, a yearly target."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.members.forms import StyledFormMixin
from gonghui.orgs.models import Org

from ..rules.stats import rules
from ..services.stats import TARGET_LEVELS


class YearForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False)

    def clean_year(self):
        year = self.cleaned_data.get("year")
        r = rules()
        if year is not None and not r.first_year <= year <= r.last_year:
            raise forms.ValidationError(_("The year must be between %(first)s and %(last)s."),
                                        params={"first": r.first_year, "last": r.last_year}, code="bad_year")
        return year

    def chosen_year(self):
        """The chosen year, or this year when none or invalid (the error shows on the form)."""
        year = self.cleaned_data.get("year") if self.is_valid() else None
        return year or timezone.localdate().year


class TargetForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("Organisation"), queryset=Org.objects.none(),
                                 error_messages={"invalid_choice": _("Choose the district or one of the towns.")})
    year = forms.IntegerField(label=_("Year"))
    trainees = forms.IntegerField(label=_("Trainees target"), min_value=0,
                                  help_text=_("Distinct people trained in the year."))
    person_times = forms.IntegerField(label=_("Person-times target"), min_value=0,
                                      help_text=_("Seat enrolments in the year's courses."))
    hours = forms.DecimalField(label=_("Class hours target"), min_value=0, max_digits=10, decimal_places=1,
                               help_text=_("Hours attended, added up over the trainees."))
    note = forms.CharField(label=_("Note"), max_length=400, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (Org.objects.visible_to(user, "training.configure")
                                       .filter(level__in=TARGET_LEVELS).order_by("path"))
        self.fields["org"].label_from_instance = lambda org: org.short_name or org.name
        if not self.is_bound and "year" not in self.initial:
            self.initial["year"] = timezone.localdate().year

    def clean_year(self):
        year = self.cleaned_data["year"]
        r = rules()
        if not r.first_year <= year <= r.last_year:
            raise forms.ValidationError(_("The year must be between %(first)s and %(last)s."),
                                        params={"first": r.first_year, "last": r.last_year}, code="bad_year")
        return year
