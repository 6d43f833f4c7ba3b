"""The reader's pages at phone and desktop widths, measured in a real browser,
and screenshots of the main pages at 390 and 1366 CSS pixels kept in the
artifacts folder (``KDR_ARTIFACTS``, test-artifacts/ by default) under
``screenshots/``."""

import pytest

from tests.e2e.browser import open_page
from tests.e2e.reader_site import PLACED_QUOTE

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
SCREENSHOT_PAGES = ["front page", "review", "drama", "person", "search"]
HEADER_MAX = 64


def box(page, selector: str) -> dict:
    return page.locator(selector).first.evaluate(
        "(el) => { const r = el.getBoundingClientRect();"
        " return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,"
        " width: r.width, height: r.height}; }"
    )


def test_the_phone_header_is_compact_and_folds_links_and_search_into_a_menu(
    live_server, site, browser
):
    from playwright.sync_api import expect

    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    tall = []
    for name, path in site.items():
        open_page(page, live_server.url + path)
        height = box(page, ".site-header")["height"]
        if height > HEADER_MAX:
            tall.append(f"{name}: {height:.0f}px")
    assert not tall, f"the header is taller than {HEADER_MAX}px at 390px: {tall}"

    open_page(page, live_server.url + site["review"])
    expect(page.locator(".site-header__inner > .site-nav")).to_be_hidden()
    expect(page.locator("#site-search-q")).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(page.locator("#menu-search-q")).to_be_visible()
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Dramas")).to_be_visible()
    page.locator("#menu-search-q").fill("Run On")
    page.locator("#menu-search-q").press("Enter")
    page.wait_for_url("**/search/?q=Run+On")
    context.close()

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_page(page, live_server.url + "/")
    expect(page.locator(".site-menu")).to_be_hidden()
    expect(page.locator("#site-search-q")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Quotes")
    ).to_be_visible()
    assert box(page, ".site-header")["height"] <= HEADER_MAX
    context.close()


def test_phone_lists_put_a_thumbnail_beside_each_headline(live_server, site, browser):
    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(15_000)
    page = context.new_page()
    for name in ["front page", "column", "tag"]:
        open_page(page, live_server.url + site[name])
        cards = page.locator(".card:has(.card__image)")
        assert cards.count() >= 2, name
        for index in range(cards.count()):
            card = cards.nth(index)
            image = card.locator(".card__image img").bounding_box()
            title = card.locator(".card__title").bounding_box()
            assert image["width"] <= 120, f"{name}: a full-width image ({image['width']}px)"
            assert image["x"] >= title["x"] + title["width"] - 1, f"{name}: not beside the headline"
            assert image["y"] < title["y"] + title["height"], f"{name}: below the headline"
    context.close()


def test_the_review_body_and_hero_share_one_axis_with_a_quote_inside(live_server, site, browser):
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    open_page(page, live_server.url + site["review"])
    hero, body, title = box(page, ".review__hero"), box(page, ".review__body"), box(page, "h1")
    assert abs(hero["left"] - body["left"]) <= 1 and abs(hero["right"] - body["right"]) <= 1
    assert abs(title["left"] - body["left"]) <= 1
    middle = DESKTOP["width"] / 2
    assert abs((body["left"] + body["right"]) / 2 - middle) <= 10, "not centred"
    quote = page.locator(".review__body .pull-quote--placed", has_text=PLACED_QUOTE)
    assert quote.count() == 1
    spoiler = box(page, ".review__body h2")
    assert box(page, ".review__body .pull-quote--placed")["bottom"] < spoiler["top"]
    context.close()


def test_screenshots_of_the_main_pages_at_phone_and_desktop_widths(
    live_server, site, browser, artifacts
):
    folder = artifacts / "screenshots"
    folder.mkdir(exist_ok=True)
    for viewport in (PHONE, DESKTOP):
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(15_000)
        page = context.new_page()
        for name in SCREENSHOT_PAGES:
            open_page(page, live_server.url + site[name])
            # Load the lazy images too, so the record shows the whole page.
            page.evaluate(
                "document.querySelectorAll('img').forEach((i) => { i.loading = 'eager'; })"
            )
            page.wait_for_function(
                "() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)"
            )
            path = folder / f"{name.replace(' ', '-')}-{viewport['width']}.png"
            page.screenshot(path=path, full_page=True)
            assert path.stat().st_size > 10_000, path
        context.close()
