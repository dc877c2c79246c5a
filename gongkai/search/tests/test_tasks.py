"""Index jobs are retried when they fail (a database locked by a rebuild's copy)."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from huey.contrib.djhuey import HUEY

from gongkai.search import services, tasks
from gongkai.search.models import Scope, SearchDocument


@pytest.fixture
def huey():
    HUEY.flush()
    yield HUEY
    HUEY.flush()


def _failing_once(monkeypatch, name: str) -> list[int]:
    """services.<name> fails with a locked database the first time, then runs."""
    original = getattr(services, name)
    calls = []

    def locked_once(*, item_id):
        calls.append(item_id)
        if len(calls) == 1:
            raise OperationalError("database is locked")
        return original(item_id=item_id)

    monkeypatch.setattr(services, name, locked_once)
    return calls


def _run_retry(huey, task, item_id: int) -> None:
    """The one retry scheduled, run when it is due."""
    [retry] = huey.scheduled()
    assert isinstance(retry, task.task_class) and retry.args == (item_id,)
    assert retry.retries == tasks.RETRIES - 1
    assert retry.eta is not None
    [due] = huey.read_schedule(retry.eta)  # what the consumer's scheduler does when it is due
    huey.execute(due, timestamp=retry.eta)
    assert not huey.scheduled()


#: (job, the service it runs, indexed before, which rows to look at, indexed afterwards)
JOBS = [
    pytest.param("index_item_task", "index_item", False, {"scope": Scope.PUBLIC}, True, id="index"),
    pytest.param("unindex_item_task", "unindex_item", True, {}, False, id="unindex"),
    pytest.param(
        "index_working_copy_task",
        "index_working_copy",
        False,
        {"scope": Scope.STAFF},
        True,
        id="working-copy",
    ),
]


@pytest.mark.parametrize(("job", "service", "before", "rows", "after"), JOBS)
def test_a_job_that_finds_the_database_locked_is_retried(
    publish, huey, monkeypatch, job, service, before, rows, after
):
    item = publish("低保标准调整", "城乡低保", index=before)
    task = getattr(tasks, job)
    calls = _failing_once(monkeypatch, service)
    task(item.pk)
    assert SearchDocument.objects.filter(item=item, **rows).exists() is before
    _run_retry(huey, task, item.pk)
    assert calls == [item.pk, item.pk]
    assert SearchDocument.objects.filter(item=item, **rows).exists() is after
