"""Times as the newsroom reads them: on the 24-hour clock, in the newsroom's
time zone (``settings.TIME_ZONE``), the same in messages, in History and in
the admin's lists (whose formats ``kdrama_rewind/formats`` sets).
"""

from datetime import datetime

from django.utils import timezone


def newsroom(moment: datetime) -> datetime:
    """``moment`` on the newsroom's clock."""
    return timezone.localtime(moment, timezone.get_default_timezone())


def zone_name() -> str:
    """The newsroom's time zone as people say it: “Dubai time”, or “UTC”."""
    key = timezone.get_default_timezone_name()
    if "/" not in key:
        return key
    return key.rsplit("/", 1)[-1].replace("_", " ") + " time"


def zone_phrase() -> str:
    """“in the newsroom’s time zone (Dubai time, UTC+04:00)”, the offset as of now."""
    offset = newsroom(timezone.now()).strftime("%z")
    offset = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return f"in the newsroom’s time zone ({zone_name()}, {offset})"


def when(moment: datetime, *, zone: bool = False) -> str:
    """“04 Jul 2026, 13:04”, or with ``zone`` “04 Jul 2026, 13:04 (Dubai time)”."""
    text = f"{newsroom(moment):%d %b %Y, %H:%M}"
    return f"{text} ({zone_name()})" if zone else text


def same_moment(value: datetime | None, stored: datetime | None) -> datetime | None:
    """Forms show times to the second: a time equal to the stored one at
    that precision is the stored one."""
    if value is None or stored is None:
        return value
    if value.replace(microsecond=0) == stored.replace(microsecond=0):
        return stored
    return value
