"""The writing desk in a real browser: the preview follows the typing, a
closed tab's words are offered back, the toolbar and its quote finder write
Markdown, the focal point follows a click, and the strict Content-Security-
Policy reports nothing throughout."""

import re

import pytest

from reviews.models import Autosave, Review
from tests.e2e.browser import open_page
from tests.factories import (
    image_upload,
    make_author,
    make_character,
    make_drama,
    make_person,
    make_quote,
    make_review,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TYPED = "A sentence typed a moment ago, not saved."


@pytest.fixture
def draft():
    drama = make_drama("Run On", network="JTBC")
    lead = make_character(drama, "Oh Mi-joo", played_by=make_person("Shin Se-kyung"))
    make_quote(lead, "A good subtitle disappears. You only notice the bad ones.", episode=3)
    return make_review(
        "Run On, rewatched",
        published=False,
        author=make_author("Mina Park"),
        body="The first paragraph, as saved.",
        dramas=[drama],
        hero_image=image_upload(size=(1600, 900)),
        hero_alt="A running track at dusk",
    )


@pytest.fixture
def desk(live_server, browser, editor_session):  # noqa: F811
    """A logged-in editor's browser; fails the test if the policy reports anything."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(15_000)
    context.add_cookies([{**editor_session, "url": live_server.url}])
    reported = []

    def new_page():
        page = context.new_page()
        page.on(
            "console",
            lambda m: reported.append(m.text) if "Content Security Policy" in m.text else None,
        )
        return page

    yield context, new_page
    context.close()
    assert not reported, "\n".join(reported)


def change_url(live_server, review) -> str:
    return f"{live_server.url}/admin/reviews/review/{review.pk}/change/"


def type_at_end(page, text: str) -> None:
    body = page.locator("#id_body")
    body.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def test_typing_updates_the_preview_at_both_widths(live_server, desk, draft, artifacts):
    from playwright.sync_api import expect

    _, new_page = desk
    page = new_page()
    open_page(page, change_url(live_server, draft))
    preview = page.frame_locator(".kdr-preview__frame")
    expect(preview.locator("h1")).to_have_text("Run On, rewatched")
    type_at_end(page, "\n\n" + TYPED)
    page.fill("#id_title", "Run On, a headline not saved yet")
    expect(preview.get_by_text(TYPED)).to_be_visible()
    expect(preview.locator("h1")).to_have_text("Run On, a headline not saved yet")
    expect(page.locator(".kdr-editor__count")).to_contain_text(
        re.compile(r"\d+ words · 1 min read")
    )
    page.get_by_role("button", name="Phone").click()
    expect(page.get_by_role("button", name="Phone")).to_have_attribute("aria-pressed", "true")
    width = page.locator(".kdr-preview__frame").evaluate("frame => frame.offsetWidth")
    assert width == 390
    page.screenshot(path=artifacts / "writing-desk-preview.png", full_page=False)
    saved = Review.objects.get(pk=draft.pk)
    assert (saved.title, saved.body) == ("Run On, rewatched", "The first paragraph, as saved.")


def test_a_closed_tabs_words_are_offered_back(live_server, desk, draft):
    from playwright.sync_api import expect

    _, new_page = desk
    page = new_page()
    open_page(page, change_url(live_server, draft))
    type_at_end(page, "\n\n" + TYPED)
    expect(page.locator(".kdr-autosave-state")).to_contain_text(
        "Kept as you type at", timeout=20_000
    )
    page.close()  # the tab is closed without saving

    page = new_page()
    open_page(page, change_url(live_server, draft))
    offer = page.get_by_role("region", name=re.compile("Restore what you were writing at"))
    expect(offer).to_be_visible()
    offer.get_by_role("link", name="Restore it").click()
    expect(page.locator("#id_body")).to_have_value(re.compile(re.escape(TYPED)))
    assert TYPED not in Review.objects.get(pk=draft.pk).body
    page.click("input[name=_continue]")  # saving keeps it, and clears what autosave kept
    expect(page.locator(".messagelist .success")).to_be_visible()
    assert TYPED in Review.objects.get(pk=draft.pk).body
    assert not Autosave.objects.exists()


def test_the_toolbar_writes_a_spoiler_block_and_places_a_pull_quote(live_server, desk, draft):
    from playwright.sync_api import expect

    _, new_page = desk
    page = new_page()
    open_page(page, change_url(live_server, draft))
    type_at_end(page, "\n\nWho ends up with whom.")
    page.keyboard.press("Shift+Home")
    page.get_by_role("toolbar", name="Formatting").get_by_role("button", name="Spoiler").click()
    value = page.locator("#id_body").input_value()
    assert ":::spoiler What it gives away\nWho ends up with whom.\n:::" in value
    page.keyboard.type("The ending")  # the block's title was selected, ready to retype
    preview = page.frame_locator(".kdr-preview__frame")
    expect(preview.locator("details.spoiler summary")).to_have_text("Spoiler: The ending")

    page.keyboard.press("Control+End")
    page.keyboard.press("Control+Shift+KeyU")  # the pull-quote finder
    dialog = page.get_by_role("dialog", name="Place a pull quote")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Words, character or drama").fill("subtitle")
    dialog.get_by_role("button", name=re.compile("A good subtitle disappears")).click()
    expect(dialog).to_be_hidden()
    marker = "[pull quote: “A good subtitle disappears. You only notice the bad ones.”]"
    assert f"\n\n{marker}\n" in page.locator("#id_body").input_value()
    expect(page.locator("#id_quotes option:checked")).to_have_count(1)
    page.keyboard.press("Control+z")  # the browser's own undo takes the marker back out
    assert marker not in page.locator("#id_body").input_value()


def test_a_click_on_the_picture_sets_the_focal_point(live_server, desk, draft):
    from playwright.sync_api import expect

    _, new_page = desk
    page = new_page()
    open_page(page, change_url(live_server, draft))
    stage = page.locator(".kdr-focus__stage")
    expect(stage).to_be_visible()
    box = stage.bounding_box()
    stage.click(position={"x": box["width"] * 0.9, "y": box["height"] * 0.25})
    expect(page.locator("#id_hero_focus_x")).to_have_value(re.compile(r"^(89|90|91)$"))
    expect(page.locator("#id_hero_focus_y")).to_have_value(re.compile(r"^(24|25|26)$"))
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    review = Review.objects.get(pk=draft.pk)
    assert review.hero_focus_x in (89, 90, 91)
    assert (
        f".wide-{review.hero_focus_x}-{review.hero_focus_y}." in review.hero_image.crops["wide"].src
    )
