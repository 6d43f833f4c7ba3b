"""Schema.org JSON-LD for people's and authors' pages."""

from kdrama_rewind.web.structured_data import CONTEXT, breadcrumbs

from .models import Author, Person


def person_graph(person: Person, absolute, *, image_url: str | None = None) -> dict:
    url = absolute(person.get_absolute_url())
    data = {"@type": "Person", "@id": url, "name": person.name, "url": url}
    other_names = [n for n in [person.hangul_name, *person.alias_list] if n]
    if other_names:
        data["alternateName"] = other_names
    if person.bio:
        data["description"] = person.bio
    if image_url:
        data["image"] = image_url
    trail = [("Home", "/"), (person.name, person.get_absolute_url())]
    return {"@context": CONTEXT, "@graph": [data, breadcrumbs(absolute, trail)]}


def author_graph(author: Author, absolute, *, image_url: str | None = None) -> dict:
    url = absolute(author.get_absolute_url())
    data = {"@type": "Person", "@id": url, "name": author.name, "url": url}
    if author.job_title:
        data["jobTitle"] = author.job_title
    if author.bio:
        data["description"] = author.bio
    if image_url:
        data["image"] = image_url
    page = {"@type": "ProfilePage", "url": url, "mainEntity": data}
    trail = [("Home", "/"), (author.name, author.get_absolute_url())]
    return {"@context": CONTEXT, "@graph": [page, breadcrumbs(absolute, trail)]}
