from .autosaves import Autosave
from .briefings import Briefing, BriefingDelivery
from .columns import WEEKDAYS, Column
from .dramas import Character, Drama, Genre, Quote
from .newsroom import (
    Anchor,
    Comment,
    Notification,
    NotificationKind,
    NotificationSettings,
    SendBack,
)
from .reviews import Review, ReviewQuerySet
from .tags import Tag, TaggedReview
from .up_next import UpNextEntry
from .workflow import (
    CalendarToken,
    Correction,
    PreviewLink,
    Revision,
    SlugRedirect,
    UploadStash,
    next_scheduled_moment,
)

__all__ = [
    "WEEKDAYS",
    "Anchor",
    "Autosave",
    "Briefing",
    "BriefingDelivery",
    "CalendarToken",
    "Character",
    "Column",
    "Comment",
    "Correction",
    "Drama",
    "Genre",
    "Notification",
    "NotificationKind",
    "NotificationSettings",
    "PreviewLink",
    "Quote",
    "Review",
    "ReviewQuerySet",
    "Revision",
    "SendBack",
    "SlugRedirect",
    "Tag",
    "TaggedReview",
    "UpNextEntry",
    "UploadStash",
    "next_scheduled_moment",
]
