import datetime

import pytest

from gonghui.bargaining.models import Stage
from gonghui.bargaining.testing import negotiation


@pytest.mark.parametrize("stage", [Stage.OFFERED, Stage.IN_TALKS, Stage.PUBLISHED])
def test_negotiation_reaches_stage(tree, stage):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1, stage=stage)
    assert agreement.stage == stage


def test_published_agreement_has_term_and_next_step(tree):
    agreement = negotiation(actor=tree.union1_chair, org=tree.union1, enterprise=tree.enterprise1,
                            stage=Stage.PUBLISHED)
    assert agreement.ends_on == agreement.starts_on.replace(year=agreement.starts_on.year + 1) - datetime.timedelta(1)
    assert agreement.next_step == "renewal"
    assert agreement.next_due_on == agreement.ends_on  # the renewal offer is due by the end of the term
