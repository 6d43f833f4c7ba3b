"""Run by test_concurrency.py in processes of their own, against one real
database (a SQLite file, or a PostgreSQL database made for the run):

    python -m tests.robustness.concurrency_harness seed
    python -m tests.robustness.concurrency_harness editor N SECONDS
    python -m tests.robustness.concurrency_harness reader SECONDS
    python -m tests.robustness.concurrency_harness importer SECONDS

Editors save the same review through the admin form, as editors do; readers
read its page and the front page; the importer imports a file of that review
with a large hero image again and again, as ``import_reviews`` does. Each
prints one line of counts.
"""

import sys
import time
from datetime import timedelta

import django

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

setup_test_environment()  # responses keep their template context, as in tests

from reviews.models import Review  # noqa: E402
from tests.factories import (  # noqa: E402
    change_form_data,  # noqa: E402
    make_author,
    make_review,
    make_user,
)

SLUG = "shared-by-every-editor"


def seed():
    make_user("chief", superuser=True)
    # Whole seconds, as the admin's date and time fields post them back.
    published = timezone.now().replace(microsecond=0) - timedelta(hours=1)
    review = make_review(
        "Shared by every editor", slug=SLUG, author=make_author("Mina Park"), published_at=published
    )
    print(f"SEED version={Review.objects.get(pk=review.pk).version}")


def editor(number: int, seconds: float):
    client = Client()
    client.force_login(_user("chief"))
    saved = conflicts = errors = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            review = Review.objects.get(slug=SLUG)
            data = change_form_data(client, review, standfirst=f"Edit {saved} by editor {number}")
            response = client.post(f"/admin/reviews/review/{review.pk}/change/", data)
            if response.status_code == 302:
                saved += 1
            elif "Someone saved this review after you opened it" in response.content.decode():
                conflicts += 1  # told who saved in between; nothing overwritten
            else:
                errors += 1
                print(f"editor {number}: status {response.status_code}", file=sys.stderr)
        except Exception as error:
            errors += 1
            print(f"editor {number}: {type(error).__name__}: {error}", file=sys.stderr)
    print(f"EDITOR saved={saved} conflicts={conflicts} errors={errors}")


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def reader(seconds: float):
    client = Client()
    url = Review.objects.get(slug=SLUG).get_absolute_url()
    reads = errors = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for address in (url, "/"):
            try:
                status = client.get(address).status_code
            except Exception as error:
                status = f"{type(error).__name__}: {error}"
            if status == 200:
                reads += 1
            else:
                errors += 1
                print(f"reader: {address}: {status}", file=sys.stderr)
    print(f"READER reads={reads} errors={errors}")


def importer(seconds: float):
    import tempfile
    from pathlib import Path

    from PIL import Image

    from reviews.interchange import ImportFailed, import_review_file

    review = Review.objects.select_related("author").get(slug=SLUG)
    folder = Path(tempfile.mkdtemp(prefix="kdr-importer-"))
    # Large enough that reading and checking it takes a while, as a real
    # photograph would: the window in which editors save.
    Image.linear_gradient("L").resize((4000, 4000)).convert("RGB").save(folder / "hero.jpg")
    published = timezone.localtime(review.published_at).isoformat()
    (folder / "review.md").write_text(
        "+++\n"
        f'title = "{review.title}"\nslug = "{SLUG}"\nstandfirst = "As the file says"\n'
        f'author = "{review.author.name}"\nstatus = "published"\npublished = {published}\n'
        '[hero]\nfile = "hero.jpg"\nalt = "A grey gradient"\n'
        f"+++\n{review.body}\n",
        encoding="utf-8",
    )
    imported = unchanged = conflicts = errors = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            result = import_review_file(path=folder / "review.md")
        except ImportFailed as failure:
            if "since this import began; run again to overwrite" in str(failure):
                conflicts += 1
            else:
                errors += 1
                print(f"importer: {failure}", file=sys.stderr)
        else:
            if result.changed:
                imported += 1
            else:
                unchanged += 1
    print(
        f"IMPORTER imported={imported} unchanged={unchanged} "
        f"import_conflicts={conflicts} errors={errors}"
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "seed":
        seed()
    elif command == "editor":
        editor(int(args[0]), float(args[1]))
    elif command == "importer":
        importer(float(args[0]))
    else:
        reader(float(args[0]))
