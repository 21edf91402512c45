"""Builders for the skill training reward tests: a live member of a union, a scan upload, and a
claim walked through the services to the status wanted."""

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.honours.models.rewards import RewardClaimStatus, SkillRewardClaim
from gonghui.honours.services import rewards as services

_numbers = itertools.count(1)
PDF = b"%PDF-1.4\n%test certificate\n"


def scan(name="certificate.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def certificate_no():
    return f"3301{next(_numbers):08d}"


def worker(tree, union=None):
    """A person with a live membership in `union` (default union1)."""
    return tree.member(union or tree.union1).person


def claim(tree, status=RewardClaimStatus.DRAFT, *, org=None, person=None, level="LEVEL3", number=None,
          on=None, with_scan=True) -> SkillRewardClaim:
    """A claim of union1 (or `org`) walked to `status` by the right people."""
    org = org or tree.union1
    on = on or services.today()
    chair = tree.union1_chair if org == tree.union1 else (tree.union2_chair if org == tree.union2
                                                          else tree.district_staff)
    town = tree.town1_cadre if org.path.startswith(tree.town1.path) else tree.town2_cadre
    district = tree.district_staff
    person = person or worker(tree, org)
    c = services.create_claim(actor=chair, org=org, person=person, level=level, trade="电工",
                              certificate_no=number or certificate_no(),
                              certificate_on=on - datetime.timedelta(days=30), issuer="杭州市人力资源和社会保障局")
    if with_scan:
        services.attach_scan(actor=chair, claim=c, upload=scan())
    if status == RewardClaimStatus.DRAFT:
        return _fresh(c)
    if status == RewardClaimStatus.WITHDRAWN:
        return services.withdraw_claim(actor=chair, claim=c, withdrawn_on=on)
    services.submit_claim(actor=chair, claim=c, submitted_on=on)
    if status == RewardClaimStatus.SUBMITTED:
        return _fresh(c)
    if status == RewardClaimStatus.RETURNED:
        return services.town_review(actor=town, claim=c, decision="return", reason="证书扫描件不清晰", reviewed_on=on)
    if status == RewardClaimStatus.REJECTED:
        return services.town_review(actor=town, claim=c, decision="reject", reason="证书非本人", reviewed_on=on)
    services.town_review(actor=town, claim=c, decision="pass", reviewed_on=on)
    if status == RewardClaimStatus.TOWN_PASSED:
        return _fresh(c)
    services.district_review(actor=district, claim=c, decision="approve", decided_on=on)
    if status == RewardClaimStatus.APPROVED:
        return _fresh(c)
    services.pay_claims(actor=district, claim_ids=[c.pk], paid_on=on, reference=f"PAY-{c.pk}")
    return _fresh(c)


def _fresh(c):
    return SkillRewardClaim.objects.get(pk=c.pk)
