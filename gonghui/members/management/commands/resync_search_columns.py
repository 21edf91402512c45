"""Copy every person's name and pinyin initials to their memberships' search columns.

Services keep them in step; run this after a rolling deploy (processes still on the code before
migration 0003 write memberships without them) or after editing people directly in SQL."""

from django.core.management.base import BaseCommand
from django.db.models import F, OuterRef, Q, Subquery

from gonghui.members.models import Membership, Person


class Command(BaseCommand):
    help = "Copy people's names and initials to their memberships' search columns (name search)."

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true",
                            help="rewrite every membership, not only those whose copy differs")

    def handle(self, *args, **options):
        person = Person.objects.filter(pk=OuterRef("person_id"))
        stale = Membership.objects.all()
        if not options["all"]:
            name, initials = Subquery(person.values("name")[:1]), Subquery(person.values("name_initials")[:1])
            stale = stale.annotate(real_name=name, real_initials=initials).filter(
                ~Q(person_name=F("real_name")) | ~Q(person_initials=F("real_initials")))
        updated = Membership.objects.filter(pk__in=stale.values("pk")).update(
            person_name=Subquery(person.values("name")[:1]),
            person_initials=Subquery(person.values("name_initials")[:1]))
        self.stdout.write(f"{updated} memberships updated")
