"""The client address behind trusted proxies is taken from the right of X-Forwarded-For: the
left part is whatever the client sent."""

import pytest
from django.test import RequestFactory

from gonghui.core.context import client_ip


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "6.6.6.6", "10.0.0.9"),  # no trusted proxy: the header is ignored
    (1, "203.0.113.7", "203.0.113.7"),
    (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a forged first hop does not count
    (2, "6.6.6.6, 203.0.113.7, 10.0.0.5", "203.0.113.7"),
    (2, "203.0.113.7", "10.0.0.9"),  # fewer hops than proxies: not through them, use the peer
    (1, "", "10.0.0.9"),
])
def test_client_ip(settings, proxies, forwarded, expected):
    settings.AXES_IPWARE_PROXY_COUNT = proxies
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.9")
    assert client_ip(request) == expected


def test_axes_uses_the_same_address(settings):
    from axes.helpers import get_client_ip_address

    settings.AXES_IPWARE_PROXY_COUNT = 1
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.9")
    assert get_client_ip_address(request) == "203.0.113.7"
