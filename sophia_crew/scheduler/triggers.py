"""Cron expressions → APScheduler ``CronTrigger``.

Five fields are standard crontab (``minute hour day month day_of_week``); six fields put seconds first.
Numeric days of week follow crontab (0 and 7 = Sunday); APScheduler numbers Monday as 0, so numbers are
translated to names before they reach it.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger

from ..errors import InputError

_DOW_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_DOW_NUMBER = re.compile(r"(?<![/\d])\d+")  # a day number, not a step ("*/2")


def _dow(field: str, where: str) -> str:
    def name(match: re.Match) -> str:
        value = int(match.group())
        if value > 7:
            raise InputError(f"{where}: day of week {value} is out of range 0-7")
        return _DOW_NAMES[value]

    return _DOW_NUMBER.sub(name, field)


def cron_trigger(cron: str, tz: str = "UTC", where: str = "schedule") -> CronTrigger:
    """Build the trigger for ``cron`` in time zone ``tz``; InputError naming ``where`` when either is invalid."""
    try:
        zone = ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(f"{where}: timezone: unknown time zone {tz!r}") from None
    fields = cron.split()
    if len(fields) not in (5, 6):
        raise InputError(f"{where}: cron: expected 5 fields (or 6 with seconds first), got {len(fields)}: {cron!r}")
    second = fields.pop(0) if len(fields) == 6 else "0"
    minute, hour, day, month, dow = fields
    try:
        return CronTrigger(second=second, minute=minute, hour=hour, day=day, month=month,
                           day_of_week=_dow(dow, where), timezone=zone)
    except ValueError as exc:
        raise InputError(f"{where}: cron {cron!r}: {exc}") from None
