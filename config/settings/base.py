"""Settings shared by every environment. Environment-specific files import * from here."""

from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

# The project's apps come first: for a msgid that Django's own catalogues also translate
# ("Filter", "Remove"), the first app's translation wins, and ours follow docs/glossary.md.
INSTALLED_APPS = [
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.members",
    "gonghui.bargaining",
    "gonghui.congress",
    "gonghui.innovation",
    "gonghui.grassroots",
    "gonghui.competitions",
    "gonghui.honours",
    "gonghui.training",
    "gonghui.services",
    "gonghui.welfare",
    "gonghui.voice",
    "gonghui.publicity",
    "gonghui.reports",
    "gonghui.portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "treebeard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs (Swagger UI) from static files instead of a CDN
]

MIDDLEWARE = [
    # First, so that every log line of a request (redirects included) carries its id.
    "gonghui.core.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gonghui.accounts.middleware.RequireOTPForAdministratorsMiddleware",
    "gonghui.accounts.middleware.RequirePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gonghui.core.middleware.RequestContextMiddleware",
    "gonghui.core.middleware.ApiMethodNotAllowedMiddleware",
    # A lost database connection or a full disk: a clear message, not a 500 (gonghui/core/faults.py).
    "gonghui.core.faults.InfrastructureFaultMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "gonghui.core.context_processors.navigation",
                "gonghui.core.context_processors.notification_bell",
            ],
        },
    },
]

