"""An editor writes and publishes a review in the admin; a reader finds it."""

import re
from datetime import time, timedelta

import pytest
import time_machine
from django.utils import formats, timezone

from people.models import Author
from reviews.models import Column, Review
from tests.factories import image_bytes, make_role_user

# serialized_rollback keeps the groups made by a data migration across tests.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "K-Drama Rewind, Run On: a romance that takes its time and earns it"
SLUG = "k-drama-rewind-run-on-e2e"
STANDFIRST = "Im Si-wan and Shin Se-kyung find a pace they can share, in JTBC’s 2020 drama"
BODY = """\
*Run On* (런 온) is a drama about two people who learn to slow down.

Ki Seon-gyeom has spent his life running; Oh Mi-joo has spent hers working. \
Neither has had much time for “nothing in particular”, and the drama is about \
finding it.
"""


def test_an_editor_publishes_a_review_and_a_reader_finds_it(
    live_server, browser, artifacts, tmp_path
):
    from playwright.sync_api import expect

    editor_user = make_role_user("Editor", "editor")
    editor_user.set_password("correct horse battery staple")
    editor_user.save()
    author = Author.objects.create(name="Amira Haddad", job_title="Assistant Features Editor")
    hero = tmp_path / "run-on-hero.jpg"
    hero.write_bytes(image_bytes(size=(1600, 900)))
    publish_at = timezone.localtime() - timedelta(minutes=5)

    # The editor logs in and writes the review.
    editor = browser.new_context(viewport={"width": 1280, "height": 1000})
    editor.set_default_timeout(15_000)
    page = editor.new_page()
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/admin/")

    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.fill("#id_title", TITLE)
    page.press("#id_title", "Tab")  # the admin fills in the slug from the title...
    expect(page.locator("#id_slug")).to_have_value(re.compile(r"^k-drama-rewind-run-on-"))
    page.fill("#id_slug", SLUG)  # ...which the editor shortens
    page.fill("#id_standfirst", STANDFIRST)
    page.fill("#id_body", BODY)
    choose_autocomplete(page, "id_author", search="Amira", option=author.name)
    page.set_input_files("#id_hero_image", str(hero))
    page.fill("#id_hero_alt", "Running-track lanes under a dusk sky")
    page.select_option("#id_status", "published")
    # Typed in the admin's own input formats (the site's locale and time zone).
    date_format = formats.get_format("DATE_INPUT_FORMATS")[0]
    time_format = formats.get_format("TIME_INPUT_FORMATS")[0]
    page.fill("#id_published_at_0", publish_at.strftime(date_format))
    page.fill("#id_published_at_1", publish_at.strftime(time_format))
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)

    review = Review.objects.get(slug=SLUG)
    assert review.is_published()
    assert review.author == author and review.hero_image and review.last_edited_by
    editor.close()

    # A reader, logged out, finds it on the front page and opens it.
    reader = browser.new_context(viewport={"width": 1280, "height": 1000})
    reader.set_default_timeout(15_000)
    page = reader.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name=TITLE).first.click()
    expect(page).to_have_url(f"{live_server.url}/reviews/{SLUG}/")
    expect(page.locator("h1")).to_have_text(TITLE)
    expect(page.locator(".standfirst")).to_have_text(STANDFIRST)
    expect(page.locator(".byline")).to_contain_text("Amira Haddad")
    expect(page.locator(".byline")).to_contain_text("Assistant Features Editor")
    expect(page.locator(".byline")).to_contain_text(re.compile(r"\d+ MIN READ"))
    expect(page.get_by_text("런 온")).to_be_visible()
    hero_image = page.get_by_role("img", name="Running-track lanes under a dusk sky")
    hero_image.scroll_into_view_if_needed()
    expect(hero_image).to_be_visible()
    page.wait_for_function(
        "image => image.complete && image.naturalWidth > 0", arg=hero_image.element_handle()
    )
    page.screenshot(path=artifacts / "publish-flow-review-page.png", full_page=True)
    reader.close()


def choose_autocomplete(page, field_id: str, *, search: str, option: str) -> None:
    """Pick ``option`` in an admin autocomplete (select2) field as a user
    would: open it, type, click the match."""
    page.click(f"#{field_id} + .select2 .select2-selection")
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()
    assert page.locator(f"#{field_id} option:checked").inner_text() == option


def test_the_desk_schedules_a_review_in_the_calendar_and_it_goes_out_on_time(
    live_server, browser, artifacts
):
    from playwright.sync_api import expect

    column = Column.objects.create(
        name="K-Drama Rewind", cadence_weeks=1, cadence_weekday=4, cadence_time=time(9, 0)
    )
    author = Author.objects.create(name="Amira Haddad", job_title="Assistant Features Editor")
    review = Review.objects.create(
        title="K-Drama Rewind, Misaeng: the office as a board game",
        body="Jang Geu-rae learns the office one move at a time.",
        author=author,
        status=Review.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=30),
    )
    editor = make_role_user("Editor", "editor")
    editor.set_password("correct horse battery staple")
    editor.save()
    slot = column.slots_between(timezone.now(), timezone.now() + timedelta(weeks=2))[0]

    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/reviews/column/calendar/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "correct horse battery staple")
    page.click("input[type=submit]")
    expect(page.locator("h1")).to_have_text("Rewind desk calendar")
    row = page.locator("tr", has_text=timezone.localtime(slot).strftime("%a %-d %b %Y, %H:%M"))
    row.get_by_label(re.compile("Review for")).select_option(str(review.pk))
    row.get_by_role("button", name="Assign").click()
    expect(page.locator(".messagelist .success")).to_contain_text("is scheduled for")
    expect(page.locator("tr", has=page.get_by_role("link", name=review.title))).to_contain_text(
        "Scheduled"
    )
    page.screenshot(path=artifacts / "desk-calendar.png", full_page=True)
    context.close()

    review.refresh_from_db()
    assert (review.status, review.column, review.published_at) == (
        Review.Status.SCHEDULED,
        column,
        slot,
    )
    assert review not in Review.objects.published()
    with time_machine.travel(slot, tick=False):
        assert review in Review.objects.published()
