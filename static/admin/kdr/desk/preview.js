"use strict";
// The live preview beside the body: a moment after the writer stops typing,
// the form's current values (not its files) are posted to the admin's
// preview view, which draws them with the public review template and saves
// nothing. The page goes into a sandboxed frame (no scripts, no forms) at
// desktop width, scaled to fit, or at a phone's width.
{
    const DELAY = 700;
    const WIDTHS = { desktop: 1200, phone: 390 };

    function formData(form) {
        const data = new FormData(form);
        for (const [key, value] of [...data.entries()]) {
            if (value instanceof File) data.delete(key);
        }
        return data;
    }

    function start(form, config) {
        const section = form.querySelector(".kdr-preview");
        const editor = section?.closest(".kdr-editor");
        if (!section || !config.preview) return;
        const frame = section.querySelector(".kdr-preview__frame");
        const stage = section.querySelector(".kdr-preview__stage");
        const state = section.querySelector(".kdr-preview__state");
        const widths = [...section.querySelectorAll("[data-kdr-width]")];
        let width = "desktop";
        let timer, controller, sent = 0, shown = 0;

        section.hidden = false;
        editor.classList.add("kdr-editor--previewing");
        form.querySelector(".kdr-preview-fallback")?.setAttribute("hidden", "");

        function fit() {
            const pixels = WIDTHS[width];
            const scale = Math.min(1, stage.clientWidth / pixels);
            frame.style.setProperty("width", `${pixels}px`);
            frame.style.setProperty("height", `${stage.clientHeight / scale}px`);
            frame.style.setProperty("transform", `scale(${scale})`);
            stage.classList.toggle("kdr-preview__stage--phone", width === "phone");
        }

        function keepInside(doc) {
            // Links and forms in the preview go nowhere: it is a picture of a page.
            doc.addEventListener("click", (event) => {
                const link = event.target.closest?.("a[href]");
                if (!link) return;
                event.preventDefault();
                if (!link.getAttribute("href").startsWith("#")) window.open(link.href, "_blank", "noopener");
            });
        }

        async function refresh() {
            controller?.abort();
            controller = new AbortController();
            const number = ++sent;
            state.textContent = "Updating…";
            try {
                const response = await fetch(config.preview, {
                    method: "POST",
                    body: formData(form),
                    credentials: "same-origin",
                    signal: controller.signal,
                });
                if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
                const html = await response.text();
                if (number < shown) return;
                shown = number;
                const scrolled = frame.contentWindow?.scrollY || 0;
                frame.addEventListener(
                    "load",
                    () => {
                        frame.contentWindow.scrollTo(0, scrolled);
                        keepInside(frame.contentDocument);
                        state.textContent = "Up to date";
                    },
                    { once: true },
                );
                frame.srcdoc = html;
            } catch (error) {
                if (error.name === "AbortError") return;
                state.textContent = "The preview could not be updated just now; keep writing, it will try again.";
            }
        }

        const soon = () => {
            clearTimeout(timer);
            timer = setTimeout(refresh, DELAY);
        };
        form.addEventListener("input", (event) => {
            if (!event.target.closest(".kdr-quotes")) soon();
        });
        form.addEventListener("change", soon);
        if (window.django?.jQuery) django.jQuery(form).on("change", "select", soon); // select2

        section.addEventListener("click", (event) => {
            const button = event.target.closest("[data-kdr-width]");
            if (!button) return;
            width = button.dataset.kdrWidth;
            for (const other of widths) other.setAttribute("aria-pressed", String(other === button));
            fit();
        });
        new ResizeObserver(fit).observe(stage);
        fit();
        refresh();
    }

    document.addEventListener("DOMContentLoaded", () => {
        const config = JSON.parse(document.getElementById("kdr-desk-config")?.textContent || "{}");
        const form = document.getElementById("review_form");
        if (form) start(form, config);
    });
}
