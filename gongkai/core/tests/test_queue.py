"""The job queue round-trips a task through its real storage: SQLite by default, Redis when
REDIS_URL is set (CI runs this file both ways)."""

from __future__ import annotations

import os

import pytest
from huey import RedisHuey, SqliteHuey


@pytest.fixture
def real_huey(tmp_path):
    url = os.environ.get("REDIS_URL")
    if url:
        huey = RedisHuey("gongkai-test", url=url)
    else:
        huey = SqliteHuey("gongkai-test", filename=str(tmp_path / "huey.sqlite3"))
    huey.flush()
    yield huey
    huey.flush()


def test_task_round_trip(real_huey):
    @real_huey.task()
    def add(a, b):
        return a + b

    result = add(2, 3)
    assert real_huey.pending_count() == 1
    task = real_huey.dequeue()
    real_huey.execute(task)
    assert result.get() == 5
    assert real_huey.pending_count() == 0


def test_settings_pick_redis_when_redis_url_set(settings):
    from config.settings import base

    if os.environ.get("REDIS_URL"):
        assert base.HUEY["huey_class"] == "huey.RedisHuey"
    else:
        assert base.HUEY["huey_class"] == "huey.SqliteHuey"
