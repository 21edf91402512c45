"""The SMS backends: console (development) logs the code with the number masked; locmem keeps
messages; disabled refuses; `check --deploy` refuses a backend that would log or keep codes."""

import logging

import pytest

from gonghui.core.logging import MaskPIIFilter
from gonghui.portal import sms


def _message(phone="13900001234", code="123456"):
    return sms.SmsMessage(phone=phone, text=f"验证码{code}", code=code, purpose="LOGIN", minutes=5)


def test_console_backend_logs_the_code_with_the_number_masked(caplog):
    caplog.handler.addFilter(MaskPIIFilter())
    with caplog.at_level(logging.WARNING, logger="gonghui.portal.sms"):
        sms.ConsoleBackend().send(_message())
    text = caplog.records[-1].getMessage()
    assert "123456" in text and "13900001234" not in text and "139****1234" in text


def test_locmem_backend_keeps_messages():
    sms.outbox.clear()
    sms.LocmemBackend().send(_message(phone="13900005678", code="654321"))
    assert sms.last_code("13900005678") == "654321" and sms.last_code("13900000000") is None
    sms.outbox.clear()


def test_disabled_backend_refuses(settings):
    with pytest.raises(sms.SmsUnavailable):
        sms.DisabledBackend().send(_message())
    settings.SMS_BACKEND = "gonghui.portal.sms.DisabledBackend"
    assert not sms.is_available()


def test_base_backend_must_be_implemented():
    with pytest.raises(NotImplementedError):
        sms.SmsBackend().send(_message())


@pytest.mark.parametrize("backend, debug, ids", [
    ("gonghui.portal.sms.ConsoleBackend", False, ["portal.E001"]),
    ("gonghui.portal.sms.LocmemBackend", False, ["portal.E001"]),
    ("gonghui.portal.sms.ConsoleBackend", True, []),
    ("gonghui.portal.sms.DisabledBackend", False, []),
    ("gonghui.portal.sms.NoSuchBackend", False, ["portal.E002"]),
])
def test_deploy_check(settings, backend, debug, ids):
    settings.SMS_BACKEND, settings.DEBUG = backend, debug
    assert [e.id for e in sms.check_backend()] == ids


def test_production_refuses_the_console_backend():
    """config.settings.prod defaults to DisabledBackend (core's test_deploy checks that it is clean);
    set to the console backend, `check --deploy` fails with portal.E001."""
    import subprocess
    import sys

    from gonghui.core.testing.production import ROOT, production_env

    env = production_env(SMS_BACKEND="gonghui.portal.sms.ConsoleBackend")
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "portal.E001" in result.stdout + result.stderr
