"""The name registry: checking a review's spelling of people and characters,
finding who it mentions, and linking first mentions on the page.

Korean names have many romanizations, so every person and character carries
aliases. A run of capitalised words in a headline, standfirst or body that
is close to a known name but matches none ("Shin Si-kyung" for Shin
Se-kyung) is a probable misspelling; a known name that belongs to another
drama than the review's is probably a slip too. Both are warnings an editor
can dismiss.
"""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.html import escape

from people.models import Person

from .models import Character

# A capitalised word, possibly hyphenated ("Se-kyung", "K-Drama"; a possessive’s
# ending is not part of it), and runs
# of them separated by single spaces.
WORD = r"[A-Z]\w*(?:-\w+)*"
RUN = re.compile(rf"{WORD}(?:[ \u00a0]{WORD})+")
CLOSE_ENOUGH = 0.8
MAX_SPAN = 3


def normalize(name: str) -> str:
    return re.sub(r"[\s\-‐’'.]", "", name).casefold()


@dataclass(frozen=True)
class Known:
    """A name the desk knows, and whose it is."""

    name: str
    canonical: str
    person_id: int | None = None
    character_id: int | None = None
    drama_id: int | None = None
    drama_title: str = ""


@dataclass
class Registry:
    by_normal: dict[str, list[Known]] = field(default_factory=lambda: defaultdict(list))
    by_first_word: dict[str, list[Known]] = field(default_factory=lambda: defaultdict(list))

    def add(self, known: Known) -> None:
        if not known.name or " " not in known.name.strip():
            return  # single given names are too ambiguous to check
        self.by_normal[normalize(known.name)].append(known)
        self.by_first_word[known.name.split()[0].casefold()].append(known)

    @classmethod
    def load(cls) -> "Registry":
        registry = cls()
        for pk, name, aliases in Person.objects.values_list("pk", "name", "aliases"):
            for alias in [name, *aliases.splitlines()]:
                registry.add(Known(alias.strip(), name, person_id=pk))
        characters = Character.objects.values_list(
            "pk", "name", "aliases", "drama_id", "drama__title"
        )
        for pk, name, aliases, drama_id, title in characters:
            for alias in [name, *aliases.splitlines()]:
                registry.add(Known(alias.strip(), name, None, pk, drama_id, title))
        return registry

    def exact(self, text: str) -> list[Known]:
        return self.by_normal.get(normalize(text), [])

    def closest(self, text: str) -> Known | None:
        candidates = self.by_first_word.get(text.split()[0].casefold(), [])
        target = normalize(text)
        best, best_ratio = None, CLOSE_ENOUGH
        for known in candidates:
            matcher = difflib.SequenceMatcher(None, target, normalize(known.name))
            if matcher.quick_ratio() >= best_ratio and (ratio := matcher.ratio()) >= best_ratio:
                best, best_ratio = known, ratio
        return best


@dataclass(frozen=True)
class NameWarning:
    field: str  # where: "headline", "standfirst" or "body"
    written: str  # the text as written: what an editor confirms
    count: int  # how many times it is written there
    message: str

    @property
    def key(self) -> str:
        return self.written

    def as_dismissal(self) -> dict:
        return {"field": self.field, "text": self.written, "count": self.count}


def _spans(run: str):
    words = run.split()
    for size in range(min(MAX_SPAN, len(words)), 1, -1):
        for start in range(len(words) - size + 1):
            yield start, start + size, " ".join(words[start : start + size])


def find_names(text: str, registry: Registry):
    """Yield (text as written, known matches) for every known name in
    ``text``, and (text, []) for runs that match nothing."""
    for match in RUN.finditer(text or ""):
        run = match.group(0).replace("\u00a0", " ")
        covered = set()
        unmatched = []
        for start, end, span in _spans(run):
            if covered & set(range(start, end)):
                continue
            if found := registry.exact(span):
                covered |= set(range(start, end))
                yield span, found
            else:
                unmatched.append((start, end, span))
        for start, end, span in unmatched:
            if not covered & set(range(start, end)):
                yield span, []


def _problem(written: str, found: list[Known], label: str, drama_ids, registry) -> str | None:
    if not found:
        if suggestion := registry.closest(written):
            return f"{written} (in the {label}): did you mean {suggestion.name}?"
        return None
    characters = [k for k in found if k.character_id]
    if (
        drama_ids
        and characters
        and not any(k.person_id for k in found)
        and not any(k.drama_id in drama_ids for k in characters)
    ):
        titles = ", ".join(sorted({k.drama_title for k in characters}))
        return f"{written} (in the {label}) is a character in {titles}, not in this review’s drama."
    return None


def check_names(
    *, texts: dict[str, str], drama_ids: set[int], registry: Registry | None = None
) -> list[NameWarning]:
    """Spelling and belonging warnings for the named texts (headline,
    standfirst, body): one per problem and text, with how often it occurs."""
    registry = registry or Registry.load()
    warnings: dict[tuple[str, str], NameWarning] = {}
    for label, text in texts.items():
        counts: dict[str, int] = defaultdict(int)
        problems: dict[str, str] = {}
        for written, found in find_names(text, registry):
            counts[written] += 1
            if written not in problems and (
                message := _problem(written, found, label, drama_ids, registry)
            ):
                problems[written] = message
        for written, message in problems.items():
            warnings[label, written] = NameWarning(label, written, counts[written], message)
    return list(warnings.values())


def check_cast(
    *, texts: dict[str, str], drama_ids: set[int], registry: Registry
) -> list[NameWarning]:
    """People named in the texts who have no role in the review's dramas."""
    if not drama_ids:
        return []
    named: dict[int, tuple[str, str, str]] = {}
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for label, text in texts.items():
        for written, found in find_names(text, registry):
            counts[label, written] += 1
            for known in found:
                if known.person_id and known.person_id not in named:
                    named[known.person_id] = (written, label, known.canonical)
    cast = set(
        Character.objects.filter(drama_id__in=drama_ids, played_by_id__in=named).values_list(
            "played_by_id", flat=True
        )
    )
    return [
        NameWarning(
            label,
            written,
            counts[label, written],
            f"{canonical} (in the {label}) is not in the cast of this review’s drama.",
        )
        for person_id, (written, label, canonical) in named.items()
        if person_id not in cast
    ]


def review_texts(*, title: str, standfirst: str, body: str) -> dict[str, str]:
    """The texts the name check reads, by the label its messages use."""
    return {"headline": title or "", "standfirst": standfirst or "", "body": body or ""}


def name_warnings(
    *, texts: dict[str, str], drama_ids: set[int], registry: Registry | None = None
) -> list[NameWarning]:
    """Everything the name check has to say about these texts."""
    registry = registry or Registry.load()
    found = check_names(texts=texts, drama_ids=drama_ids, registry=registry)
    return found + check_cast(texts=texts, drama_ids=drama_ids, registry=registry)


def undismissed(warnings: list[NameWarning], dismissed: list) -> list[NameWarning]:
    """The warnings an editor has not confirmed: a confirmation covers one
    spelling in one field, as many times as it was written there when
    confirmed; one more occurrence, or the same spelling in another field,
    warns again."""
    covered = {
        (entry["field"], entry["text"]): entry["count"]
        for entry in dismissed
        if isinstance(entry, dict)
    }
    return [w for w in warnings if covered.get((w.field, w.written), 0) < w.count]


def kept_dismissals(dismissed: list, texts: dict[str, str], confirmed=()) -> list[dict]:
    """The confirmations still in force for ``texts``, with ``confirmed``
    warnings added: a spelling corrected away is forgotten, so writing it
    again later warns again."""
    merged: dict[tuple[str, str], int] = {}
    for entry in [*dismissed, *(w.as_dismissal() for w in confirmed)]:
        if not isinstance(entry, dict):
            continue  # confirmations from before they were scoped to a field
        key = (entry["field"], entry["text"])
        merged[key] = max(merged.get(key, 0), entry["count"])
    kept = []
    for (label, written), count in sorted(merged.items()):
        present = _occurrences(texts.get(label, ""), written)
        if present:
            kept.append({"field": label, "text": written, "count": min(count, present)})
    return kept


def _occurrences(text: str, written: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(written)}(?!\w)", text.replace("\u00a0", " ")))


def mentioned_people(text: str, registry: Registry) -> set[int]:
    """The people a text names, by any of their known names."""
    return {
        known.person_id
        for _, found in find_names(text, registry)
        for known in found
        if known.person_id
    }


# ---------------------------------------------------------------- linking

TAG = re.compile(r"(<[^>]+>)")


def link_first_mentions(html: str, targets: list[tuple[list[str], str]]) -> str:
    """Link the first mention of each target in sanitized HTML. ``targets``
    are (names, url) pairs; text already inside a link or a heading is left
    alone."""
    lookup: dict[str, int] = {}
    for index, (names, _) in enumerate(targets):
        for name in names:
            if name:
                lookup.setdefault(escape(name), index)
    if not lookup:
        return html
    alternatives = "|".join(re.escape(n) for n in sorted(lookup, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)({alternatives})(?!\w)")
    linked: set[int] = set()

    def link(match):
        index = lookup[match.group(1)]
        if index in linked:
            return match.group(0)
        linked.add(index)
        return f'<a class="mention" href="{escape(targets[index][1])}">{match.group(0)}</a>'

    parts = TAG.split(html)
    blocked = 0
    for position, part in enumerate(parts):
        if position % 2:  # a tag
            name = (part.strip("</ >").split() or [""])[0].lower()
            if name in BLOCKING:
                blocked += -1 if part.startswith("</") else 1
        elif not blocked and part.strip():
            parts[position] = pattern.sub(link, part)
    return "".join(parts)


BLOCKING = {"a", "h2", "h3", "h4", "h5", "h6", "figure"}
