"""Accessibility, checked in a real browser.

axe-core (bundled by the ``axe-playwright-python`` package) runs on each page a
reader or an editor uses, in the light and dark colour schemes, and any
violation of any impact fails the test. Keyboard-only use is walked with the
Tab key, the pages are checked for reflow at 320 CSS pixels (WCAG 1.4.10),
and screenshots of a review are kept in test-artifacts/ for the record.
"""

import re
from collections.abc import Iterable
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from reviews.models import Correction, Genre
from tests.factories import (
    image_upload,
    make_author,
    make_character,
    make_column,
    make_drama,
    make_person,
    make_quote,
    make_review,
    make_role_user,
)

# serialized_rollback keeps the groups made by a data migration across tests.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HERO_ALT = "Two runners on an empty track under floodlights"
CORRECTION = "An earlier version gave the wrong episode for the rooftop scene."
BODY = """\
*Run On* (런 온) opens on a track and stays there longer than you expect. Im Si-wan \
plays a sprinter who has only ever been told to win; Shin Se-kyung plays a subtitler \
who has never been told anything she did not check twice.

## A drama that walks

Most romances hurry. This one idles, and the idling is the point: two people work \
out how to be in the same room without either of them leaving it.

> The slowest scenes are the ones you remember.

What it does well:

- conversations that are allowed to go nowhere;
- a second couple who are more than comic relief;
- a soundtrack that knows when to stop.

:::spoiler How it ends
Nobody wins a race, and nobody needs to.
:::
"""


@pytest.fixture
def site():
    """A small published site: the Rewind column on Run On, its cast, quotes,
    tags, a correction and other reviews for "Up Next". Returns the pages
    under test by name."""
    now = timezone.now()
    rewind = make_column("K-Drama Rewind", is_featured=True, description="Old dramas, again.")
    author = make_author(
        "Mina Park",
        job_title="Assistant Features Editor",
        bio="Mina writes about television.",
        photo=image_upload("mina.jpg", size=(400, 400)),
        photo_alt="Mina Park",
    )
    run_on = make_drama(
        "Run On",
        original_title="런 온",
        network="JTBC",
        episodes=16,
        synopsis="A sprinter and a subtitler learn to slow down.",
        poster=image_upload("run-on.jpg", size=(400, 600)),
        poster_alt="The two leads back to back on a running track",
    )
    run_on.genres.add(Genre.objects.create(name="Romance"), Genre.objects.create(name="Sports"))
    im = make_person(
        "Im Si-wan",
        hangul_name="임시완",
        aliases="Yim Si-wan",
        bio="An actor and singer.",
        photo=image_upload("im.jpg", size=(400, 400)),
        photo_alt="Im Si-wan at a press event",
    )
    shin = make_person("Shin Se-kyung", hangul_name="신세경", aliases="Shin Se-kyeong")
    seon_gyeom = make_character(run_on, "Ki Seon-gyeom", played_by=im, role="lead")
    mi_joo = make_character(run_on, "Oh Mi-joo", played_by=shin, role="lead")
    quotes = [
        make_quote(seon_gyeom, "I came without a reason.", episode=5, context="On the rooftop."),
        make_quote(mi_joo, "Subtitles are a promise to be understood.", episode=2),
    ]
    others = [
        make_review(
            f"{title}: another look back",
            standfirst="More from the desk.",
            author=author,
            column=rewind if i == 0 else None,
            dramas=[run_on] if i < 2 else [],
            people=[im] if i == 2 else [],
            tags=["Run On"],
            hero_image=image_upload(f"other-{i}.jpg", size=(800, 450)),
            hero_alt=f"A still from {title}",
            published_at=now - timedelta(days=10 + i),
        )
        for i, title in enumerate(["Misaeng", "Reply 1988", "Hometown Cha-Cha-Cha"])
    ]
    review = make_review(
        "K-Drama Rewind, Run On: a romance that takes its time",
        standfirst="Im Si-wan and Shin Se-kyung find a pace they can share.",
        body=BODY,
        author=author,
        column=rewind,
        dramas=[run_on],
        people=[im, shin],
        tags=["Run On", "Romance", "Im Si-wan"],
        hero_image=image_upload("hero.jpg", size=(1200, 675)),
        hero_alt=HERO_ALT,
        hero_caption="The track at night.",
        hero_credit="Illustration: the desk",
        published_at=now - timedelta(days=2),
    )
    review.quotes.add(*quotes)
    review.up_next_picks.add(others[1])
    Correction.objects.create(review=review, text=CORRECTION, noted_at=now - timedelta(days=1))
    return {
        "front page": "/",
        "review": review.get_absolute_url(),
        "drama": run_on.get_absolute_url(),
        "person": im.get_absolute_url(),
        "search": "/search/?q=Run+On",
        "newsletter": "/newsletter/",
    }


