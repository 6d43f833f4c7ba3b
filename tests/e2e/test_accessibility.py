"""Accessibility, checked in a real browser.

axe-core (bundled by the ``axe-playwright-python`` package) runs on every
type of page a reader opens (tests/e2e/reader_site.py) and on the editor's
review form, in the light and dark colour schemes at desktop width and with
the phone menu open at phone width; any violation of any impact fails the
test. Keyboard-only use is walked with the Tab key, and the pages are checked
for reflow at 320 CSS pixels (WCAG 1.4.10).
"""

import re

import pytest

from tests.e2e.browser import DJANGO_TABULAR_HEADERS, describe_violations, open_page, run_axe
from tests.e2e.reader_site import CORRECTION, HERO_ALT

# serialized_rollback keeps the groups made by a data migration across tests.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_public_pages_have_no_axe_violations(live_server, site, browser, axe_script):
    from playwright.sync_api import expect

    problems = []
    passes = [
        ("light", 1280, "desktop"),
        ("dark", 1280, "desktop"),
        ("light", 390, "phone, menu open"),
    ]
    for scheme, width, label in passes:
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        context.set_default_timeout(15_000)
        page = context.new_page()
        for name, path in site.items():
            open_page(page, live_server.url + path)
            if name == "review":  # the page shows everything a review can have
                expect(page.get_by_role("img", name=HERO_ALT)).to_be_visible()
                expect(page.get_by_text(CORRECTION)).to_be_visible()
                expect(page.get_by_text("I came without a reason.")).to_be_visible()
                expect(page.get_by_role("link", name="Romance", exact=True)).to_be_visible()
                expect(page.get_by_role("heading", name="Up Next")).to_be_visible()
                # Check what is inside a spoiler too, as a reader who opens it sees it.
                page.locator("details.spoiler summary").click()
            if name == "search":  # a search that finds something
                expect(page.locator(f"main a[href='{site['review']}']").first).to_be_visible()
            if width < 768:
                page.get_by_text("Menu", exact=True).click()
                expect(page.locator("#menu-search-q")).to_be_visible()
            if violations := run_axe(page, axe_script):
                problems.append(
                    describe_violations(f"{name} {path} ({scheme}, {label})", violations)
                )
        context.close()
    assert not problems, "\n\n".join(problems)


# Django's tabular inline template (admin/edit_inline/tabular.html) heads two
# columns with an empty <th>: the first, which holds a saved row's name and its
# hidden id fields, and the last, "Delete?", left blank when rows cannot be
# deleted (preview links are revoked instead) though it still takes the
# "Remove" link of a row added on the page. The template has no block for
# either header, so naming them would mean keeping a copy of the whole
# template in step with Django's by hand. A minor, best-practice rule; allowed
# on exactly those two cells of the one tabular inline on the page.


def test_the_admin_add_review_form_has_no_axe_violations(
    live_server, editor_session, browser, axe_script
):
    from playwright.sync_api import expect

    problems = []
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
        context.set_default_timeout(15_000)
        context.add_cookies([{**editor_session, "url": live_server.url}])
        page = context.new_page()
        open_page(page, f"{live_server.url}/admin/reviews/review/add/")
        expect(page.locator("#id_title")).to_be_visible()  # logged in, as an editor
        # What static/admin/kdr/a11y.js adds to Django's and select2's markup.
        expect(page.get_by_role("combobox", name="Author:")).to_be_visible()
        expect(page.get_by_role("searchbox", name="Dramas:")).to_be_visible()
        expect(page.locator("#id_hero_image")).to_have_accessible_name("Hero image:")
        # With a row added to each inline (a correction, a preview link), as
        # an editor would.
        for add in page.get_by_role("button", name=re.compile("^Add another")).all():
            add.click()
        expect(page.locator("#id_corrections-0-text")).to_be_visible()
        expect(page.locator("#id_preview_links-0-revoke")).to_have_accessible_name(
            re.compile("^Revoke")
        )
        if violations := run_axe(page, axe_script, allow=DJANGO_TABULAR_HEADERS):
            problems.append(describe_violations(f"admin add review ({scheme})", violations))
        context.close()
    assert not problems, "\n\n".join(problems)


# --- the keyboard -------------------------------------------------------------

