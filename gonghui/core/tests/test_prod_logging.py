"""Structured logs: one JSON object per line with the request id, ID / mobile numbers masked in the
whole line (message, traceback), and neither gunicorn's access line nor Django's 4xx/5xx lines
with the query string."""

import io
import json
import logging
from urllib.parse import quote

from django.http import HttpResponse, HttpResponseNotFound
from django.test import RequestFactory
from django.utils.log import log_response

from gonghui.core.logging import AccessJsonFormatter, JsonFormatter, MaskPIIFilter, RequestIdMiddleware

PHONE, ID_NUMBER = "13812345678", "330102199001011234"


def record(message, *args, name="gonghui.test", exc_info=None):
    return logging.LogRecord(name, logging.WARNING, __file__, 1, message, args, exc_info)


def test_a_line_is_json_with_the_request_id_of_the_request_it_belongs_to():
    lines = []

    def view(request):
        lines.append(JsonFormatter().format(record("saved %s", "申请")))
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID="0123456789abcdef"))
    line = json.loads(lines[0])
    assert line["message"] == "saved 申请"
    assert line["level"] == "WARNING" and line["logger"] == "gonghui.test"
    assert line["request_id"] == "0123456789abcdef" == response["X-Request-ID"]
    assert json.loads(JsonFormatter().format(record("later")))["request_id"] == "-"


def test_an_unusable_incoming_request_id_is_replaced():
    response = RequestIdMiddleware(lambda request: HttpResponse())(
        RequestFactory().get("/", HTTP_X_REQUEST_ID='x"} {"admin": true'))
    assert len(response["X-Request-ID"]) == 32 and response["X-Request-ID"].isalnum()


def test_id_and_mobile_numbers_are_masked_in_the_message_and_the_traceback():
    try:
        raise ValueError(f"duplicate {ID_NUMBER}")
    except ValueError:
        import sys

        entry = record("lookup %s", PHONE, exc_info=sys.exc_info())
    MaskPIIFilter().filter(entry)
    text = JsonFormatter().format(entry)
    assert PHONE not in text and ID_NUMBER not in text
    assert "138****5678" in text and "330102********1234" in text
    assert "ValueError" in json.loads(text)["exc_info"]


def test_the_access_line_has_the_path_without_the_query_string():
    atoms = {"m": "GET", "U": "/members/", "q": f"q={PHONE}", "s": "200", "B": 512, "M": 12, "h": "127.0.0.1",
             "f": f"https://union.example.org/members/?q={ID_NUMBER}", "a": "Mozilla/5.0",
             "{x-request-id}o": "abc123abc123", "{x-forwarded-for}i": "203.0.113.9",
             "r": f"GET /members/?q={PHONE} HTTP/1.1"}
    entry = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(r)s"', (atoms,), None)
    line = json.loads(AccessJsonFormatter().format(entry))
    assert {k: line[k] for k in ("method", "path", "status", "bytes", "duration_ms", "request_id", "client")} == {
        "method": "GET", "path": "/members/", "status": 200, "bytes": 512, "duration_ms": 12,
        "request_id": "abc123abc123", "client": "203.0.113.9"}
    assert line["referrer"] == "https://union.example.org/members/"
    raw = json.dumps(line)
    assert PHONE not in raw and ID_NUMBER not in raw and "q=" not in raw


def test_a_logged_404_has_the_path_without_the_query_string():
    # django.request logs every 4xx/5xx with the request as an extra (log_response).
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    django_request = logging.getLogger("django.request")
    level = django_request.level
    django_request.addHandler(handler)
    django_request.setLevel(logging.WARNING)
    try:
        request = RequestFactory().get("/x/", {"q": "张三"})
        log_response("Not Found: %s", request.path, response=HttpResponseNotFound(), request=request)
    finally:
        django_request.removeHandler(handler)
        django_request.setLevel(level)
    text = stream.getvalue()
    line = json.loads(text)
    assert line["message"] == "Not Found: /x/" and line["path"] == "/x/" and line["status_code"] == 404
    assert "request" not in line
    for leak in ("张三", quote("张三"), quote("张三").lower(), "\\u5f20", "q="):
        assert leak not in text, leak