# --- axe-core ---------------------------------------------------------------


AXE_OPTIONS = {
    "resultTypes": ["violations"],
    # WCAG 2.2 AA's minimum target size (2.5.8), which axe leaves off by default.
    "rules": {"target-size": {"enabled": True}},
}


def run_axe(page, axe_script: str, *, allow: Iterable[tuple[str, str]] = ()) -> list[dict]:
    """axe-core's violations on the page as it is now: every rule axe runs by
    default (WCAG 2.0 to 2.2 A and AA, and its best practices), and more.

    ``allow`` holds (rule id, CSS selector) pairs: that rule may fail on the
    nodes the selector matches. Keep it to markup we cannot change, and say why.
    """
    page.evaluate(axe_script)
    return page.evaluate(
        """async ([options, allowed]) => {
            const results = await axe.run(document, options);
            const isAllowed = (rule, node) => allowed.some(([id, selector]) =>
                id === rule && document.querySelector(node.target[0])?.matches(selector));
            return results.violations
                .map((v) => ({...v, nodes: v.nodes.filter((node) => !isAllowed(v.id, node))}))
                .filter((v) => v.nodes.length);
        }""",
        [AXE_OPTIONS, [list(pair) for pair in allow]],
    )


def describe_violations(where: str, violations: list[dict]) -> str:
    lines = [f"{where}: {len(violations)} axe-core violation(s)"]
    for violation in violations:
        lines.append(
            f"  [{violation['impact']}] {violation['id']}: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"      at {' '.join(node['target'])}")
            lines.append(f"         {' '.join(node['html'].split())[:200]}")
            if node.get("failureSummary"):
                for summary in node["failureSummary"].splitlines():
                    lines.append(f"         {summary.strip()}")
    return "\n".join(lines)


def open_page(page, url: str) -> None:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"


def test_the_public_pages_have_no_axe_violations(live_server, site, browser, axe_script):
    from playwright.sync_api import expect

    problems = []
    for scheme in ("light", "dark"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
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
            if violations := run_axe(page, axe_script):
                problems.append(describe_violations(f"{name} {path} ({scheme})", violations))
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
DJANGO_TABULAR_HEADERS = {
    ("empty-table-header", "#preview_links-group thead th.original:empty"),
    ("empty-table-header", "#preview_links-group thead th:last-child:empty"),
}


@pytest.fixture
def editor_session(client) -> dict:
    """A browser cookie for a logged-in member of the Editor group."""
    client.force_login(make_role_user("Editor", "editor"))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value}


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


# --- reflow and the record ------------------------------------------------------

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


def test_screenshots_of_a_review_at_phone_and_desktop_widths(live_server, site, browser, artifacts):
    for label, (width, height) in [("phone", (390, 844)), ("desktop", (1280, 900))]:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        page = context.new_page()
        open_page(page, live_server.url + site["review"])
        # Load the lazy images too, so the record shows the whole page.
        page.evaluate("document.querySelectorAll('img').forEach((i) => { i.loading = 'eager'; })")
        page.wait_for_function(
            "() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)"
        )
        path = artifacts / f"review-page-{label}.png"
        page.screenshot(path=path, full_page=True)
        context.close()
        assert path.stat().st_size > 10_000
