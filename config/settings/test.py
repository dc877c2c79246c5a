"""Test settings: fast hashing, immediate jobs, local memory cache."""

from .base import *  # noqa: F403
from .base import HUEY

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
HUEY = {**HUEY, "immediate": True}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the apps' folders, as in development; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Cached portal pages must not carry over between tests (locmem is never cleared); the portal's
# cache tests switch it on themselves.
GONGKAI_PORTAL_CACHE_SECONDS = 0
# Search on SQLite: two shards, so that every search test runs across shards.
GONGKAI_SEARCH_SHARDS = 2
