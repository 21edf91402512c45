"""Pages of news and announcements. Thin: fetch through the scope (404 for hidden and missing
alike), check the action, call one service or selector, render.

- cadres: the list (filters, counts by status, pager, export), writing and editing an article
  with the rich-text editor (static/js/richtext.js, progressive enhancement) and a preview of the
  sanitised text before saving, an article's page (the article as members will see it, the
  steps publish / schedule / withdraw / pin, the images, the history);
- members on a phone: the news list of their unions (category filter, pinned first) and an
  article (counts a read once per reader).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gonghui.core.forms import run_service
from gonghui.core.pagination import parse_after
from gonghui.core.policies import get_visible_or_404, require
from gonghui.core.responses import export_list, no_store
from gonghui.core.selectors import history_for, reach_orgs
from gonghui.core.uploads import private_file_response
from gonghui.members.selectors import person_of_account
from gonghui.orgs.models import Org

from ..forms import articles as forms
from ..models.articles import Article, ArticleCategory, ArticleImage, ArticleStatus
from ..policies import articles as policies
from ..selectors import articles as selectors
from ..services import articles as services


@login_required
@require_GET
def article_list(request):
    require(request.user, policies.VIEW)
    form = forms.ArticleFilterForm(request.GET, user=request.user)
    form.is_valid()
    form.set_org_options(reach_orgs(request.user, policies.VIEW))
    filters = form.filters()
    page = selectors.article_page(request.user, filters, after=parse_after(request.GET.get("after")))
    counts = selectors.status_counts(request.user, filters)
    return render(request, "publicity/articles/list.html", {
        "form": form, "page": page, "query": form.query_string(), "tab": "articles", "now": services.now(),
        "counts": [(label, counts.get(code, 0), code) for code, label in ArticleStatus.choices if counts.get(code)],
        "can_create": policies.can(request.user, policies.CHANGE),
        "can_export": policies.can(request.user, policies.EXPORT),
    })


@login_required
@require_GET
def article_export(request):
    return export_list(request, action=policies.EXPORT, view_action=policies.VIEW, scoped=[("org", Org)],
                       form=forms.ArticleFilterForm(request.GET, user=request.user),
                       list_url="publicity:article_list", export=services.export_articles,
                       filename=lambda: f"articles-{services.now():%Y%m%d}.xlsx")


def _render_form(request, form, article, *, preview=None, status=200):
    images = list(article.images.all()) if article else []
    return render(request, "publicity/articles/form.html", {
        "form": form, "article": article, "preview": mark_safe(preview) if preview is not None else None,
        "images": [{"url": reverse("publicity:article_image", args=[article.pk, i.pk]), "caption": i.caption}
                   for i in images],
        "tab": "articles"}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def article_create(request):
    require(request.user, policies.CHANGE)
    publishers = selectors.publisher_choices(request.user)
    form = forms.ArticleForm(request.POST or None, publishers=publishers,
                             model_workers=selectors.model_worker_choices(request.user))
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:  # shown as members will see it; nothing saved
            return _render_form(request, form, None, preview=services.sanitize_html(form.cleaned_data["body"]))
        article = run_service(form, services.create_article, actor=request.user, org=form.cleaned_data["org"],
                              data=form.data_dict())
        if article is not None:
            messages.success(request, _("The article was saved as a draft: publish or schedule it on its page."))
            return redirect("publicity:article_detail", pk=article.pk)
    return _render_form(request, form, None, status=400 if form.errors else 200)


def _article(request, pk, action=policies.VIEW):
    return get_visible_or_404(Article.objects.select_related("org", "scope_org", "cover", "model_worker",
                                                            "model_worker__person", "created_by"),
                              request.user, pk, action)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request, pk):
    article = _article(request, pk)
    require(request.user, policies.CHANGE, article.org)
    if article.status not in policies.EDITABLE:
        messages.warning(request, _("An article that is “%(status)s” cannot be changed.")
                         % {"status": article.get_status_display()})
        return redirect("publicity:article_detail", pk=article.pk)
    initial = {f: getattr(article, f) for f in ("scope_org", "category", "title", "summary", "body", "model_worker",
                                                "pinned")}
    form = forms.ArticleForm(request.POST or None, initial=initial, publishers=[article.org], editing=True,
                             scope_root=article.org, model_workers=selectors.model_worker_choices(request.user))
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            return _render_form(request, form, article, preview=services.sanitize_html(form.cleaned_data["body"]))
        done = run_service(form, services.update_article, actor=request.user, article=article,
                           data=form.data_dict())
        if done is not None:
            messages.success(request, _("The article was saved."))
            return redirect("publicity:article_detail", pk=article.pk)
    return _render_form(request, form, article, status=400 if form.errors else 200)


def _render_detail(request, article, *, publish_form=None, withdraw_form=None, image_form=None, status=200):
    can_change = policies.can(request.user, policies.CHANGE, article.org)
    steps = set(policies.steps_for(request.user, article))
    return no_store(render(request, "publicity/articles/detail.html", {
        "a": article, "shown_status": selectors.shown_status(article), "steps": steps,
        "can_edit": can_change and article.status in policies.EDITABLE,
        "publish_form": publish_form or forms.PublishForm(prefix="publish"),
        "withdraw_form": withdraw_form or forms.WithdrawForm(prefix="withdraw"),
        "image_form": image_form or (forms.ImageForm(prefix="image") if can_change else None),
        "images": list(article.images.all()), "can_change": can_change,
        "history": history_for(request.user, article), "tab": "articles",
    }, status=status))


@login_required
@require_GET
def article_detail(request, pk):
    return _render_detail(request, _article(request, pk))


@login_required
@require_POST
def article_step(request, pk, name):
    article = _article(request, pk)
    require(request.user, policies.CHANGE, article.org)
    if name == "publish":
        form = forms.PublishForm(request.POST, prefix="publish")
        done = run_service(form, lambda: services.publish(actor=request.user, article=article,
                                                          publish_at=form.cleaned_data["publish_at"])) \
            if form.is_valid() else None
        if done is None:
            return _render_detail(request, article, publish_form=form, status=400)
        if done.status == ArticleStatus.SCHEDULED:
            messages.success(request, _("The article is scheduled."))
        else:
            messages.success(request, _("The article is published."))
    elif name == "withdraw":
        form = forms.WithdrawForm(request.POST, prefix="withdraw")
        done = run_service(form, lambda: services.withdraw(actor=request.user, article=article,
                                                           reason=form.cleaned_data["reason"])) \
            if form.is_valid() else None
        if done is None:
            return _render_detail(request, article, withdraw_form=form, status=400)
        messages.success(request, _("The article was withdrawn."))
    elif name in ("pin", "unpin"):
        try:
            services.set_pinned(actor=request.user, article=article, pinned=name == "pin")
        except services.DomainError as exc:
            messages.error(request, exc.text)
    else:
        raise Http404(_("Not found."))
    return redirect("publicity:article_detail", pk=article.pk)


@login_required
@require_POST
def article_image_add(request, pk):
    article = _article(request, pk)
    require(request.user, policies.CHANGE, article.org)
    form = forms.ImageForm(request.POST, request.FILES, prefix="image")
    done = run_service(form, lambda: services.add_image(
        actor=request.user, article=article, upload=form.cleaned_data["image"],
        caption=form.cleaned_data["caption"], as_cover=form.cleaned_data["as_cover"])) if form.is_valid() else None
    if done is None:
        return _render_detail(request, article, image_form=form, status=400)
    messages.success(request, _("The image was added: insert it in the text with the editor's image button."))
    return redirect("publicity:article_detail", pk=article.pk)


@login_required
@require_POST
def article_image_delete(request, pk, image_pk):
    article = _article(request, pk)
    image = ArticleImage.objects.filter(pk=image_pk, article=article).first()
    if image is None:
        raise Http404(_("Not found."))
    services.delete_image(actor=request.user, image=image)
    messages.success(request, _("The image was removed."))
    return redirect("publicity:article_detail", pk=article.pk)


@login_required
@require_GET
def article_image(request, pk, image_pk):
    """For the cadres who see the article, and for the members it is addressed to once live."""
    image = ArticleImage.objects.select_related("article").filter(pk=image_pk, article_id=pk).first()
    if image is None or not selectors.image_readable(request.user, person_of_account(request.user), image.article):
        raise Http404(_("Not found."))
    ext = "jpg" if image.kind == "jpeg" else "png"
    response = private_file_response(image.image, f"article-{pk}-{image.pk}.{ext}")
    response["Content-Type"] = "image/jpeg" if image.kind == "jpeg" else "image/png"
    # <img> ignores "attachment"; shown inline in the article, still never cached or sniffed.
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    return response


# --- member pages ------------------------------------------------------------------------------------------

def _person(request):
    person = person_of_account(request.user)
    if person is None:
        raise Http404(_("Not found."))
    return person


@login_required
@require_GET
def news_list(request):
    person = _person(request)
    form = forms.NewsFilterForm(request.GET)
    category = form.cleaned_data["category"] if form.is_valid() else ""
    pinned, page = selectors.news_page(person, category=category, after=parse_after(request.GET.get("after")))
    return render(request, "publicity/articles/news_list.html", {
        "person": person, "pinned": pinned, "page": page, "category": category,
        "categories": ArticleCategory.choices, "query": f"category={category}" if category else "",
    })


@login_required
@require_GET
def news_detail(request, pk):
    person = _person(request)
    article = selectors.news_item(person, pk)
    if article is None:
        raise Http404(_("Not found."))
    if services.record_read(user=request.user, article=article):
        article.read_count += 1
    return render(request, "publicity/articles/news_detail.html", {"a": article, "person": person})