# Everything a keyboard user can reach, in DOM order, that a sighted user can
# see (a link in a closed <details> is neither). Each gets a number to name it.
LIST_FOCUSABLE = """() => {
    const selector = "a[href], area[href], button, input, select, textarea, summary, iframe, "
        + "[tabindex], [contenteditable=''], [contenteditable='true']";
    const found = [];
    for (const el of document.querySelectorAll(selector)) {
        if (el.disabled || el.tabIndex < 0 || (el.type === "hidden")) continue;
        if (el.tagName === "SUMMARY" && el.parentElement.querySelector("summary") !== el) continue;
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        el.dataset.kdrFocus = found.length;
        found.push(window.kdrDescribe(el));
    }
    return found;
}"""

DESCRIBE = """() => {
    window.kdrDescribe = (el) => {
        const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim();
        return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}`
            + `${el.getAttribute("href") ? " href=" + el.getAttribute("href") : ""}`
            + `${el.name ? " name=" + el.name : ""}> ${text.split(/\\s+/).join(" ").slice(0, 60)}`;
    };
}"""

# The focused element, and whether its focus shows: an outline of at least 2
# CSS pixels (stricter than the browser's own 1-pixel ring) or a box-shadow.
FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
        && style.outlineColor !== "rgba(0, 0, 0, 0)";
    const shadow = style.boxShadow !== "none";
    return {
        index: el.dataset.kdrFocus === undefined ? null : Number(el.dataset.kdrFocus),
        description: window.kdrDescribe(el),
        id: el.id,
        inMain: !!el.closest("main"),
        indicator: outline || shadow,
        onScreen: rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
            && rect.top < window.innerHeight && rect.left < window.innerWidth,
    };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUSED)


@pytest.mark.parametrize("name", ["front page", "review"])
def test_the_keyboard_reaches_everything_from_a_skip_link(live_server, site, browser, name):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    url = live_server.url + site[name]

    # The first Tab shows a skip link; following it puts focus on the content.
    open_page(page, url)
    page.evaluate(DESCRIBE)
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip and skip["description"].startswith("<a href=#main>"), skip
    assert skip["onScreen"] and skip["indicator"], f"the skip link is not visible: {skip}"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
    assert focused(page)["id"] == "main", "the skip link does not move focus to the content"
    page.keyboard.press("Tab")
    after_skip = focused(page)
    assert after_skip and after_skip["inMain"], f"Tab after the skip link went to {after_skip}"

    # Tab from the top of the page reaches every visible control, in order,
    # each with a visible focus indicator, and nothing that cannot be seen.
    open_page(page, url)
    page.evaluate(DESCRIBE)
    expected = page.evaluate(LIST_FOCUSABLE)
    reached, problems = [], []
    for _ in range(len(expected) + 5):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None or (reached and now["index"] == 0):
            break  # past the last control, back to the browser's own
        reached.append(now["index"])
        if now["index"] is None:
            problems.append(f"focus went to something that cannot be seen: {now['description']}")
        elif not (now["onScreen"] and now["indicator"]):
            problems.append(f"no visible focus indicator on {now['description']}")
    missed = [expected[i] for i in range(len(expected)) if i not in reached]
    if missed:
        problems.append("never reached by Tab: " + "; ".join(missed))
    if not missed and reached != list(range(len(expected))):
        problems.append(f"Tab order differs from the page's order: {reached}")
    context.close()
    assert len(expected) > 10, expected  # the page was really walked
    assert not problems, f"{name} ({site[name]}):\n  " + "\n  ".join(problems)


# --- reflow ---------------------------------------------------------------------

OVERFLOW = """() => {
    const root = document.documentElement;
    const wide = [...document.body.querySelectorAll("*")]
        .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 0.5)
        .slice(0, 8)
        .map((el) => el.outerHTML.split(">")[0].slice(0, 120) + ">");
    return {scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, wide};
}"""


def test_every_page_reflows_at_320_css_pixels(live_server, site, browser):
    """320 CSS pixels is a 1280-pixel window at 400% zoom (WCAG 1.4.10); 640 is
    200%. Neither may need sideways scrolling."""
    problems = []
    for width in (320, 640):
        context = browser.new_context(viewport={"width": width, "height": 800})
        context.set_default_timeout(15_000)
        page = context.new_page()
        for name, path in site.items():
            open_page(page, live_server.url + path)
            found = page.evaluate(OVERFLOW)
            if found["scrollWidth"] > found["clientWidth"]:
                problems.append(
                    f"{name} {path} at {width}px scrolls sideways "
                    f"({found['scrollWidth']} > {found['clientWidth']}): "
                    + ", ".join(found["wide"])
                )
        context.close()
    assert not problems, "\n".join(problems)
