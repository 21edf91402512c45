"""Production: every secret from the environment, HTTPS only, PostgreSQL and Redis expected."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
REQUIRE_ADMIN_OTP = env.bool("REQUIRE_ADMIN_OTP", default=True)
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=1)
# One-time codes go through a real gateway or not at all: never to the logs (check --deploy: portal.E001).
SMS_BACKEND = env("SMS_BACKEND", default="gonghui.portal.sms.DisabledBackend")
