"""Forms of the course pages. They collect and shape input with help texts a part-time union
chair can follow; the rules live in services.courses (shared with the API)."""

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import FastSelect
from gonghui.members.forms import DateInput, StyledFormMixin, org_label, set_model_options
from gonghui.members.models import SkillLevel
from gonghui.orgs.models import Org

from ..models.courses import CourseStatus, Programme
from ..models.schools import DeliveryMode, WorkerSchool
from ..policies.courses import VIEW

ENTERPRISE_OPTIONS = 50  # host enterprises listed before a search


class CourseFilterForm(StyledFormMixin, forms.Form):
    """Filters of the course list and its export (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Course number, title or organiser")}))
    org = forms.ModelChoiceField(label=_("Town or union"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    programme = forms.ChoiceField(label=_("Programme"), required=False,
                                  choices=[("", _("All programmes"))] + Programme.choices)
    mode = forms.ChoiceField(label=_("Delivery mode"), required=False,
                             choices=[("", _("All modes"))] + DeliveryMode.choices)
    school = forms.ModelChoiceField(label=_("Worker school"), required=False, queryset=None,
                                    empty_label=_("All schools"), widget=FastSelect)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All statuses"))] + CourseStatus.choices)
    source = forms.ChoiceField(label=_("Courses"), required=False,
                               choices=[("", _("Organised by us")), ("offered", _("Offered to us from above"))],
                               help_text=_("Courses of the town or the district that your members may join."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Org.objects.visible_to(user, VIEW)
        self.fields["school"].queryset = WorkerSchool.objects.all()
        set_model_options(self.fields["school"], WorkerSchool.objects.order_by("name")[:100],
                          empty_label=self.fields["school"].empty_label)

    def value(self, name, default=None):
        data = getattr(self, "cleaned_data", {})
        return data.get(name) if name in data and name not in self.errors else default

    def set_org_options(self, orgs):
        base = min((o.depth for o in orgs), default=1)
        set_model_options(self.fields["org"], orgs, label=lambda o: org_label(o, base),
                          empty_label=self.fields["org"].empty_label)

    def filters(self):
        from ..selectors.courses import CourseFilters

        school = self.value("school")
        return CourseFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"), year=self.value("year"),
                             programme=self.value("programme", "") or "", mode=self.value("mode", "") or "",
                             school=school.pk if school else None, status=self.value("status", "") or "",
                             offered=self.value("source", "") == "offered")

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "year": f.year or "", "programme": f.programme,
                  "mode": f.mode, "school": f.school or "", "status": f.status,
                  "source": "offered" if f.offered else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class CourseForm(StyledFormMixin, forms.Form):
    """Create or edit a course. Grouped on the page: what, how it is delivered, who may enrol,
    money, completion."""

    title = forms.CharField(label=_("Course title"), max_length=120,
                            help_text=_("As trainees will see it, e.g. “2026年数控车工技能提升班”."))
    programme = forms.ChoiceField(label=_("Programme"), choices=Programme.choices,
                                  help_text=_("Which training programme the course belongs to."))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100,
                              help_text=_("Every session takes place in this year."))
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("What trainees learn, what to bring. Optional."))
    mode = forms.ChoiceField(label=_("Delivery mode"), choices=DeliveryMode.choices, widget=forms.RadioSelect,
                             help_text=_("Independent class: a worker school runs it (choose the school). "
                                         "Commissioned class: a training provider runs it for you (name it). "
                                         "Sent into an enterprise: teachers go to the workplace (choose the "
                                         "enterprise)."))
    school = forms.ModelChoiceField(label=_("Worker school"), required=False, queryset=None, widget=FastSelect,
                                    empty_label="—",
                                    help_text=_("Required for an independent class; optional otherwise."),
                                    error_messages={"invalid_choice": _("Choose a running worker school.")})
    provider = forms.CharField(label=_("Commissioned provider"), required=False, max_length=120,
                               help_text=_("Required for a commissioned class: the training institution's name."))
    host_enterprise = forms.ModelChoiceField(
        label=_("Host enterprise"), required=False, queryset=None, widget=FastSelect, empty_label="—",
        help_text=_("Required for a class sent into an enterprise: an enterprise of the organiser's town."),
        error_messages={"invalid_choice": _("Choose an enterprise of the organiser's town.")})
    target_trades = forms.CharField(label=_("Target trades"), required=False, max_length=400,
                                    help_text=_("Separate with commas, e.g. 数控车工, 电工. Leave empty if open "
                                                "to every trade."))
    capacity = forms.IntegerField(label=_("Capacity (seats)"), min_value=1,
                                  help_text=_("How many trainees can take part."))
    waitlist_limit = forms.IntegerField(label=_("Waiting list places"), min_value=0, initial=0,
                                        help_text=_("People who may wait for a freed seat; 0 means no waiting "
                                                    "list."))
    enrol_opens_on = forms.DateField(label=_("Enrolment opens on"), required=False, widget=DateInput,
                                     help_text=_("Optional. Empty: as soon as enrolment is opened."))
    enrol_closes_on = forms.DateField(label=_("Enrolment closes on"), required=False, widget=DateInput,
                                      help_text=_("Optional. Empty: until enrolment is closed by hand."))
    members_only = forms.BooleanField(label=_("Union members only"), required=False, initial=True,
                                      help_text=_("Untick to accept any worker of the registry."))
    self_enrolment = forms.BooleanField(label=_("Members may enrol themselves on the phone"), required=False,
                                        initial=True)
    min_skill_level = forms.ChoiceField(label=_("Minimum skill level"), required=False,
                                        choices=[("", _("No minimum"))] + SkillLevel.choices,
                                        help_text=_("e.g. a technician study class may require senior worker."))
    fee = forms.DecimalField(label=_("Fee per trainee (yuan)"), min_value=0, max_digits=14, decimal_places=2,
                             initial=0, help_text=_("0 if free for trainees."))
    subsidy = forms.DecimalField(label=_("Subsidy per trainee (yuan)"), min_value=0, max_digits=14,
                                 decimal_places=2, initial=0,
                                 help_text=_("What the union pays per trainee; 0 if none."))
    min_attendance = forms.IntegerField(label=_("Attendance needed to complete (percent)"), required=False,
                                        min_value=1, max_value=100,
                                        help_text=_("Share of the class hours a trainee must attend. Empty: the "
                                                    "district's default."))
    assessment_required = forms.BooleanField(label=_("An assessment decides completion"), required=False,
                                             initial=True)
    pass_mark = forms.DecimalField(label=_("Pass mark"), min_value=0, max_value=100, max_digits=5,
                                   decimal_places=1, initial=60, help_text=_("Out of 100."))

    GROUPS = (
        (_("The course"), ("title", "programme", "year", "description")),
        (_("How it is delivered"), ("mode", "school", "provider", "host_enterprise", "target_trades")),
        (_("Seats and enrolment"), ("capacity", "waitlist_limit", "enrol_opens_on", "enrol_closes_on",
                                    "members_only", "self_enrolment", "min_skill_level")),
        (_("Fee and subsidy"), ("fee", "subsidy")),
        (_("Completion"), ("min_attendance", "assessment_required", "pass_mark")),
    )

    def __init__(self, *args, org, **kwargs):
        from ..selectors.courses import enterprise_choices, school_choices

        super().__init__(*args, **kwargs)
        self.fields["mode"].widget.attrs["class"] = "form-check-input"
        schools = school_choices(org)
        current = self.initial.get("school")
        if current is not None:  # a course keeps its school even once it closed
            schools = WorkerSchool.objects.filter(Q(pk__in=schools.values("pk")) | Q(pk=current.pk)).select_related(
                "org").order_by("name", "id")
        self.fields["school"].queryset = schools
        set_model_options(self.fields["school"], schools, label=lambda x: f"{x.name}（{x.org.name}）",
                          empty_label="—")
        # Any enterprise of the town is accepted; the menu shows the chosen one and the first by name,
        # the search box above it (htmx) narrows the menu by name or credit code.
        enterprises = enterprise_choices(org)
        self.fields["host_enterprise"].queryset = enterprises
        chosen = self.data.get(self.add_prefix("host_enterprise")) if self.is_bound else None
        chosen = chosen if isinstance(chosen, str) and chosen.isdigit() else None
        chosen = enterprises.filter(pk=chosen).first() if chosen else self.initial.get("host_enterprise")
        options = list(enterprises[:ENTERPRISE_OPTIONS])
        if chosen is not None and chosen not in options:
            options.insert(0, chosen)
        set_model_options(self.fields["host_enterprise"], options, empty_label="—")
        self.fields["host_enterprise"].widget.attrs["id"] = "id_host_enterprise"
        self.org = org

    def groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.GROUPS]

    def service_data(self):
        d = dict(self.cleaned_data)
        d["target_trades"] = d.get("target_trades") or ""
        share = d.pop("min_attendance")
        d["min_attendance"] = (Decimal(share) / 100).quantize(Decimal("0.01")) if share else None
        return d

    @staticmethod
    def initial_of(course):
        data = {name: getattr(course, name) for name in (
            "title", "programme", "year", "description", "mode", "school", "provider", "host_enterprise",
            "capacity", "waitlist_limit", "enrol_opens_on", "enrol_closes_on", "members_only", "self_enrolment",
            "min_skill_level", "fee", "subsidy", "assessment_required", "pass_mark")}
        data["target_trades"] = ", ".join(course.target_trades or [])
        data["min_attendance"] = int(course.min_attendance * 100) if course.min_attendance else None
        return data


class SessionForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Topic"), required=False, max_length=120)
    starts_at = forms.DateTimeField(label=_("Starts at"),
                                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                               format="%Y-%m-%dT%H:%M"))
    ends_at = forms.DateTimeField(label=_("Ends at"),
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                             format="%Y-%m-%dT%H:%M"))
    place = forms.CharField(label=_("Place"), required=False, max_length=120,
                            help_text=_("Room or workshop; empty: the school's address."))
    teacher = forms.ModelChoiceField(label=_("Teacher"), required=False, queryset=None, widget=FastSelect,
                                     empty_label="—",
                                     error_messages={"invalid_choice": _("Choose a teacher of the pool.")})
    hours = forms.DecimalField(label=_("Class hours"), required=False, min_value=Decimal("0.1"), max_digits=4,
                               decimal_places=1, help_text=_("Empty: the length of the session."))

    def __init__(self, *args, org, **kwargs):
        from ..models.schools import Teacher
        from ..selectors.courses import teacher_choices

        super().__init__(*args, **kwargs)
        teachers = teacher_choices(org)
        current = self.initial.get("teacher")
        if current is not None:  # a session keeps its teacher even once out of the pool
            teachers = Teacher.objects.filter(Q(pk__in=teachers.values("pk")) | Q(pk=current.pk)).order_by(
                "name", "id")
        self.fields["teacher"].queryset = teachers
        set_model_options(self.fields["teacher"], teachers[:500],
                          label=lambda t: f"{t.name}（{'、'.join(t.specialities or [])}）" if t.specialities
                          else t.name, empty_label="—")

    def clean(self):
        data = super().clean()
        s, e = data.get("starts_at"), data.get("ends_at")
        if s and e and e <= s:
            self.add_error("ends_at", _("A session must end after it starts."))
        return data


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=400, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Trainees who enrolled are told this reason."))


class EmptyForm(forms.Form):
    pass
