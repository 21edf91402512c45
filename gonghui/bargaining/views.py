"""Pages of collective wage negotiation (being written; see urls.py)."""

from django.http import Http404


def _todo(request, *args, **kwargs):
    raise Http404


agreement_list = due_list = agreement_create = agreement_detail = signed_file = _todo
agreement_step = party_options = enterprise_options = _todo
