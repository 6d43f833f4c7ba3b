from .autosaves import Autosave
from .briefings import Briefing, BriefingDelivery
from .dramas import Character, Drama, Genre, Quote
from .reviews import WEEKDAYS, Column, Review, ReviewQuerySet, Tag, TaggedReview
from .workflow import (
    CalendarToken,
    Correction,
    PreviewLink,
    Revision,
    SlugRedirect,
    UploadStash,
)

__all__ = [
    "WEEKDAYS",
    "Autosave",
    "Briefing",
    "BriefingDelivery",
    "CalendarToken",
    "Character",
    "Column",
    "Correction",
    "Drama",
    "Genre",
    "PreviewLink",
    "Quote",
    "Review",
    "ReviewQuerySet",
    "Revision",
    "SlugRedirect",
    "Tag",
    "TaggedReview",
    "UploadStash",
]
