"""The admin's lists, safe with any date asked for.

Django's date hierarchy (the row of years, months and days above a list)
reads the year, month and day from the address and catches only the
``ValueError`` of an impossible date: a year of thirty digits (an
``OverflowError``), the last days of year 9999 (whose next day or year
does not exist) or year 1 east of UTC (before year 1 there) answered 500.
Such an address is treated as Django treats other bad filters: the list is
shown unfiltered, marked as an error.
"""

from datetime import UTC, datetime

from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList


class CheckedChangeList(ChangeList):
    def get_filters(self, request):
        try:
            filters = super().get_filters(request)
            lookups = filters[2]
            for values in lookups.values():
                for value in values:
                    if isinstance(value, datetime):
                        value.astimezone(UTC)  # as the database is sent it
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error
        return filters


class CheckedDateHierarchyMixin:
    """For a ModelAdmin with ``date_hierarchy``."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList
