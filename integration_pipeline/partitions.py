"""Monthly partitions: one partition per delivery month, key 'YYYY-MM', from 2013-01."""

import dagster as dg

monthly_partitions = dg.MonthlyPartitionsDefinition(start_date="2013-01", fmt="%Y-%m",
                                                    end_offset=1)
