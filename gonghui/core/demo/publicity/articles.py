"""Demo articles (publicity `articles` area): news, notices, policy, advanced-model stories and
劳模/工匠 profiles of the district, of town1 (城厢街道), town2 (北干街道), union1 and a few other
towns (all towns at district scale). Mostly published (some pinned, with read counts), a few
scheduled for the coming days, drafts and one withdrawn per publisher. Bodies are fixed, clean
HTML passed through the real sanitiser once. Profiles name a model worker of the publisher's
subtree when the honours demo wrote one. Bulk writes: one query per table.
"""

import datetime
import random

from django.utils import timezone

from gonghui.orgs.models import Org, OrgLevel
from gonghui.publicity.models.articles import Article, ArticleImage, ArticleRead, ArticleStatus

# Children first is not needed here: wiping runs in reverse (reads and images cascade anyway).
MODELS = (Article, ArticleImage, ArticleRead)

TITLES = {
    "NEWS": ["{org}召开职工代表大会", "{org}开展“中国梦·劳动美”主题宣讲", "{org}举办职工技能比武",
             "{org}走访慰问一线职工", "{org}推进新就业形态劳动者入会"],
    "NOTICE": ["关于开展春节送温暖活动的通知", "关于组织职工健康体检的通知", "关于申报年度困难职工帮扶的通知",
               "关于举办职工书画摄影展的通知"],
    "POLICY": ["职工带薪年休假政策解读", "工伤保险待遇申领指南", "女职工劳动保护特别规定要点",
               "集体协商工作指引（{year}年版）"],
    "MODEL_STORY": ["扎根车间二十年的“金牌工人”", "从学徒到工匠：一位技术能手的成长之路",
                    "抗疫一线的工会志愿者"],
    "PROFILE": ["劳模风采：{name}", "工匠名片：{name}"],
}
BODY = ("<h2>{title}</h2><p>{org}坚持以职工为中心，围绕中心、服务大局，{text}</p>"
        "<ul><li>加强组织领导，明确责任分工</li><li>广泛宣传发动，营造浓厚氛围</li>"
        "<li>注重实效，切实为职工办实事</li></ul><p>欢迎广大职工关注并积极参与。</p>")
TEXTS = ["把党的温暖送到职工心坎上。", "推动工会工作高质量发展。", "不断增强职工群众的获得感、幸福感、安全感。"]
DAY = datetime.timedelta(days=1)


def _publishers(gen, rng):
    from gonghui.core.demo.generator import TOWN1, TOWN2

    town1, town2 = gen.town_by_name[TOWN1], gen.town_by_name[TOWN2]
    ids = [gen.root.id, town1.id, town2.id, gen.union1.id]
    others = [t for t in gen.towns if t.id not in (town1.id, town2.id) and t.level == OrgLevel.TOWN]
    ids += [t.id for t in (rng.sample(others, min(3, len(others))) if gen.scale.name == "small" else others)]
    return ids


def _model_workers(orgs):
    from gonghui.honours.models import ModelWorker

    rows = list(ModelWorker.objects.values_list("pk", "org__path", "person__name")[:5000])
    return {org.pk: [(pk, name) for pk, path, name in rows if path.startswith(org.path)] for org in orgs.values()}


def seed(gen) -> dict:
    from gonghui.publicity.services.articles import sanitize_html

    rng = random.Random(gen.seed * 7919 + 131)
    now = timezone.now()
    orgs = Org.objects.in_bulk(_publishers(gen, rng))
    workers = _model_workers(orgs)
    rows = []
    for org in orgs.values():
        short = org.name.replace("总工会", "").replace("工会", "") or org.name
        plan = [("PUBLISHED", 7), ("SCHEDULED", 1), ("DRAFT", 1), ("WITHDRAWN", 1)]
        n = 0
        for status, count in plan:
            for _ in range(count):
                n += 1
                category = rng.choice(list(TITLES))
                worker = None
                if category == "PROFILE":
                    if not workers.get(org.pk):
                        category = "MODEL_STORY"
                    else:
                        worker = rng.choice(workers[org.pk])
                title = rng.choice(TITLES[category]).format(org=short, year=now.year,
                                                            name=worker[1] if worker else "")
                body = sanitize_html(BODY.format(title=title, org=org.name, text=rng.choice(TEXTS)))
                if status == "SCHEDULED":
                    publish_at = now + rng.randint(1, 6) * DAY
                elif status == "DRAFT":
                    publish_at = None
                else:
                    publish_at = now - rng.randint(1, 200) * DAY - datetime.timedelta(minutes=rng.randint(0, 600))
                rows.append(Article(
                    org_id=org.pk, scope_org_id=org.pk, category=category, title=title[:120],
                    summary=f"{org.name}：{title}"[:300], body=body, status=status,
                    model_worker_id=worker[0] if worker else None, publish_at=publish_at,
                    published_at=publish_at if status in ("PUBLISHED", "WITHDRAWN") else None,
                    withdrawn_at=now - DAY if status == "WITHDRAWN" else None,
                    withdraw_reason="内容已过时" if status == "WITHDRAWN" else "",
                    pinned=status == "PUBLISHED" and n <= 2 and org.level != OrgLevel.GRASSROOTS,
                    read_count=rng.randint(20, 900) if status in ("PUBLISHED", "WITHDRAWN") else 0))
    Article.objects.bulk_create(rows, batch_size=2000)
    by = {s: sum(1 for r in rows if r.status == s) for s in ArticleStatus.values}
    return {"articles": len(rows), **{k.lower(): v for k, v in by.items()}}
