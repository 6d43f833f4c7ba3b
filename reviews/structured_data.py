"""Schema.org JSON-LD for search engines: what a page is about, as data.

Pages render these dictionaries with the ``json_ld`` template filter, which
escapes them safely whatever an editor typed. Only standfirsts go in, never
bodies, so nothing inside a spoiler block is given away.
"""

from kdrama_rewind.media.images import share_url
from kdrama_rewind.web.structured_data import CONTEXT, breadcrumbs, publisher

from .models import Drama, Review


def _iso(moment):
    return moment.isoformat() if moment else None


def tv_series(drama: Drama, absolute, *, actors=()) -> dict:
    data = {
        "@type": "TVSeries",
        "name": drama.title,
        "url": absolute(drama.get_absolute_url()),
        "startDate": drama.first_aired.isoformat() if drama.first_aired else str(drama.year),
        "actor": [
            {"@type": "Person", "name": person.name, "url": absolute(person.get_absolute_url())}
            for person in actors
        ],
    }
    if image := share_url(drama.poster, absolute):
        data["image"] = image
    if drama.original_title:
        data["alternateName"] = drama.original_title
    if drama.episodes:
        data["numberOfEpisodes"] = drama.episodes
    if drama.network:
        data["productionCompany"] = {"@type": "Organization", "name": drama.network}
    return data


def review_graph(review: Review, absolute, *, dramas, people, tags, corrections, image_url) -> dict:
    url = absolute(review.get_absolute_url())
    author = review.author
    article = {
        "@type": ["CriticReview", "NewsArticle"],
        "@id": url,
        "headline": review.title,
        "name": review.title,
        "description": review.standfirst,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": _iso(review.published_at),
        "dateModified": _iso(review.last_updated),
        "image": [image_url],
        "author": {
            "@type": "Person",
            "@id": absolute(author.get_absolute_url()),  # as on the author's page
            "name": author.name,
            "jobTitle": author.job_title,
            "url": absolute(author.get_absolute_url()),
        },
        "publisher": publisher(absolute),
        "keywords": [tag.name for tag in tags],
        "isAccessibleForFree": True,
    }
    if author_image := share_url(author.photo, absolute):
        article["author"]["image"] = author_image
    if review.column_id:
        article["articleSection"] = review.column.name
    if dramas:
        reviewed = [tv_series(drama, absolute, actors=people) for drama in dramas]
        article["itemReviewed"] = reviewed[0] if len(reviewed) == 1 else reviewed
    if corrections:
        article["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{c.get_kind_display()}: {c.text}",
                "datePublished": _iso(c.noted_at),
            }
            for c in corrections
        ]
    trail = [("Home", "/")]
    if review.column_id:
        trail.append((review.column.name, review.column.get_absolute_url()))
    trail.append((review.title, review.get_absolute_url()))
    return {"@context": CONTEXT, "@graph": [article, breadcrumbs(absolute, trail)]}


def drama_graph(drama: Drama, absolute, *, characters) -> dict:
    actors = [c.played_by for c in characters if c.played_by]
    series = tv_series(drama, absolute, actors=actors)
    if drama.synopsis:
        series["description"] = drama.synopsis
    trail = [("Home", "/"), ("Dramas", "/dramas/"), (drama.title, drama.get_absolute_url())]
    return {"@context": CONTEXT, "@graph": [series, breadcrumbs(absolute, trail)]}
