"""Schedule and sensor as Dagster evaluates them."""

import datetime as dt
import shutil

import dagster as dg

from integration_pipeline.definitions import build_defs
from integration_pipeline.resources import PipelineSettings
from tests.conftest import TINY


def test_schedule_requests_previous_month():
    defs = build_defs()
    sched = defs.resolve_schedule_def("monthly_load_schedule")
    assert sched.cron_schedule == "0 3 2 * *"
    ctx = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2017, 7, 2, 3, 0, tzinfo=dt.UTC),
        repository_def=defs.get_repository_def())
    reqs = sched.evaluate_tick(ctx).run_requests
    assert [r.partition_key for r in reqs] == ["2017-06"]
    ctx = dg.build_schedule_context(
        scheduled_execution_time=dt.datetime(2018, 1, 2, 3, 0, tzinfo=dt.UTC),
        repository_def=defs.get_repository_def())
    assert [r.partition_key for r in sched.evaluate_tick(ctx).run_requests] == ["2017-12"]


def test_sensor_requests_each_delivery_once(tmp_path):
    shutil.copytree(TINY / "2017-06", tmp_path / "2017-06")
    settings = PipelineSettings(data_raw=str(tmp_path))
    defs = build_defs({"settings": settings})
    sensor = defs.resolve_sensor_def("delivery_sensor")
    import os
    old = dt.datetime(2020, 1, 1).timestamp()
    for f in (tmp_path / "2017-06").iterdir():
        os.utime(f, (old, old))
    ctx = dg.build_sensor_context(cursor=None, resources={"settings": settings},
                                  definitions=defs)
    result = sensor.evaluate_tick(ctx)
    assert [r.partition_key for r in result.run_requests] == ["2017-06"]
    ctx2 = dg.build_sensor_context(cursor=result.cursor, resources={"settings": settings},
                                   definitions=defs)
    result2 = sensor.evaluate_tick(ctx2)
    assert result2.run_requests == []
