"""The strict Content-Security-Policy breaks nothing: in a real browser, no
public page and no admin screen an editor uses reports a violation."""

import pytest

from tests.e2e.browser import open_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def watch_for_violations(page) -> list[str]:
    reported = []
    page.on(
        "console",
        lambda message: (
            reported.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reported


def test_public_pages_run_under_the_policy(live_server, site, browser):
    context = browser.new_context()
    page = context.new_page()
    reported = watch_for_violations(page)
    for path in site.values():
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    context.close()
    assert not reported, "\n".join(reported)


def test_the_admin_runs_under_the_policy(live_server, editor_session, browser):  # noqa: F811
    from playwright.sync_api import expect

    context = browser.new_context()
    context.add_cookies([{**editor_session, "url": live_server.url}])
    page = context.new_page()
    reported = watch_for_violations(page)
    open_page(page, f"{live_server.url}/admin/reviews/review/add/")
    # Autocomplete (select2 over fetch) and the page's own script both run.
    page.get_by_role("searchbox", name="Dramas:").fill("Run")
    expect(page.locator(".select2-results")).to_be_visible()
    for path in ["/admin/", "/admin/reviews/review/", "/admin/reviews/column/calendar/"]:
        open_page(page, live_server.url + path)
        page.wait_for_load_state("networkidle")
    context.close()
    assert not reported, "\n".join(reported)
