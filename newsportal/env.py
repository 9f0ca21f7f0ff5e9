"""Helpers that read the settings from the environment and stop with one sentence when they can't.

Kept out of settings.py so that the settings read as a list of decisions.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def fail(message: str):
    """Stop with a sentence an operator can act on, instead of a traceback."""
    raise SystemExit(f"newsportal: configuration error: {message}")


def local_secret_key(path: Path) -> str:
    """This installation's own key, made once and kept owner-only in var/ (never a key in the
    code: with one, anyone could sign share links to drafts and forge consent cookies)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


def beside_the_running_site(path: Path) -> None:
    """Take the settings of the site that `make run` or `make cluster` serves from this folder
    (`path`, written as it starts) wherever the environment does not say otherwise: a command
    run beside it then purges the cache that site reads and names its address."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return
    for line in lines:
        name, _, value = line.partition("=")
        if name.isidentifier() and value:
            os.environ.setdefault(name, value)


def write_site_env(path: Path, values: dict[str, str]) -> None:
    """Record the settings a running site was started with (owner-only: it may name a password)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.writelines(f"{name}={value}\n" for name, value in values.items() if value)


LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}


def is_loopback_host(host: str) -> bool:
    return host in LOOPBACK_HOSTS or host.endswith(".localhost")


def cache_from_url(url: str, base_dir: Path) -> dict:
    """CACHE_URL: redis://host:6379/0 (several machines), file:///path (several processes on one
    machine), locmem:// (one process: the default) or dummy://."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in {"redis", "rediss", "unix"}:
        return {
            "BACKEND": "newsportal.rediscache.RedisCache",
            "LOCATION": url,
            # A Redis that hangs must not hold a worker: fail fast and serve uncached.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    if scheme == "file":
        location = Path(parts.netloc + parts.path)
        location = location if location.is_absolute() else base_dir / location
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(location),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 100000},  # purge stamps must outlive the pages they guard
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    fail(
        f"CACHE_URL scheme {scheme!r} is not supported (use redis://, file://, locmem://, dummy://)."
    )


def s3_storage(bucket, media_url, endpoint_url=None, region=None, access_key=None, secret_key=None):
    """STORAGES["default"] for an S3-compatible bucket whose public address is `media_url`."""
    media = urlsplit(media_url)
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            # Pages link to media_url; names carry a random part (articles/media/images.py) and
            # files never change under a name, so browsers and CDNs keep them for a year.
            "custom_domain": f"{media.netloc}{media.path}".rstrip("/"),
            "url_protocol": f"{media.scheme}:",
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