# SQLite (WAL) is the embedded default; DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000;"
            ),
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A streaming read replica for report and dashboard requests (gonghui.core.db_router,
# docs/scaling.md). Tests mirror it onto default, so both aliases see the same test data.
REPLICA_DATABASE_ALIAS = ""
if env("REPLICA_DATABASE_URL", default=""):
    REPLICA_DATABASE_ALIAS = "replica"
    DATABASES["replica"] = env.db("REPLICA_DATABASE_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["gonghui.core.db_router.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Catalogues live in each app (gonghui/<app>/locale); see docs/decisions.md.
LOCALE_PATHS: list = []
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    # Removes a half-written upload when the disk fills up (gonghui/core/storage.py).
    "default": {"BACKEND": "gonghui.core.storage.SafeFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Largest document (PDF, JPG, PNG) a user may upload; see gonghui.core.uploads.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# Largest spreadsheet a user may upload (a district-wide member file is ~30 MB for 600k rows).
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
# An import still IMPORTING this many hours after it was confirmed lost its job (the import of a
# district-wide file takes minutes) and is marked failed by members-fail-stale-imports.
IMPORT_STALE_HOURS = env.int("IMPORT_STALE_HOURS", default=2)

# --- PII at rest -------------------------------------------------------------------------
# Fernet keys (comma-separated, newest first, for rotation) encrypt ID and phone numbers.
# A separate HMAC key makes the lookup hashes; it is neither SECRET_KEY nor stored in the DB.
PII_ENCRYPTION_KEYS = env.list("PII_ENCRYPTION_KEYS")
PII_HASH_KEY = env("PII_HASH_KEY")

# --- Security ----------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Behind the reverse proxy the client address is the first hop of X-Forwarded-For.
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
# One rule for the client address everywhere (lockout, rate limits, audit): see client_ip.
AXES_CLIENT_IP_CALLABLE = "gonghui.core.context.client_ip"
# Administrators (district level and superusers) must pass a TOTP second factor when on.
REQUIRE_ADMIN_OTP = env.bool("REQUIRE_ADMIN_OTP", default=False)
# Name shown next to the account in authenticator apps.
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="智慧工会")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Jobs --------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# A job whose worker died mid-run is delivered again (acks_late alone acks on a crash).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# How long an enqueue waits for a broker it cannot reach before the job goes to the outbox
# (gonghui.core.jobs; no job is lost), measured with production's values (prod.py: this policy,
# CELERY_BROKER_CONNECTION_TIMEOUT 2 s, socket timeout twice that; docs/faults.md): refused ≈0.7 s
# (1 + max_retries attempts); black-holed host (packets dropped) 2 s, one connect timeout (a
# timed-out connect is not tried again); a Redis that accepts and never answers 4 s, the socket
# timeout. There is no skip window: every enqueue during the outage waits that long again.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_SOCKET_TIMEOUT = 5

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Domain policy (DOMAIN.md local choices, overridable per deployment) -----------------
# Province of the district: members whose hometown is elsewhere count as migrant workers.
LOCAL_PROVINCE = env("LOCAL_PROVINCE", default="浙江省")
# Page size of dense cadre lists.
LIST_PAGE_SIZE = env.int("LIST_PAGE_SIZE", default=50)
# Counts of filtered searches stop at this number and show "1,000+" (never COUNT a huge table).
LIST_COUNT_CAP = env.int("LIST_COUNT_CAP", default=1000)
# Subtree roll-ups on the dashboard, tree and org pages (members, migrants, headcount) are
# cached this long; the pages say when they were counted. 0 turns the cache off.
FIGURES_CACHE_SECONDS = env.int("FIGURES_CACHE_SECONDS", default=300)
# "Count again now" on those pages recounts at most this often per page and user (then the
# entry kept is served): a recount of the district costs about a second of the database.
FIGURES_RECOUNT_RATE = env("FIGURES_RECOUNT_RATE", default="6/min")
# Run by `celery -A config beat` beside the worker in production.
CELERY_BEAT_SCHEDULE = {
    "refresh-figures": {"task": "gonghui.members.tasks.refresh_figures_task",
                        "schedule": max(60, FIGURES_CACHE_SECONDS - 60)},
    "purge-member-files": {"task": "gonghui.members.tasks.purge_member_files_task", "schedule": 24 * 3600},
    # Imports whose job was lost (it could not record its failure while the database was down)
    # stop showing as running: marked failed after IMPORT_STALE_HOURS.
    "members-fail-stale-imports": {"task": "gonghui.members.tasks.fail_stale_imports_task", "schedule": 15 * 60},
    # Wage negotiation: agreements take effect first, then the day's reminders are sent.
    "bargaining-effective": {"task": "gonghui.bargaining.tasks.confirm_effective_task",
                             "schedule": crontab(hour=6, minute=0)},
    "bargaining-reminders": {"task": "gonghui.bargaining.tasks.remind_due_steps_task",
                             "schedule": crontab(hour=7, minute=0)},
    # Congresses: session reports due to the upper union; proposals: replies due.
    "congress-session-reports": {"task": "gonghui.congress.tasks.bodies.remind_session_reports_task",
                                 "schedule": crontab(hour=7, minute=10)},
    "congress-proposal-replies": {"task": "gonghui.congress.tasks.proposals.remind_proposal_replies_task",
                                  "schedule": crontab(hour=7, minute=20)},
    # Grassroots building: committee terms ending, 职工之家 re-checks, 和谐 self-assessments due,
    # liaison follow-ups due.
    "grassroots-committee-terms": {"task": "gonghui.grassroots.tasks.committees.remind_committee_terms_task",
                                   "schedule": crontab(hour=7, minute=30)},
    "grassroots-home-rechecks": {"task": "gonghui.grassroots.tasks.homes.remind_home_rechecks_task",
                                 "schedule": crontab(hour=7, minute=35)},
    "grassroots-harmony-submissions": {"task": "gonghui.grassroots.tasks.harmony.remind_harmony_submissions_task",
                                       "schedule": crontab(hour=7, minute=40)},
    "grassroots-liaison-follow-ups": {"task": "gonghui.grassroots.tasks.liaison.remind_liaison_follow_ups_task",
                                      "schedule": crontab(hour=7, minute=45)},
    # Honours: the skill leaders' monthly allowance on the 1st (idempotent: a month pays once);
    # model workers' yearly care (health check, visit) not yet recorded.
    "honours-leader-allowances": {"task": "gonghui.honours.tasks.leaders.run_leader_allowances_task",
                                  "schedule": crontab(day_of_month="1", hour=6, minute=30)},
    "honours-model-worker-care": {"task": "gonghui.honours.tasks.modelworkers.remind_model_worker_care_task",
                                  "schedule": crontab(hour=7, minute=50)},
    # Training: 名师带徒 progress reports due or overdue (once per report period).
    "training-mentorship-reports": {"task": "gonghui.training.tasks.mentoring.remind_mentorship_reports_task",
                                    "schedule": crontab(hour=7, minute=55)},
    # Member benefits: partner merchants whose agreement has ended are marked expired (their offers
    # stop verifying the same night).
    "services-expire-merchant-agreements": {
        "task": "gonghui.services.tasks.benefits.expire_merchant_agreements_task",
        "schedule": crontab(hour=1, minute=10)},
    # Statistics: every org's figures of the current year (and the previous one in January) are
    # recomputed hourly for the dashboards and the annual report (docs/reports-rollups.md).
    "reports-rollups-refresh": {"task": "gonghui.reports.tasks.rollups.refresh_rollups_task",
                                "schedule": crontab(minute=5)},
    # Workers' voice: open appeals overdue past the grace are escalated one level up (idempotent).
    "voice-escalate-appeals": {"task": "gonghui.voice.tasks.appeals.escalate_overdue_appeals_task",
                               "schedule": crontab(hour=7, minute=30)},
    # Publicity: scheduled articles are published every five minutes (idempotent).
    "publicity-articles-publish": {"task": "gonghui.publicity.tasks.articles.publish_scheduled_articles_task",
                                   "schedule": 300},
    # Surveys past their closing day are closed (they take no answers after it either way).
    "voice-close-due-surveys": {"task": "gonghui.voice.tasks.surveys.close_due_surveys_task",
                                "schedule": crontab(hour=0, minute=20)},
    # Study sessions whose day has passed are marked held (their attendance sheet stays open).
    "publicity-hold-finished-studies": {"task": "publicity.studies.hold_finished_sessions",
                                        "schedule": crontab(hour=1, minute=30)},
    "purge-old-notifications": {"task": "gonghui.core.tasks.purge_old_notifications_task", "schedule": 24 * 3600},
    # Jobs enqueued while the broker was down (gonghui.core.jobs outbox) are sent once it is back.
    "flush-job-outbox": {"task": "gonghui.core.jobs.flush_outbox_task", "schedule": 60},
    # Member portal: SMS one-time codes past their retention (PORTAL_AUTH_RULES) are deleted.
    "portal-purge-sms-codes": {"task": "gonghui.portal.tasks.auth.purge_sms_codes_task",
                               "schedule": crontab(hour=3, minute=40)},
}

# --- Member portal sign-in by SMS code --------------------------------------------------------
# Dotted path of the gateway that sends one-time codes (gonghui/portal/sms.py): the console
# backend logs codes for development; production sets a real gateway (prod.py refuses to log them).
SMS_BACKEND = env("SMS_BACKEND", default="gonghui.portal.sms.ConsoleBackend")
# Limits of the codes (length, validity, tries, per number / address): gonghui/portal/rules/auth.py.
PORTAL_AUTH_RULES: dict = {}

# --- Notifications -------------------------------------------------------------------------
# The in-app notification is always written; these backends also deliver it (after commit).
# An SMS gateway plugs in as a subclass of gonghui.core.notifications.SmsBackend.
NOTIFICATION_BACKENDS = env.list("NOTIFICATION_BACKENDS", default=["gonghui.core.notifications.EmailBackend"])
# Read notifications older than this are deleted by a daily job; unread ones are kept.
NOTIFICATION_RETENTION_DAYS = env.int("NOTIFICATION_RETENTION_DAYS", default=180)
# Where links in e-mails point (no trailing slash).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# E-mail goes to an SMTP server (EMAIL_HOST:EMAIL_PORT); a failed send is logged, never raised.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_pii": {"()": "gonghui.core.logging.MaskPIIFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_pii"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
