"""Settings for K-Drama Rewind, read from the environment (twelve-factor).

Every variable has a default that runs the site on one machine with SQLite.
Production sets ``DJANGO_DEBUG=0``; the site then refuses to start without
``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from kdrama_rewind.environment import (
    cache_from_url,
    counters_from_url,
    env_bool,
    env_list,
    media_storage_from_env,
)

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = "django-insecure-local-development-key-not-for-production-use"

if not DEBUG and not os.environ.get("DJANGO_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0.")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "reviews.apps.NewsroomAdminConfig",  # Django's admin, with the newsroom's dashboard
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Flat pages (about, contact, policies), which need the sites framework;
    # kdrama_rewind/web/sites.py keeps links built from the request's host.
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "taggit",
    "django_tasks_db",
    "kdrama_rewind",
    "people",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kdrama_rewind.web.compression.PublicPageGZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "kdrama_rewind.web.requests.RequestSizeMiddleware",
    "kdrama_rewind.web.requests.NulCharacterMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "reviews.middleware.ScheduledUpdatesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "kdrama_rewind.web.sites.RequestHostSiteMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kdrama_rewind.data.db_router.PrimaryForStaffMiddleware",
    # Age for pages the page cache serves again (kdrama_rewind/caching/front.py).
    "kdrama_rewind.caching.front.AgeMiddleware",
    "kdrama_rewind.caching.pages.PublicPageCacheMiddleware",
    "kdrama_rewind.caching.front.MadeAtMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

if not DEBUG:
    # Production serves static files itself, compressed, with far-future expiry.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "kdrama_rewind.urls"
WSGI_APPLICATION = "kdrama_rewind.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kdrama_rewind.web.context_processors.site",
                "kdrama_rewind.web.context_processors.navigation",
            ],
        },
    },
]

# Widgets draw with the project's templates too (the review body's editor).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while an editor saves; IMMEDIATE takes the
        # write lock up front, so two writers queue instead of failing.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    # PostgreSQL's planner assumes spinning disks (random_page_cost 4) and
    # then reads whole tables rather than the trigram indexes name search
    # relies on; on SSD or cloud storage a random read costs little more
    # than a sequential one.
    # A statement that runs past DJANGO_DB_STATEMENT_TIMEOUT_MS is cancelled
    # (the page answers 503, the transaction rolls back); an unreachable
    # server is given up on after five seconds.
    # Parameters travel apart from the SQL, so a statement a connection has
    # run five times is kept planned on the server: planning was about
    # 0.7 ms of each page query's 0.9 ms in PostgreSQL. Behind a pooler that
    # cannot follow prepared statements (PgBouncer before 1.21 in transaction
    # mode), DJANGO_DB_PREPARED_STATEMENTS=0 turns this off.
    statement_timeout = int(os.environ.get("DJANGO_DB_STATEMENT_TIMEOUT_MS") or 30_000)
    prepared = env_bool("DJANGO_DB_PREPARED_STATEMENTS", True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        options=f"-c random_page_cost=1.1 -c statement_timeout={statement_timeout}",
        connect_timeout=5,
        server_side_binding=prepared,
        prepare_threshold=5 if prepared else None,
    )

# A read replica: reads go there, writes to the primary (kdrama_rewind/data/db_router.py).
if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        replica_url, conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
READ_REPLICA = "replica" if "replica" in DATABASES else None
DATABASE_ROUTERS = ["kdrama_rewind.data.db_router.PrimaryReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


CACHES = {
    "default": cache_from_url(os.environ.get("CACHE_URL") or "locmem://"),
    # Where template fragments go when they must not be cached (previews).
    "bypass": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    "counters": counters_from_url(os.environ.get("CACHE_URL") or "locmem://"),
}
# After the cache fails, how long each process does without it before trying
# again (kdrama_rewind/caching/backend.py).
CACHE_RETRY_SECONDS = 2.0
# How much of the cached pages and fragments each process keeps in its own
# memory, served while nothing has changed anywhere (one small round trip to
# the cache instead of the whole entry; kdrama_rewind/caching/dependencies.py).
# 0 turns it off.
CACHE_LOCAL_BYTES = int(os.environ.get("DJANGO_CACHE_LOCAL_BYTES") or 16 * 1024 * 1024)
# How long each process trusts the cache's change counter it last read before
# reading it again: a change made in another process reaches its readers
# that much later at most (0: every request reads it; a change made in the
# same process is seen at once).
CACHE_RECHECK_SECONDS = float(os.environ.get("DJANGO_CACHE_RECHECK_SECONDS") or 0.01)
# How long a public page may be served from the cache (never past the next
# scheduled publish moment, and dropped at once by any change). 0 turns it off.
PAGE_CACHE_SECONDS = int(os.environ.get("DJANGO_PAGE_CACHE_SECONDS") or 300)
# The same for the costly parts of public pages (the article, Up Next, lists
# of cards), which also serve requests a whole page cannot (staff, a page
# not cached yet). 0 turns it off.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("DJANGO_FRAGMENT_CACHE_SECONDS") or 300)

# An HTTP cache in front of the site (Varnish, a CDN) that is told which
# pages to drop after each change (kdrama_rewind.caching.purge): its purge addresses,
# comma-separated (empty: none), and the class that speaks its language.
CACHE_PURGE_URL = os.environ.get("CACHE_PURGE_URL", "")
CACHE_PURGE_BACKEND = (
    os.environ.get("CACHE_PURGE_BACKEND") or "kdrama_rewind.caching.purge.VarnishPurger"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Dubai")
USE_I18N = True
USE_TZ = True
# Dates and times on the 24-hour clock everywhere (Django's British formats
# use “2:30 p.m.”).
FORMAT_MODULE_PATH = ["kdrama_rewind.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))


MEDIA_STORAGE_BACKEND, MEDIA_ORIGIN = media_storage_from_env()
STORAGES = {
    "default": MEDIA_STORAGE_BACKEND,
    # In production static files are compressed and fingerprinted (run
    # collectstatic), and WhiteNoise serves them with far-future expiry
    # (kdrama_rewind/web/staticfiles.py).
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "kdrama_rewind.web.staticfiles.StaticFilesStorage"
    },
}

MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")

# Uploads larger than this are refused before Pillow opens them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o644

# Image policy: see reviews' and people's image fields.
IMAGE_MAX_BYTES = 12 * 1024 * 1024
# A request body over this is refused unread (kdrama_rewind/web/requests.py):
# far above any form's post, so an image a little too big still hears why.
REQUEST_MAX_BYTES = 100 * 1024 * 1024
IMAGE_MAX_PIXELS = 40_000_000
IMAGE_RENDITION_WIDTHS = (480, 800, 1200, 1600)

SITE_NAME = "K-Drama Rewind"
# The organisation that publishes the site, for structured data.
SITE_PUBLISHER = os.environ.get("DJANGO_SITE_PUBLISHER", SITE_NAME)
READING_WORDS_PER_MINUTE = 230

TAGGIT_CASE_INSENSITIVE = True

# The public address, for links that leave the site (the newsletter's emails):
# never taken from a request's Host header.
# In production it defaults to HTTPS on the first allowed host.
SITE_URL = os.environ.get(
    "DJANGO_SITE_URL", "http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0]}"
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("DJANGO_SITE_URL must start with http:// or https://.")

# Email: SMTP when a server is set, else the console while developing and
# the machine's own mail server (localhost:25) in production.
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", f"{SITE_NAME} <newsletter@localhost>"
)
email_host = os.environ.get("DJANGO_EMAIL_HOST") or ("" if DEBUG else "localhost")
if email_host:
    email_port = os.environ.get("DJANGO_EMAIL_PORT")
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": email_host,
                "port": int(email_port) if email_port else None,  # None: 587 with TLS, else 25
                "username": os.environ.get("DJANGO_EMAIL_HOST_USER", ""),
                "password": os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", email_host != "localhost"),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background tasks (every email; kdrama_rewind/tasks.py): while developing
# they run at once in the process that queues them, with nothing else to
# run; in production they are queued in the database and run by
# `manage.py db_worker` (README).
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
tasks_backend = os.environ.get("DJANGO_TASKS_BACKEND") or ("immediate" if DEBUG else "database")
if tasks_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"DJANGO_TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {tasks_backend!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[tasks_backend]}}

# How many proxies in front append the client's address to X-Forwarded-For.
# 0 ignores the header: rate limits then count REMOTE_ADDR.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT") or 0)

# Security: sensible everywhere, strict in production.
# Every response carries a strict Content-Security-Policy: the site and the
# admin load scripts, styles, fonts and images from this site only, and no
# page uses inline scripts, inline styles or event-handler attributes (JSON-LD
# is data, not script). Nothing may frame the site.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # Media on object storage comes from the bucket's or the CDN's origin.
    "img-src": [CSP.SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # forms carry the token; no script reads the cookie
LOGIN_URL = "admin:login"
# Where signing in leads when "next" is missing or refused (off the site).
LOGIN_REDIRECT_URL = "admin:index"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # A request is HTTPS when the TLS proxy in front says so. Only trusted
    # behind a proxy (a client reaching the site itself could send the header);
    # the deploy check warns when it is trusted but no proxy is counted.
    SECURE_PROXY_SSL_HEADER = (
        ("HTTP_X_FORWARDED_PROTO", "https")
        if env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT > 0)
        else None
    )
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not SECURE_SSL_REDIRECT:
        # The operator has said a TLS proxy in front redirects to HTTPS.
        SILENCED_SYSTEM_CHECKS = ["security.W008"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
