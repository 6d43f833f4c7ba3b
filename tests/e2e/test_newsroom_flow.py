"""The newsroom's loop in a real browser: a writer sends a draft for review,
the editor finds it on the dashboard, comments on a passage and sends it
back with a note, and the writer sees both, answers and sends it again."""

import re

import pytest
from django.core import mail

from reviews.models import Comment, Notification, Review, SendBack
from tests.e2e.browser import (
    DJANGO_TABULAR_HEADERS,
    describe_violations,
    run_axe,
)
from tests.factories import make_review, make_role_user

# serialized_rollback keeps the groups made by a data migration across tests.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PASSWORD = "correct horse battery staple"
TITLE = "K-Drama Rewind, Misaeng: the office as a board game"
BODY = (
    "Jang Geu-rae learns the office one move at a time.\n\n"
    "The second paragraph retells the first episode scene by scene."
)
PASSAGE = "retells the first episode scene by scene"
COMMENT = "Cut this: readers know the first episode."
NOTE = "Shorten the second paragraph, then send it again."
REPLY = "Cut it down to one sentence."


def person(role: str, username: str, **byline):
    user = make_role_user(role, username, **byline)
    user.set_password(PASSWORD)
    user.email = f"{username}@newsroom.example"
    user.save()
    return user


def sign_in(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 1366, "height": 1000})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    return context, page


def panel(page, title: str):
    """A dashboard panel, found by its heading."""
    return page.locator("section.kdr-panel", has=page.get_by_role("heading", name=title))


def test_a_review_goes_to_the_editor_and_back_with_a_comment_and_a_note(
    live_server, browser, artifacts, axe_script
):
    from playwright.sync_api import expect

    writer = person("Writer", "mina", author_name="Mina Park")
    person("Editor", "eddie")
    review = make_review(TITLE, published=False, body=BODY, author=writer.author)
    change = f"{live_server.url}/admin/reviews/review/{review.pk}/change/"
    problems = []

    # The writer finds her draft on her dashboard and sends it for review.
    mina, page = sign_in(browser, live_server, "mina")
    panel(page, "My drafts").get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(change)
    page.select_option("#id_status", "review")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)

    # The editor sees it waiting on his dashboard and opens it.
    eddie, editor_page = sign_in(browser, live_server, "eddie")
    waiting = panel(editor_page, "Waiting for review")
    expect(waiting).to_contain_text(TITLE)
    expect(waiting).to_contain_text(re.compile(r"Mina Park, waiting \d+\xa0minutes"))
    expect(editor_page.locator("#notifications-module")).to_contain_text(
        f"mina sent “{TITLE}” for review"
    )
    if violations := run_axe(editor_page, axe_script):
        problems.append(describe_violations("dashboard", violations))
    waiting.get_by_role("link", name=TITLE).click()
    expect(editor_page).to_have_url(change)

    # He quotes a passage of the body and comments on it; the page does not
    # reload, so what he had typed in the form is still there.
    editor_page.fill("#id_standfirst", "Not saved yet")
    editor_page.evaluate(
        """([passage]) => {
            const body = document.querySelector("#id_body");
            const start = body.value.indexOf(passage);
            body.focus();
            body.setSelectionRange(start, start + passage.length);
        }""",
        [PASSAGE],
    )
    discussion = editor_page.locator("#discussion")
    discussion.get_by_role("button", name="Quote the selection").click()
    expect(discussion.get_by_label("Passage of the body")).to_have_value(PASSAGE)
    expect(discussion.get_by_label("About")).to_have_value("body")
    discussion.get_by_label("Comment", exact=True).fill(COMMENT)
    discussion.get_by_role("button", name="Comment", exact=True).click()
    thread = editor_page.locator("#discussion .kdr-thread", has_text=COMMENT)
    expect(thread).to_contain_text(PASSAGE)
    expect(editor_page.locator("#id_standfirst")).to_have_value("Not saved yet")
    expect(editor_page.locator(".field-body .kdr-field-comments")).to_have_text("1 comment")
    if violations := run_axe(editor_page, axe_script, allow=DJANGO_TABULAR_HEADERS):
        problems.append(describe_violations("review form with comments", violations))
    editor_page.screenshot(path=artifacts / "newsroom-comment.png", full_page=True)

    # He sends it back with a note; the form's unsaved change is his to drop.
    editor_page.once("dialog", lambda dialog: dialog.accept())
    editor_page.get_by_text("Send back to the writer").click()
    editor_page.get_by_label("What should change").fill(NOTE)
    editor_page.get_by_role("button", name="Send back", exact=True).click()
    expect(editor_page).to_have_url(f"{live_server.url}/admin/")
    expect(editor_page.locator(".messagelist .success")).to_contain_text("is back with Mina Park")
    expect(panel(editor_page, "Waiting for review")).not_to_contain_text(TITLE)

    # The writer sees it came back, with the note, on her dashboard...
    page.goto(f"{live_server.url}/admin/")
    came_back = panel(page, "Sent back to me")
    expect(came_back).to_contain_text(TITLE)
    expect(came_back).to_contain_text(NOTE)
    expect(came_back).to_contain_text("1 open comment")
    expect(page.locator("#notifications-module")).to_contain_text(
        f"eddie sent “{TITLE}” back to you"
    )
    if violations := run_axe(page, axe_script):
        problems.append(describe_violations("writer's dashboard", violations))
    page.screenshot(path=artifacts / "newsroom-writer-dashboard.png", full_page=True)

    # ...opens it from there, reads the note and the comment, and answers.
    came_back.get_by_role("link", name=TITLE).click()
    expect(page.locator(".kdr-send-back-note")).to_contain_text(NOTE)
    writer_thread = page.locator("#discussion .kdr-thread", has_text=COMMENT)
    expect(writer_thread).to_contain_text(PASSAGE)
    writer_thread.get_by_label("Reply").fill(REPLY)
    writer_thread.get_by_role("button", name="Reply").click()
    expect(page.locator("#discussion .kdr-thread", has_text=COMMENT)).to_contain_text(REPLY)

    # She shortens the paragraph and sends it for review again.
    page.fill("#id_body", "Jang Geu-rae learns the office one move at a time.\n\nIt still thrills.")
    page.select_option("#id_status", "review")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_contain_text(TITLE)
    page.goto(change)
    expect(page.locator(".kdr-send-back-note")).to_have_count(0)  # answered
    page.screenshot(path=artifacts / "newsroom-resubmitted.png", full_page=True)

    # The editor finds it waiting again, with the answer to his comment.
    editor_page.goto(f"{live_server.url}/admin/")
    expect(panel(editor_page, "Waiting for review")).to_contain_text(TITLE)
    expect(editor_page.locator("#notifications-module")).to_contain_text(
        "mina replied to a comment"
    )
    mina.close()
    eddie.close()

    review.refresh_from_db()
    assert review.status == Review.Status.REVIEW
    assert SendBack.objects.get(review=review).answered_at is not None
    thread = Comment.objects.get(review=review, thread=None)
    assert (thread.quote, thread.field, thread.version) == (PASSAGE, "body", 1)
    assert [reply.text for reply in thread.replies.all()] == [REPLY]
    told = sorted(
        Notification.objects.filter(review=review).values_list("recipient__username", "kind")
    )
    assert told == [
        ("eddie", "comment"),
        ("eddie", "submitted"),
        ("eddie", "submitted"),
        ("mina", "comment"),
        ("mina", "sent_back"),
    ]
    assert len(mail.outbox) == len(told)
    assert not problems, "\n\n".join(problems)
