"""Import and export of reviews as Markdown files with TOML front matter.

Import rule: the file is the whole review. Its fields, dramas, featured
people, pull quotes, tags and hero image are set exactly as the file says.
The things a review shares with others (author, column, drama, people,
characters, quotes) are found by slug (or, failing that, by name), created
when missing, and otherwise updated only with the values the file gives: an
import never renames what the desk has named. Each file is one transaction,
and its hero image is checked before anything is written: a file that fails
leaves nothing behind, in the database or in media storage.

Export writes ``<slug>.md`` for every review, whatever its status, with its
hero image beside it as ``<slug>.<ext>`` (the original bytes). Date-times are
written in ``settings.TIME_ZONE`` with their offset. Same database, same bytes;
and importing an export into an empty database and exporting again gives the
same files.
"""

from .exporter import ExportFailed, export_reviews, review_document
from .files import MAX_ENTRIES, ImportFailed, read_review_file, same_bytes
from .format import FrontMatterError, ReviewDocument, dump
from .importer import ImportResult, import_review_file
from .parser import parse

__all__ = [
    "MAX_ENTRIES",
    "ExportFailed",
    "FrontMatterError",
    "ImportFailed",
    "ImportResult",
    "ReviewDocument",
    "dump",
    "export_reviews",
    "import_review_file",
    "parse",
    "read_review_file",
    "review_document",
    "same_bytes",
]
