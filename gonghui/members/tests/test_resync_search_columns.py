from io import StringIO

from django.core.management import call_command

from gonghui.members.models import Membership

from .member_helpers import register


def test_resync_repairs_only_stale_copies(tree):
    good = register(tree.union1_chair, tree.union1, "鲁智深")
    stale = register(tree.union1_chair, tree.union1, "花荣")
    Membership.objects.filter(pk=stale.pk).update(person_name="", person_initials="")
    out = StringIO()
    call_command("resync_search_columns", stdout=out)
    assert out.getvalue().startswith("1 memberships updated")
    assert Membership.objects.filter(pk=stale.pk).values_list("person_name", "person_initials").get() == ("花荣", "hr")
    assert Membership.objects.filter(pk=good.pk).values_list("person_name", flat=True).get() == "鲁智深"
    call_command("resync_search_columns", "--all", stdout=out)
    assert "2 memberships updated" in out.getvalue()
