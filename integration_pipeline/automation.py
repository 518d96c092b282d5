"""Schedule and sensor of the monthly load.

The schedule runs on the 2nd of each month at 03:00 for the previous month's partition; the
sensor watches INTEGRATION_DATA_RAW for complete new or changed deliveries. Both start
STOPPED (Dagster's default); turn them on in the UI (Automation) or with `dagster schedule start`.
"""

import json

import dagster as dg

from .delivery import scan
from .resources import PipelineSettings


def previous_month(year: int, month: int) -> str:
    return f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"


def build_automation(job):
    @dg.schedule(job=job, name="monthly_load_schedule", cron_schedule="0 3 2 * *",
                 execution_timezone="UTC",
                 description="Load last month's delivery on the 2nd of every month at 03:00 "
                             "UTC (the partition of the previous month).")
    def schedule(context: dg.ScheduleEvaluationContext):
        tick = context.scheduled_execution_time
        month = previous_month(tick.year, tick.month)
        return dg.RunRequest(run_key=f"schedule:{month}", partition_key=month)

    @dg.sensor(job=job, name="delivery_sensor", minimum_interval_seconds=60,
               description="Requests a run for each complete new or changed delivery folder "
                           "<data_raw>/<YYYY-MM>/ (all three extracts; MANIFEST.json sha256s "
                           "verified when present). The cursor keeps each month's content "
                           "fingerprint, so a delivery is loaded once and again only when "
                           "its files change.")
    def delivery_sensor(context: dg.SensorEvaluationContext, settings: PipelineSettings):
        cursor = json.loads(context.cursor) if context.cursor else {}
        found, new_cursor, notes = scan(settings.data_raw_path(), cursor)
        for note in notes:
            context.log.info(note)
        context.update_cursor(json.dumps(new_cursor, sort_keys=True))
        if not found:
            return dg.SkipReason("no new or changed complete delivery"
                                 + (": " + "; ".join(notes) if notes else ""))
        return [dg.RunRequest(run_key=f.run_key, partition_key=f.month,
                              tags={"delivery_fingerprint": f.fingerprint[:16]})
                for f in found]

    return schedule, delivery_sensor
