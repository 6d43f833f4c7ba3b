"use strict";
// Small helps for the review form's fields: the review's address follows
// the slug as it is typed, and a preview link's address has a copy button.
{
    function followSlug() {
        const slug = document.getElementById("id_slug");
        const shown = document.querySelector(".kdr-address__slug");
        if (!slug || !shown) return;
        const update = () => {
            shown.textContent = slug.value.trim() || "…";
        };
        slug.addEventListener("input", update);
        slug.addEventListener("change", update);
        // The admin fills the slug from the headline with a script of its own.
        document.getElementById("id_title")?.addEventListener("input", () => setTimeout(update));
    }

    function copyButtons() {
        for (const field of document.querySelectorAll("input.kdr-copy__address")) {
            const button = document.createElement("button");
            button.type = "button";
            button.className = "button kdr-copy__button";
            button.textContent = "Copy";
            button.setAttribute("aria-label", `Copy ${field.value}`);
            const note = document.createElement("span");
            note.className = "kdr-copy__note";
            note.setAttribute("role", "status");
            button.addEventListener("click", async () => {
                try {
                    await navigator.clipboard.writeText(field.value);
                    note.textContent = "Copied";
                } catch {
                    field.select();
                    note.textContent = "Selected: press Ctrl+C to copy";
                }
            });
            field.after(button, note);
        }
    }

    document.addEventListener("DOMContentLoaded", () => {
        followSlug();
        copyButtons();
    });
}
