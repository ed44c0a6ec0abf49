"""Failure notification hook: :func:`notify` calls every registered notifier; Slack is registered by default.

Register more with :func:`register_notifier` (e.g. e-mail, PagerDuty); a notifier that raises is logged and
skipped, so a broken notifier never stops the scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("sophia_crew.scheduler")

Notifier = Callable[[str, str], None]
NOTIFIERS: list[Notifier] = []


def register_notifier(func: Notifier) -> Notifier:
    """Add ``func(schedule_id, error)`` to the notifiers (usable as a decorator)."""
    if func not in NOTIFIERS:
        NOTIFIERS.append(func)
    return func


def unregister_notifier(func: Notifier) -> None:
    """Remove a notifier added with :func:`register_notifier`."""
    if func in NOTIFIERS:
        NOTIFIERS.remove(func)


def slack_notifier(schedule_id: str, error: str) -> None:
    """Post the failure to Slack when a bot token is configured; otherwise log that it was not sent."""
    try:
        from ..integrations.settings import load_settings
        from ..integrations.slack import SlackClient
    except ImportError as exc:
        log.info("slack notification not available (%s); schedule %s failed: %s", exc, schedule_id, error)
        return
    settings = load_settings()
    if not settings.slack_bot_token or not settings.slack_channel:
        log.info("slack not configured; schedule %s failed: %s", schedule_id, error)
        return
    text = f":warning: sophia schedule `{schedule_id}` failed: {error}"
    SlackClient(settings).post_blocks(text, [{"type": "section", "text": {"type": "mrkdwn", "text": text}}])


register_notifier(slack_notifier)


def notify(schedule_id: str, error: str) -> None:
    """Tell every notifier that a fire of ``schedule_id`` failed with ``error``."""
    for func in NOTIFIERS:
        try:
            func(schedule_id, error)
        except Exception as exc:
            log.warning("notifier %s failed: %s", getattr(func, "__name__", func), exc)
