"""Selectors of the `hardship` area of welfare. Shared with the other areas: `active_file_of`
and `active_files_by_person` (eligibility of campaigns), `help_records_of`."""

from ..models.hardship import HardshipFile, HardshipStatus, HelpRecord

# Due-soon sources this area registers with the dashboard (see core.overview). Each costs one
# query per dashboard view.
DUE_SOURCES = ()


def active_file_of(person) -> HardshipFile | None:
    """The person's hardship file on record (ACTIVE), or None. Not scoped: callers show only what
    their own checks allow (a campaign's eligibility says "on file" / "not on file")."""
    return HardshipFile.objects.filter(person=person, status=HardshipStatus.ACTIVE).first()


def active_files_by_person(person_ids) -> dict[int, HardshipFile]:
    """{person id: ACTIVE file} for the given people (one query; bulk eligibility checks)."""
    files = HardshipFile.objects.filter(person_id__in=list(person_ids), status=HardshipStatus.ACTIVE)
    return {f.person_id: f for f in files}


def help_records_of(person):
    """Every help record of `person`, newest first (the file page; callers check scope)."""
    return HelpRecord.objects.filter(person=person).select_related("org").order_by("-given_on", "-id")


def overview_card(user):
    """This area's card on the welfare overview (core.overview.Card), or None. Replace with the
    area's headline figures (one aggregate, scoped query)."""
    return None
