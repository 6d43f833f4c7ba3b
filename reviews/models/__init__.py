from .dramas import Character, Drama, Genre, Quote
from .reviews import Column, Review, ReviewQuerySet, Tag, TaggedReview

__all__ = [
    "Character",
    "Column",
    "Drama",
    "Genre",
    "Quote",
    "Review",
    "ReviewQuerySet",
    "Tag",
    "TaggedReview",
]
