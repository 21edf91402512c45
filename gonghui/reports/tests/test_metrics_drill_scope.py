"""Drill links of every metric, followed by a user who cannot see the org: the target page answers
404 or shows nothing of that org (its name never appears), and a union's user never sees another
town's union through them."""

import pytest

from gonghui.accounts.roles import Role
from gonghui.core.testing.factories import user_with_role
from gonghui.reports import metrics

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.TOWN_CADRE, Role.UNION_CHAIR])
def test_drill_links_of_an_unseen_org_leak_nothing(client, tree, role):
    metrics.load_all()
    home = tree.town1 if role == Role.TOWN_CADRE else tree.union1
    client.force_login(user_with_role(home, role))
    leaks = []
    for metric in metrics.all_metrics():
        if metric.drill is None:
            continue
        for org in (tree.town2, tree.union2):
            url = metric.drill(org, 2025)
            if not url:
                continue
            response = client.get(url)
            body = response.content.decode() if response.status_code == 200 else ""
            if response.status_code not in (200, 302, 404) or org.name in body:
                leaks.append((metric.code, url, response.status_code))
        own = metric.drill(home, 2025)
        if own and client.get(own).status_code != 200:  # the user's own figures do open
            leaks.append((metric.code, own, "own org not 200"))
    assert leaks == []
