"""keyset_page: the same pages whether the matches fit under the count cap (cut from the counted
keys) or not (keys walked first, rows loaded after), in both directions."""

import pytest

from gonghui.core.pagination import keyset_page
from gonghui.orgs.models import Org


def walk(queryset, *, size, cap, descending=True):
    pages, after = [], None
    while True:
        page = keyset_page(queryset, after=after, size=size, cap=cap, descending=descending)
        pages.append([org.pk for org in page.items])
        if page.next_after is None:
            return pages, page
        after = page.next_after


@pytest.mark.parametrize("descending", [True, False])
@pytest.mark.parametrize("cap", [3, 1000])
def test_pages_are_the_same_under_and_over_the_cap(tree, cap, descending):
    queryset = Org.objects.filter(path__startswith=tree.district.path)
    everything = sorted(queryset.values_list("pk", flat=True), reverse=descending)
    assert len(everything) > 5
    pages, last = walk(queryset, size=2, cap=cap, descending=descending)
    assert [pk for page in pages for pk in page] == everything
    assert all(len(page) == 2 for page in pages[:-1])
    first = keyset_page(queryset, size=2, cap=cap, descending=descending)
    assert (first.count, first.count_capped) == ((3, True) if cap == 3 else (len(everything), False))
    assert last.has_previous


def test_no_match_is_an_empty_page(tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        page = keyset_page(Org.objects.filter(name="nobody"))
    assert (page.items, page.next_after, page.count, page.count_capped) == ([], None, 0, False)


@pytest.mark.parametrize("cap", [2, 1000])
def test_rows_are_loaded_from_load_by_the_keys_the_filter_chose(tree, cap):
    chosen = Org.objects.filter(path__startswith=tree.town1.path)
    page = keyset_page(chosen, size=10, cap=cap, load=Org.objects.all())
    assert sorted(o.pk for o in page.items) == sorted(chosen.values_list("pk", flat=True))[-len(page.items):]
    assert all(o.path.startswith(tree.town1.path) for o in page.items)  # the filter still decides
