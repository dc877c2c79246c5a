"""Test settings for running this app's tests before `gongkai.search` is wired into
config/settings/base.py and config/urls.py (then they change nothing):

    .venv/bin/pytest gongkai/search --ds=gongkai.search.tests.settings
"""

from config.settings.test import *  # noqa: F403
from config.settings.test import INSTALLED_APPS

if "gongkai.search" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "gongkai.search"]
    ROOT_URLCONF = "gongkai.search.tests.urls"
