"use strict";
// The discussion beside the review form (_discussion.html):
// - posts a comment, a reply or a resolve without leaving the page, so what
//   is typed in the review form is kept, and swaps the panel for the answer;
// - asks before sending a review back while its form has unsaved changes;
// - marks each field of the form that has open comments, with a link to them;
// - fills the quoted passage from words selected in the body.
// Without this script every form still works, by reloading the page.
{
    const reviewForm = () => document.querySelector("#review_form");
    const serialize = (form) =>
        form
            ? new URLSearchParams(
                  [...new FormData(form)].filter(([, value]) => typeof value === "string")
              ).toString()
            : "";
    let savedState = "";

    function markFields(panel) {
        for (const old of document.querySelectorAll(".kdr-field-comments")) old.remove();
        const counts = new Map();
        for (const thread of panel.querySelectorAll(".kdr-thread[data-field]")) {
            const field = thread.dataset.field;
            if (!field) continue;
            const entry = counts.get(field) || { count: 0, first: thread.id };
            entry.count += 1;
            counts.set(field, entry);
        }
        for (const [field, { count, first }] of counts) {
            const label = document.querySelector(`.form-row.field-${field} label, .fieldBox.field-${field} label`);
            if (!label) continue;
            const link = document.createElement("a");
            link.className = "kdr-field-comments";
            link.href = `#${first}`;
            link.textContent = `${count} comment${count === 1 ? "" : "s"}`;
            label.after(link);
        }
    }

    function addQuoteButton(panel) {
        const quote = panel.querySelector("#comment-quote");
        const body = document.querySelector("#id_body");
        if (!quote || !body) return;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button kdr-quote-selection";
        button.textContent = "Quote the selection";
        button.addEventListener("click", () => {
            const chosen = body.value.slice(body.selectionStart, body.selectionEnd).trim();
            const help = panel.querySelector("#comment-quote-help");
            if (!chosen) {
                help.textContent = "Select words in the body first, then press “Quote the selection”.";
                body.focus();
                return;
            }
            quote.value = chosen;
            panel.querySelector("#comment-field").value = "body";
            panel.querySelector("#comment-text").focus();
        });
        quote.after(button);
    }

    async function post(form, submitter) {
        const data = new FormData(form);
        if (submitter?.name) data.append(submitter.name, submitter.value);
        const action = submitter?.getAttribute("formaction") || form.action;
        let response;
        try {
            response = await fetch(action, {
                method: "POST",
                body: data,
                headers: { "X-KDR-Panel": "1" },
                credentials: "same-origin",
            });
        } catch {
            response = null;
        }
        if (!response || (response.status !== 200 && response.status !== 400)) {
            // Let the browser post it and show whatever the server says.
            form.action = action;
            HTMLFormElement.prototype.submit.call(form);
            return;
        }
        const holder = document.createElement("div");
        holder.innerHTML = await response.text();
        const fresh = holder.querySelector("#discussion");
        document.querySelector("#discussion").replaceWith(fresh);
        setUp(fresh);
        const focus = fresh.querySelector(".errornote") || fresh.querySelector("#discussion-title");
        focus.tabIndex = -1;
        focus.focus();
    }

    function setUp(panel) {
        markFields(panel);
        addQuoteButton(panel);
        for (const form of panel.querySelectorAll("form[data-kdr-panel]")) {
            form.addEventListener("submit", (event) => {
                event.preventDefault();
                for (const button of form.querySelectorAll("button")) button.disabled = true;
                post(form, event.submitter);
            });
        }
        for (const form of panel.querySelectorAll("form[data-kdr-leaves-page]")) {
            form.addEventListener("submit", (event) => {
                const unsaved = serialize(reviewForm()) !== savedState;
                if (
                    unsaved &&
                    !window.confirm(
                        "The review form has changes you have not saved. Send the review back without them?"
                    )
                ) {
                    event.preventDefault();
                }
            });
        }
    }

    document.addEventListener("DOMContentLoaded", () => {
        const panel = document.querySelector("#discussion");
        if (!panel) return;
        // Widgets (select2, the date pickers) settle first; then remember the form as loaded.
        window.setTimeout(() => {
            savedState = serialize(reviewForm());
        }, 0);
        setUp(panel);
    });
}
