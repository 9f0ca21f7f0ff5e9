"""Helpers that read the settings from the environment and stop with one sentence when they can't.

Kept out of settings.py so that the settings read as a list of decisions.
"""

import os
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


def cache_from_url(url: str, base_dir: Path) -> dict:
    """CACHE_URL: redis://host:6379/0 (several machines), file:///path (several processes on one
    machine), locmem:// (one process: the default) or dummy://."""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme in {"redis", "rediss", "unix"}:
        return {"BACKEND": "newsportal.rediscache.RedisCache", "LOCATION": url}
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
            # Pages link to media_url; names carry a random part (articles/images.py) and files
            # never change under a name, so browsers and CDNs keep them for a year.
            "custom_domain": f"{media.netloc}{media.path}".rstrip("/"),
            "url_protocol": f"{media.scheme}:",
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
