"use strict";
// Autosave: while someone types, the form's fields (not its files) are kept
// on the server every few seconds, and once more when the tab is closed or
// hidden, for this user and this review only. Saving the form clears what
// was kept; a save waits for an autosave under way, so it cannot bring back
// what the save cleared.
{
    function formData(form) {
        const data = new FormData(form);
        for (const [key, value] of [...data.entries()]) {
            if (value instanceof File) data.delete(key);
        }
        return data;
    }

    function start(form, config) {
        const state = form.querySelector(".kdr-autosave-state");
        // A form that came back with a question holds unsaved words: keep them.
        let dirty = Boolean(document.querySelector(".errornote"));
        let inFlight = null;
        let submitting = false;

        const say = (text) => {
            if (state && state.textContent !== text) state.textContent = text; // said once, not every save
        };

        function save() {
            dirty = false;
            inFlight = fetch(config.autosave, {
                method: "POST",
                body: formData(form),
                credentials: "same-origin",
            })
                .then((response) => {
                    if (!response.ok) throw new Error(response.statusText);
                    return response.json();
                })
                .then((kept) => say(`Kept as you type at ${kept.time}; not saved yet.`))
                .catch(() => {
                    dirty = true;
                    say("Your writing could not be kept on the server just now; it is still here.");
                })
                .finally(() => {
                    inFlight = null;
                });
        }

        const changed = () => {
            if (!submitting) dirty = true;
        };
        form.addEventListener("input", changed);
        form.addEventListener("change", changed);
        if (window.django?.jQuery) django.jQuery(form).on("change", "select", changed); // select2

        setInterval(() => {
            if (dirty && !inFlight && !submitting) save();
        }, (config.autosave_seconds || 5) * 1000);

        const last = () => {
            if (dirty && !submitting && navigator.sendBeacon(config.autosave, formData(form))) dirty = false;
        };
        window.addEventListener("pagehide", last);
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "hidden") last();
        });

        form.addEventListener("submit", (event) => {
            if (event.submitter?.hasAttribute("formaction")) return; // the preview, not a save
            submitting = true;
            if (inFlight) {
                event.preventDefault();
                const submitter = event.submitter;
                inFlight.then(() => form.requestSubmit(submitter || undefined));
            }
        });
    }

    document.addEventListener("DOMContentLoaded", () => {
        const config = JSON.parse(document.getElementById("kdr-desk-config")?.textContent || "{}");
        const form = document.getElementById("review_form");
        if (form && config.autosave) start(form, config);
    });
}
