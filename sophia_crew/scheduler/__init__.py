"""Scheduled crew runs on APScheduler 3 with a persistent job store in the run store's database.

    from sophia_crew.scheduler import add_schedule, list_schedules, run_daemon
    add_schedule("client_health", "0 7 * * MON-FRI", "Europe/Berlin")
"""

from .fires import FireOutcome, fire_history, run_scheduled
from .notify import notify, register_notifier, unregister_notifier
from .service import (
                      ScheduleInfo,
                      SyncResult,
                      add_schedule,
                      build_scheduler,
                      get_schedule,
                      list_schedules,
                      open_store,
                      pause_schedule,
                      remove_schedule,
                      resume_schedule,
                      run_daemon,
                      run_now,
                      sync_yaml_schedules,
)

__all__ = [
    "FireOutcome", "ScheduleInfo", "SyncResult", "add_schedule", "build_scheduler", "fire_history",
    "get_schedule", "list_schedules", "notify", "open_store", "pause_schedule", "register_notifier",
    "remove_schedule", "resume_schedule", "run_daemon", "run_now", "run_scheduled", "sync_yaml_schedules",
    "unregister_notifier",
]
