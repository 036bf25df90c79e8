"""Settings for the Westfield Records Portal.

Everything comes from the environment (README, "Configuration"). The defaults need no server:
SQLite, the Celery filesystem broker, a per-process cache, email to the console and media under
`var/`. `PORTAL_PRODUCTION=true` switches on the hardened settings; mistakes in a production
configuration are reported by the `portal.E…` system checks in `portal/checks.py`.
"""

import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list, env_path, env_required, env_str
from tasks.schedule import BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = env_path("PORTAL_VAR_DIR", BASE_DIR / "var")
VAR_DIR.mkdir(parents=True, exist_ok=True)

PRODUCTION = env_bool("PORTAL_PRODUCTION", default=False)
# The demo prints its accounts' logins; the production checks refuse it.
DEMO = env_bool("PORTAL_DEMO", default=False)
DEBUG = env_bool("DJANGO_DEBUG", default=DEMO and not PRODUCTION)


def _development_secret_key() -> str:
    """A random key kept under var/, so no key is ever committed and sessions survive restarts."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _development_encryption_key() -> str:
    """Like the secret key: generated once under var/, never committed."""
    key_file = VAR_DIR / "field_encryption_key"
    if not key_file.exists():
        from cryptography.fernet import Fernet

        key_file.write_text(Fernet.generate_key().decode())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env_str("SECRET_KEY") or (
    _development_secret_key() if not PRODUCTION else env_required("SECRET_KEY")
)
# Newest first; older keys only decrypt (portal/crypto.py). Required in production.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", []) or (
    [_development_encryption_key()] if not PRODUCTION else [env_required("FIELD_ENCRYPTION_KEYS")]
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "portal.apps.PortalConfig",
    "portal.accounts.apps.AccountsConfig",
    "portal.health.apps.HealthConfig",
    "portal.webforms.apps.WebformsConfig",
    "portal.files.apps.FilesConfig",
    "portal.profiles.apps.ProfilesConfig",
    "portal.identity.apps.IdentityConfig",
    "portal.representatives.apps.RepresentativesConfig",
    "portal.postal.apps.PostalConfig",
    "portal.audit.apps.AuditConfig",
    "portal.access.apps.AccessConfig",
    "portal.disclosures.apps.DisclosuresConfig",
    "portal.policies.apps.PoliciesConfig",
    "requests.apps.RequestsConfig",
    "requests.gathering.apps.GatheringConfig",
    "requests.release.apps.ReleaseConfig",
    "requests.corrections.apps.CorrectionsConfig",
    "portal.reports.apps.ReportsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Lets audit events written by signal receivers name who acted (portal/audit/context.py).
    "portal.audit.context.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out idle or too-long sessions (needs the user and messages), then marks every page
    # of a signed-in person no-store (portal/accounts/middleware.py).
    "portal.accounts.middleware.SessionTimeoutMiddleware",
    "portal.accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # Staff pages (/staff/, the admin): second factor, then the safeguards acknowledgment.
    "portal.accounts.middleware.StaffAccessMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.city",
                # The notice of a coming change to the privacy policy, on every page.
                "portal.policies.context_processors.policy_change",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat share one file: WAL lets readers run beside the writer,
    # and IMMEDIATE transactions make writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# allauth keeps its rate limits and its TOTP replay guard in the cache, so production needs one
# cache shared by every web process (portal.E003); a per-process cache would multiply each limit.

CACHE_URL = env_str("CACHE_URL", "locmem://")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "portal"),
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # No words about the City ("Westfield", "Whip City", its ZIP codes); no composition rules.
    {"NAME": "portal.accounts.validators.CityThemedPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[City of Westfield] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "portal.accounts.adapters.AccountAdapter"
# Email codes last 10 minutes; the third wrong code ends the attempt.
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_TIMEOUT = 10 * 60
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_MAX_ATTEMPTS = 3
# "Forgot your password" answers the same whether or not an account has the address; an
# unknown address gets an email saying so, which only its owner can read.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = True
# One address per account: a change is confirmed by code, then replaces the old address, which
# is told about it; so are password and two-step sign-in changes.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Changing an address or two-step sign-in asks for the password again unless given in the last
# ACCOUNT_REAUTHENTICATION_TIMEOUT seconds.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
# Rate limits, kept in the shared cache: after LOGIN_FAILURE_LIMIT wrong passwords for one
# address within LOGIN_FAILURE_WINDOW_SECONDS, even the right one is refused until the window
# has passed. The same counter guards two-step codes at sign-in.
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW_SECONDS = 5 * 60
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": f"10/m/ip,{LOGIN_FAILURE_LIMIT}/{LOGIN_FAILURE_WINDOW_SECONDS}s/key",
    "signup": "10/m/ip",
    # Sending a new email code; entering codes is limited by the attempts above.
    "confirm_email": "1/10s/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "City of Westfield Records Portal"
MFA_ADAPTER = "portal.accounts.adapters.MFAAdapter"
# Residents can see where they are signed in and sign out other devices.
USERSESSIONS_TRACK_ACTIVITY = True

# Signed out after this long without using the portal, and after this long in all, whatever
# the activity (portal/accounts/session_timeout.py); warned this long before the idle limit.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=180)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env_int(
    "SESSION_ABSOLUTE_TIMEOUT_SECONDS", 12 * 60 * 60, minimum=300
)
SESSION_TIMEOUT_WARNING_SECONDS = 120
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Email ----------------------------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Westfield Records Portal <records@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Language, time -------------------------------------------------------------------------

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "America/New_York"
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
MEDIA_ROOT = env_path("MEDIA_ROOT", VAR_DIR / "media")
# No MEDIA_URL: uploads are never served from a public URL; views stream them after a permission
# check.
PRIVATE_FILES_ROOT = env_path("PRIVATE_FILES_ROOT", MEDIA_ROOT / "private")
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Encrypted evidence and attachments: no base URL, so nothing in it is ever served directly.
    "private": {
        "BACKEND": "portal.files.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": PRIVATE_FILES_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production WhiteNoise serves straight from the apps' static folders, no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Security -------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # The load balancer probes /healthz over plain HTTP on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # "__Host-": the browser accepts these cookies only over HTTPS, for this host alone, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Celery ---------------------------------------------------------------------------------
# The database is the truth; broker messages are only nudges (DESIGN.md, "Celery, made robust").

CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
CELERY_BROKER_KEY_PREFIX = env_str("CELERY_BROKER_KEY_PREFIX")
CELERY_FILESYSTEM_BROKER_DIR = VAR_DIR / "celery-broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_BROKER_DIR / "queue"),
        "control_folder": str(CELERY_FILESYSTEM_BROKER_DIR / "control"),
        "store_processed": False,
        # The folder is polled; a worker with every slot busy otherwise waits a whole second
        # before it takes the next message.
        "polling_interval": 0.1,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message not acknowledged within an hour is delivered again: longer than any task's
        # hard time limit, so acks_late never causes a running task to be duplicated.
        "visibility_timeout": 3600,
        "socket_connect_timeout": 5,
        "socket_timeout": 10,
    }
    if CELERY_BROKER_KEY_PREFIX:
        CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = CELERY_BROKER_KEY_PREFIX
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "portal")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# /healthz calls the worker down when no heartbeat task was consumed for this long; beat sends one
# every 30 seconds (tasks/schedule.py).
HEALTH_WORKER_MAX_AGE_SECONDS = env_int("HEALTH_WORKER_MAX_AGE_SECONDS", 120, minimum=30)
HEALTH_CHECK_TIMEOUT_SECONDS = env_int("HEALTH_CHECK_TIMEOUT_SECONDS", 3, minimum=1)

# --- The City -------------------------------------------------------------------------------

CITY_NAME = env_str("PORTAL_CITY_NAME", "City of Westfield")
RECORDS_ACCESS_OFFICER_EMAIL = env_str("RECORDS_ACCESS_OFFICER_EMAIL", "records@localhost")
RECORDS_ACCESS_OFFICER_PHONE = env_str("RECORDS_ACCESS_OFFICER_PHONE", "")
DEMO_DATA_DIR = VAR_DIR / "demo"

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- Requests -------------------------------------------------------------------------------
from django.utils.translation import gettext_lazy as _lazy  # noqa: E402

# The Public Records Law clock (c. 66 §10): a written response within 10 business days and
# production within 25 (a municipality); c. 66A has no day count, so corrections and contests are
# decided within 30 calendar days by the City's policy. One extension of up to 30 business days.
REQUESTS_RESPONSE_BUSINESS_DAYS = env_int("REQUESTS_RESPONSE_BUSINESS_DAYS", 10, minimum=1)
REQUESTS_PRODUCTION_BUSINESS_DAYS = env_int("REQUESTS_PRODUCTION_BUSINESS_DAYS", 25, minimum=1)
REQUESTS_DECISION_CALENDAR_DAYS = env_int("REQUESTS_DECISION_CALENDAR_DAYS", 30, minimum=1)
REQUESTS_EXTENSION_MAX_BUSINESS_DAYS = env_int(
    "REQUESTS_EXTENSION_MAX_BUSINESS_DAYS", 30, minimum=1
)
# Links in emails point here (no request is at hand when a worker sends them).
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://localhost:8000")
# The clerks' queue and daily digest call a request "due soon" this many business days ahead.
REQUESTS_DUE_SOON_BUSINESS_DAYS = env_int("REQUESTS_DUE_SOON_BUSINESS_DAYS", 3, minimum=1)
# New requests one resident may file in a calendar day (staff filing for them are not counted).
REQUESTS_DAILY_LIMIT = env_int("REQUESTS_DAILY_LIMIT", 5, minimum=1)
# The identity level (DESIGN.md, "Identity assurance") each type of request needs to go ahead.
REQUESTS_IDENTITY_LEVEL_NEEDED = {
    kind: env_int(f"REQUESTS_IDENTITY_LEVEL_{kind.upper()}", level, minimum=1)
    for kind, level in {
        "inquiry": 2,
        "access": 2,
        "correction": 2,
        "contest": 2,
        "access_log": 1,
    }.items()
}
# Exemptions a denial may cite: M.G.L. c. 4 §7 cl. 26, the parts that touch personal data.
REQUESTS_EXEMPTIONS = {
    "26a": _lazy("c. 4 §7 cl. 26 (a): kept private by another law"),
    "26c": _lazy("c. 4 §7 cl. 26 (c): privacy of other people named in the records"),
    "26n": _lazy("c. 4 §7 cl. 26 (n): security of City systems and buildings"),
    "26o": _lazy("c. 4 §7 cl. 26 (o): home contact details of City employees"),
    "26p": _lazy("c. 4 §7 cl. 26 (p): home contact details of City employees' families"),
}

# --- Reports --------------------------------------------------------------------------------
# The public page of aggregated figures and the public annual report (on in the demo); a staff
# member who opened the records of this many residents outside assigned requests is listed.
REPORTS_PUBLIC_PAGE = env_bool("REPORTS_PUBLIC_PAGE", default=DEMO)
REPORTS_UNUSUAL_RESIDENTS = env_int("REPORTS_UNUSUAL_RESIDENTS", 20, minimum=1)

# --- Identity -------------------------------------------------------------------------------
# Level 2 by account knowledge: failed tries allowed per account (and per City account number)
# in a rolling window; the next try is refused without asking the department.
IDENTITY_ACCOUNT_KNOWLEDGE_MAX_FAILURES = env_int(
    "IDENTITY_ACCOUNT_KNOWLEDGE_MAX_FAILURES", 5, minimum=1
)
IDENTITY_ACCOUNT_KNOWLEDGE_WINDOW_HOURS = env_int(
    "IDENTITY_ACCOUNT_KNOWLEDGE_WINDOW_HOURS", 24, minimum=1
)
# Uploaded ID images (c. 66A §2(l)): purged this many days after a clerk's decision; one never
# reviewed is purged this many days after it was sent; one never sent, after a day.
IDENTITY_DOCUMENT_RETENTION_DAYS = env_int("IDENTITY_DOCUMENT_RETENTION_DAYS", 30, minimum=0)
IDENTITY_DOCUMENT_UNREVIEWED_DAYS = env_int("IDENTITY_DOCUMENT_UNREVIEWED_DAYS", 60, minimum=1)

# --- Mailed codes ---------------------------------------------------------------------------
# Level 2 by a code mailed to the address of record (portal/postal). The address comes from these
# data sources (slugs, asked in order), each configuring a lookup named `address_of_record`.
POSTAL_ADDRESS_SOURCES = env_list("POSTAL_ADDRESS_SOURCES", ["city-clerk-addresses"])
POSTAL_CODE_VALID_DAYS = env_int("POSTAL_CODE_VALID_DAYS", 30, minimum=1)
# Wrong codes before the code is void and the resident needs a new letter.
POSTAL_MAX_WRONG_CODES = env_int("POSTAL_MAX_WRONG_CODES", 5, minimum=1)
POSTAL_REQUESTS_PER_30_DAYS = env_int("POSTAL_REQUESTS_PER_30_DAYS", 3, minimum=1)
POSTAL_BATCH_MAX_LETTERS = env_int("POSTAL_BATCH_MAX_LETTERS", 200, minimum=1)
# A lookup still unfinished after this long shows in the clerks' review queue to be run again.
POSTAL_LOOKUP_STALLED_MINUTES = env_int("POSTAL_LOOKUP_STALLED_MINUTES", 15, minimum=1)
# The sender's address printed on every letter; lines separated by "|".
POSTAL_RETURN_ADDRESS = [
    line.strip()
    for line in env_str(
        "POSTAL_RETURN_ADDRESS", "Records Access Officer|City Hall|Westfield, MA 01085"
    ).split("|")
    if line.strip()
]

# --- Representatives ------------------------------------------------------------------------
# Days a representative's proof of authority is kept after a refusal, or after the grant ends
# (its last day, or when it is stopped); the nightly purge then deletes the file and keeps the
# decision (c. 66A §2(l)).
REPRESENTATIVE_PROOF_RETENTION_DAYS = env_int("REPRESENTATIVE_PROOF_RETENTION_DAYS", 90, minimum=1)

# --- Need to know, the access log, disclosures and legal process ---------------------------

# Which requests clerks may open: "all" of them, or only those "assigned" to them. Either way a
# clerk opening a request assigned to someone else states a purpose, flagged to the privacy officer.
ACCESS_CLERKS_SEE = env_str("ACCESS_CLERKS_SEE", "all")
if ACCESS_CLERKS_SEE not in ("all", "assigned"):
    raise ImproperlyConfigured('ACCESS_CLERKS_SEE must be "all" or "assigned".')
# Business days between notifying a resident of a subpoena or order and releasing what it seeks
# (c. 66A §2(k): time to seek to quash it), unless a court dispenses with notice.
LEGAL_PROCESS_NOTICE_BUSINESS_DAYS = env_int("LEGAL_PROCESS_NOTICE_BUSINESS_DAYS", 10, minimum=1)

# --- Connectors -----------------------------------------------------------------------------
# Hosts the `http` connector may call (tasks/connectors/httpclient.py), checked before any
# request is made; loopback only unless a department's service is named here.
CONNECTOR_HTTP_ALLOWED_HOSTS = [
    host.lower()
    for host in env_list("CONNECTOR_HTTP_ALLOWED_HOSTS", ["127.0.0.1", "::1", "localhost"])
]
# The largest answer a department's service may give to one lookup.
CONNECTOR_HTTP_MAX_RESPONSE_BYTES = env_int(
    "CONNECTOR_HTTP_MAX_RESPONSE_BYTES", 10 * 1024 * 1024, minimum=1024
)

# --- Release packages (requests/release) ----------------------------------------------------
# Days a resident's download link works after the package is built; a clerk can reissue it.
RELEASE_LINK_DAYS = env_int("RELEASE_LINK_DAYS", 30, minimum=1)
# How long a worker holds a package it builds before another may take it over.
RELEASE_BUILD_LEASE_SECONDS = env_int("RELEASE_BUILD_LEASE_SECONDS", 1800, minimum=60)
# Tries at building a package before it fails and the clerk is asked to reissue it.
RELEASE_BUILD_MAX_ATTEMPTS = env_int("RELEASE_BUILD_MAX_ATTEMPTS", 3, minimum=1)

# --- Gathering from the departments (requests/gathering) -----------------------------------
# How long a worker holds a source run before the reconciler may hand it to another; longer
# than a task may run (CELERY_TASK_TIME_LIMIT), so a live worker never loses its run.
GATHERING_LEASE_SECONDS = env_int("GATHERING_LEASE_SECONDS", 360, minimum=30)
# Tries of a source that answers with transient errors before its run fails.
GATHERING_MAX_ATTEMPTS = env_int("GATHERING_MAX_ATTEMPTS", 5, minimum=1)
# The wait before try n+1 is base·2^(n-1) seconds, at most the cap, with ±50% jitter.
GATHERING_BACKOFF_BASE_SECONDS = env_int("GATHERING_BACKOFF_BASE_SECONDS", 30, minimum=1)
GATHERING_BACKOFF_CAP_SECONDS = env_int("GATHERING_BACKOFF_CAP_SECONDS", 3600, minimum=1)
# A run unfinished this long is logged by the reconciler as stuck.
GATHERING_STUCK_MINUTES = env_int("GATHERING_STUCK_MINUTES", 120, minimum=1)
# Business days a steward has to search a manual source.
GATHERING_MANUAL_DUE_BUSINESS_DAYS = env_int("GATHERING_MANUAL_DUE_BUSINESS_DAYS", 5, minimum=1)

# --- Corrections (requests/corrections) ------------------------------------------------------
# Days a resident has to appeal a denied correction, and the privacy officer to decide it.
CORRECTIONS_APPEAL_DAYS = env_int("CORRECTIONS_APPEAL_DAYS", 30, minimum=1)
CORRECTIONS_APPEAL_DECISION_DAYS = env_int("CORRECTIONS_APPEAL_DECISION_DAYS", 30, minimum=1)
# The longest statement of disagreement, in characters.
CORRECTIONS_STATEMENT_MAX_CHARS = env_int("CORRECTIONS_STATEMENT_MAX_CHARS", 2000, minimum=100)
# Outside recipients of the data this far back are told of a correction or statement.
CORRECTIONS_RECIPIENTS_LOOKBACK_DAYS = env_int(
    "CORRECTIONS_RECIPIENTS_LOOKBACK_DAYS", 365, minimum=1
)
# How long a worker holds a write-back before the reconciler may hand it to another.
CORRECTIONS_WRITE_BACK_LEASE_SECONDS = env_int(
    "CORRECTIONS_WRITE_BACK_LEASE_SECONDS", 360, minimum=30
)
# Tries of a write-back that meets transient errors before it fails.
CORRECTIONS_WRITE_BACK_MAX_ATTEMPTS = env_int("CORRECTIONS_WRITE_BACK_MAX_ATTEMPTS", 5, minimum=1)
