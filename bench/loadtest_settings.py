"""Settings for `bench/foi_load.py` only: the production settings plus the captcha in test mode
(any answer "PASSED" passes) and rate limits high enough for 200 submissions from one address.

Never use these for a real site: the captcha is switched off.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import INSTALLED_APPS, LOGGING

if "captcha" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "captcha"]
ROOT_URLCONF = "bench.loadtest_urls"

CAPTCHA_TEST_MODE = True
FOI_RATE_LIMITS = {
    "apply": [(1_000_000, 600)],
    "apply_post": [(1_000_000, 600)],
    "lookup": [(1_000_000, 600)],
}
# django-simple-captcha logs an ERROR when test mode is on outside DEBUG; expected here.
LOGGING = {
    **LOGGING,
    "loggers": {**LOGGING.get("loggers", {}), "captcha.conf.settings": {"level": "CRITICAL"}},
}
INTERACTION_RATE_LIMITS = {
    "message": [(1_000_000, 600)],
    "post": [(1_000_000, 600)],
    "lookup": [(1_000_000, 600)],
}
