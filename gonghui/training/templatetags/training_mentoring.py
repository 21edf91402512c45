"""`{% my_mentorships person as pairs %}`: the 名师带徒 pairs of a member (as apprentice or as
master), for the member page (`training/mentoring/_my_mentorships.html`, context `person` — the
person of the signed-in account, never one taken from a URL). One query."""

from django import template
from django.db.models import Q

from ..models.mentoring import Mentorship

register = template.Library()


@register.simple_tag
def my_mentorships(person):
    if person is None:
        return []
    return list(Mentorship.objects.select_related("apprentice", "assessment")
                .filter(Q(apprentice=person) | Q(master_person=person)).order_by("-starts_on", "-id")[:20])
