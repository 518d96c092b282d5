import datetime as dt

import pytest

from integration_pipeline.params import first_week_with_thursday_in, parse_week
from integration_pipeline.settings import ConfigError


def test_status_week_of_april_2017_is_w14():
    assert first_week_with_thursday_in(2017, 4) == (2017, 14)
    assert dt.date.fromisocalendar(2017, 14, 1) == dt.date(2017, 4, 3)


def test_status_week_when_month_starts_on_friday():
    # 1 Jan 2016 is a Friday: the first Thursday in January 2016 is the 7th (week 1)
    assert first_week_with_thursday_in(2016, 1) == (2016, 1)
    # 1 Dec 2017 is a Friday: first Thursday 7 Dec -> week 49
    assert first_week_with_thursday_in(2017, 12) == (2017, 49)


def test_parse_week():
    assert parse_week("2015-W53") == (2015, 53)
    with pytest.raises(ConfigError):
        parse_week("2017-W53")
    with pytest.raises(ConfigError):
        parse_week("2017-14")


def test_warehouse_named_like_a_schema_is_refused():
    from integration_pipeline.resources import check_warehouse_path

    with pytest.raises(ConfigError, match="clashes with a schema"):
        check_warehouse_path("/tmp/core.duckdb")
    assert check_warehouse_path("/tmp/integration.duckdb") == "/tmp/integration.duckdb"
