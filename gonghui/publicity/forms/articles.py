"""Forms of the article pages. They collect and shape input; the rules (sanitising included) live
in services.articles (shared with the API)."""

from urllib.parse import urlencode

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.forms import FastSelect
from gonghui.core.uploads import DocumentField
from gonghui.members.forms import StyledFormMixin, org_label, set_model_options
from gonghui.orgs.models import Org

from ..models.articles import ArticleCategory, ArticleStatus
from ..policies.articles import VIEW
from ..rules.articles import rules


class ArticleFilterForm(StyledFormMixin, forms.Form):
    """Filters of the cadre list and its export (GET)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Title or summary")}))
    org = forms.ModelChoiceField(label=_("Publisher"), required=False, queryset=Org.objects.none(),
                                 empty_label=_("All my organisations"), widget=FastSelect)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("All categories"))] + ArticleCategory.choices)
    status = forms.ChoiceField(label=pgettext_lazy("article", "Status"), required=False,
                               choices=[("", _("All statuses"))] + ArticleStatus.choices)
    pinned = forms.BooleanField(label=_("Pinned only"), required=False)

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
        from ..selectors.articles import ArticleFilters

        return ArticleFilters(q=(self.value("q", "") or "").strip(), org=self.value("org"),
                              category=self.value("category", "") or "", status=self.value("status", "") or "",
                              pinned=bool(self.value("pinned", False)))

    def query_string(self, **extra):
        f = self.filters()
        params = {"q": f.q, "org": f.org.pk if f.org else "", "category": f.category, "status": f.status,
                  "pinned": "1" if f.pinned else "", **extra}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})


class ArticleForm(StyledFormMixin, forms.Form):
    """Create (with the publisher) or edit an article. `body` is HTML: the editor of
    static/js/richtext.js writes into it; without JavaScript the textarea takes the HTML as it is.
    Either way the service sanitises it before it is stored."""

    org = forms.ModelChoiceField(label=_("Publisher"), queryset=Org.objects.none(), widget=FastSelect,
                                 error_messages={"required": _("Choose the publisher."),
                                                 "invalid_choice": _("Choose an organisation where you may "
                                                                     "publish.")})
    scope_org = forms.ModelChoiceField(label=_("Published to"), required=False, queryset=Org.objects.none(),
                                       widget=FastSelect,
                                       error_messages={"invalid_choice": _("Choose the publisher's own "
                                                                           "organisation or one below it.")},
                                       help_text=_("The members of this organisation's subtree read it. Empty: "
                                                   "the publisher's whole subtree."))
    category = forms.ChoiceField(label=_("Category"), choices=ArticleCategory.choices)
    title = forms.CharField(label=pgettext_lazy("article", "Title"), max_length=120,
                            error_messages={"required": _("Enter the article's title.")})
    summary = forms.CharField(label=pgettext_lazy("article", "Summary"), required=False, max_length=300,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=_("One or two sentences shown in the news list."))
    body = forms.CharField(label=_("Text"), max_length=200_000,
                           widget=forms.Textarea(attrs={"rows": 14, "data-richtext": "1"}),
                           error_messages={"required": _("Write the article's text.")},
                           help_text=_("Bold, italic, headings, lists, links and this article's images. Scripts, "
                                       "styles and embedded frames are removed when saved."))
    model_worker = forms.ModelChoiceField(label=_("Model worker"), required=False, queryset=None,
                                          widget=FastSelect,
                                          help_text=_("For a profile or an advanced-model story: the entry of the "
                                                      "model worker registry it is about."))
    pinned = forms.BooleanField(label=_("Pin to the top of the news list"), required=False)

    def __init__(self, *args, publishers, model_workers, editing=False, scope_root=None, **kwargs):
        super().__init__(*args, **kwargs)
        ids = [o.pk for o in publishers]
        self.fields["org"].queryset = Org.objects.filter(pk__in=ids)
        set_model_options(self.fields["org"], publishers, label=lambda o: org_label(o, min(
            (p.depth for p in publishers), default=1)), empty_label="—")
        from ..selectors.articles import MODEL_WORKER_OPTIONS

        # A sliced queryset cannot validate (`.get()` on a slice fails): validate against the whole
        # reach, show the newest entries.
        self.fields["model_worker"].queryset = model_workers
        set_model_options(self.fields["model_worker"], list(model_workers[:MODEL_WORKER_OPTIONS]),
                          label=lambda w: f"{w.person.name}（{w.get_level_display()} {w.year}）", empty_label="—")
        # Only orgs inside a publisher's subtree (out of reach = the same "invalid choice" as a
        # missing id); the service refuses one outside the chosen publisher's own subtree.
        subtree = Q(pk__in=[])
        for o in publishers:
            subtree |= Q(path__startswith=o.path)
        self.fields["scope_org"].queryset = Org.objects.filter(subtree, is_active=True)
        root = scope_root or (publishers[0] if len(publishers) == 1 else None)
        if root is not None:
            from ..selectors.articles import scope_choices

            set_model_options(self.fields["scope_org"], scope_choices(root), label=lambda o: org_label(o, root.depth),
                              empty_label=_("The publisher's whole subtree"))
        else:
            base = min((p.depth for p in publishers), default=1)
            set_model_options(self.fields["scope_org"], publishers, label=lambda o: org_label(o, base),
                              empty_label=_("The publisher's whole subtree"))
        if editing:
            del self.fields["org"]

    def data_dict(self):
        d = self.cleaned_data
        return {k: d.get(k) for k in ("scope_org", "category", "title", "summary", "body", "model_worker", "pinned")}


class PublishForm(StyledFormMixin, forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"), required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Empty or past: published now. A future time: scheduled, published automatically then."),
        error_messages={"invalid": _("Enter the date and time, e.g. 2026-12-01 09:00.")})


class WithdrawForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), max_length=400,
                             error_messages={"required": _("Give the reason for withdrawing the article.")})


class ImageForm(StyledFormMixin, forms.Form):
    image = DocumentField(label=_("Image (JPG or PNG)"), kinds=("jpeg", "png"), max_bytes=rules().image_max_bytes,
                          error_messages={"required": _("Choose an image to upload.")})
    caption = forms.CharField(label=_("Caption"), required=False, max_length=120)
    as_cover = forms.BooleanField(label=_("Use as the cover"), required=False)


class NewsFilterForm(forms.Form):
    category = forms.ChoiceField(required=False, choices=[("", _("All"))] + ArticleCategory.choices)
