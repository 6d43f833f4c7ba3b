"use strict";
// The body's Markdown toolbar (templates/admin/kdr/desk/markdown_editor.html):
// bold, italic, link, subheading, quote, spoiler block and pull quote, each
// with a keyboard shortcut; a live word count and reading time; and the
// pull-quote finder, which searches the quote registry, puts the marker
// paragraph the public page reads where the cursor is, and adds the quote
// (and its drama) to the review's fields. Edits go through the browser's
// own editing commands, so Ctrl+Z undoes them.
{
    const config = JSON.parse(document.getElementById("kdr-desk-config")?.textContent || "{}");

    function insert(textarea, text, selectFrom, selectTo) {
        // Replaces the selection with text; selects text[selectFrom:selectTo].
        textarea.focus();
        const start = textarea.selectionStart;
        if (!document.execCommand("insertText", false, text)) {
            textarea.setRangeText(text, start, textarea.selectionEnd, "end");
            textarea.dispatchEvent(new Event("input", { bubbles: true }));
        }
        if (selectFrom !== undefined) {
            textarea.setSelectionRange(start + selectFrom, start + (selectTo ?? selectFrom));
        }
    }

    function wrap(textarea, mark, placeholder) {
        const { selectionStart: start, selectionEnd: end, value } = textarea;
        const chosen = value.slice(start, end);
        if (chosen.startsWith(mark) && chosen.endsWith(mark) && chosen.length >= 2 * mark.length) {
            const inner = chosen.slice(mark.length, chosen.length - mark.length);
            insert(textarea, inner, 0, inner.length);
            return;
        }
        const inner = chosen || placeholder;
        insert(textarea, mark + inner + mark, mark.length, mark.length + inner.length);
    }

    function selectLines(textarea) {
        // Widen the selection to whole lines; returns the selected text.
        const { value } = textarea;
        const start = value.lastIndexOf("\n", textarea.selectionStart - 1) + 1;
        let end = value.indexOf("\n", textarea.selectionEnd);
        if (end === -1 || (textarea.selectionEnd > start && value[textarea.selectionEnd - 1] === "\n")) {
            end = end === -1 ? value.length : textarea.selectionEnd - 1;
        }
        textarea.setSelectionRange(start, end);
        return value.slice(start, end);
    }

    function prefixLines(textarea, prefix) {
        const lines = selectLines(textarea).split("\n");
        const all = lines.every((line) => line.startsWith(prefix) || line === "");
        const text = lines
            .map((line) => (all ? line.replace(prefix, "") : line === "" ? line : prefix + line))
            .join("\n");
        insert(textarea, text, 0, text.length);
    }

    function heading(textarea) {
        const line = selectLines(textarea);
        const bare = line.replace(/^#{1,6}\s*/, "");
        const text = bare === line ? `## ${line || "Subheading"}` : bare;
        const from = text.startsWith("## ") ? 3 : 0;
        insert(textarea, text, from, text.length);
    }

    // Text placed as a block of its own: blank lines around it as needed.
    function block(textarea, text, selectFrom, selectTo) {
        const { value, selectionStart: start, selectionEnd: end } = textarea;
        const before = value.slice(0, start);
        const after = value.slice(end);
        const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
        const tail = after === "" ? "\n" : after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
        insert(textarea, lead + text + tail, lead.length + selectFrom, lead.length + selectTo);
    }

    function spoiler(textarea) {
        const { value, selectionStart: start, selectionEnd: end } = textarea;
        const title = "What it gives away";
        const inside = value.slice(start, end).trim() || "The part readers choose to open.";
        const opening = ":::spoiler ";
        const text = `${opening}${title}\n${inside}\n:::`;
        block(textarea, text, opening.length, opening.length + title.length);
    }

    function link(textarea) {
        const { value, selectionStart: start, selectionEnd: end } = textarea;
        const chosen = value.slice(start, end);
        if (/^https?:\/\/\S+$/.test(chosen)) {
            const text = `[link text](${chosen})`;
            insert(textarea, text, 1, 10);
        } else {
            const label = chosen || "link text";
            const text = `[${label}](https://)`;
            insert(textarea, text, label.length + 3, label.length + 11);
        }
    }

    // ---------------------------------------------------------------- count

    function countWords(markdown) {
        const text = markdown
            .replace(/^:::.*$/gm, " ")
            .replace(/\]\([^)]*\)/g, " ")
            .replace(/[#>*_`~|[\]()!-]+/g, " ");
        const words = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’.]*/gu);
        return words ? words.length : 0;
    }

    // ---------------------------------------------------------------- pull quotes

    function chooseOption(select, id, label) {
        if (!select) return false;
        let option = [...select.options].find((o) => o.value === String(id));
        if (!option) {
            option = new Option(label, id, false, false);
            select.append(option);
        }
        if (!option.selected) {
            option.selected = true;
            if (window.django?.jQuery) django.jQuery(select).trigger("change");
            else select.dispatchEvent(new Event("change", { bubbles: true }));
        }
        return true;
    }

    function quoteFinder(editor, textarea) {
        const dialog = editor.querySelector(".kdr-quotes");
        const search = dialog.querySelector(".kdr-quotes__search");
        const results = dialog.querySelector(".kdr-quotes__results");
        const state = dialog.querySelector(".kdr-quotes__state");
        const cancel = dialog.querySelector("[value=cancel]");
        let timer, controller, cursor = [0, 0];

        // The dialog sits inside the review form: its controls must never submit it.
        cancel.type = "button";
        cancel.addEventListener("click", () => dialog.close());
        search.addEventListener("keydown", (event) => {
            if (event.key === "Enter") {
                event.preventDefault();
                results.querySelector("button")?.focus();
            }
        });

        function show(quotes) {
            results.replaceChildren();
            for (const quote of quotes) {
                const item = document.createElement("li");
                const button = document.createElement("button");
                button.type = "button";
                button.className = "kdr-quotes__choice";
                const words = document.createElement("span");
                words.textContent = `“${quote.short}”`;
                const who = document.createElement("small");
                who.textContent = ` ${quote.character}, ${quote.drama.title}${quote.episode ? `, episode ${quote.episode}` : ""}`;
                button.append(words, who);
                button.addEventListener("click", () => place(quote));
                item.append(button);
                results.append(item);
            }
            state.textContent = quotes.length
                ? `${quotes.length} quote${quotes.length === 1 ? "" : "s"} found.`
                : "No quote matches. Quotes are added under Reviews › Quotes.";
        }

        async function find() {
            controller?.abort();
            controller = new AbortController();
            const dramas = [...(document.getElementById("id_dramas")?.selectedOptions || [])].map((o) => o.value);
            const url = `${config.quotes}?${new URLSearchParams({ q: search.value, dramas: dramas.join(",") })}`;
            try {
                const response = await fetch(url, { signal: controller.signal, credentials: "same-origin" });
                if (!response.ok) throw new Error(response.statusText);
                show((await response.json()).results);
            } catch (error) {
                if (error.name !== "AbortError") state.textContent = "The quotes could not be searched just now.";
            }
        }

        function place(quote) {
            dialog.close();
            textarea.setSelectionRange(...cursor);
            block(textarea, quote.marker, 0, quote.marker.length);
            const added = chooseOption(document.getElementById("id_quotes"), quote.id, quote.label);
            chooseOption(document.getElementById("id_dramas"), quote.drama.id, quote.drama.title);
            announce(
                editor,
                added
                    ? "Pull quote placed, and added to the review’s pull quotes."
                    : "Pull quote placed. Add the quote to the review’s pull quotes too.",
            );
        }

        search.addEventListener("input", () => {
            clearTimeout(timer);
            timer = setTimeout(find, 250);
        });
        dialog.addEventListener("close", () => textarea.focus());
        return () => {
            cursor = [textarea.selectionStart, textarea.selectionEnd];
            dialog.showModal();
            search.select();
            find();
        };
    }

    function announce(editor, text) {
        const count = editor.querySelector(".kdr-editor__count");
        let note = editor.querySelector(".kdr-editor__note");
        if (!note) {
            note = document.createElement("p");
            note.className = "kdr-editor__note";
            note.setAttribute("role", "status");
            count.after(note);
        }
        note.textContent = text;
    }

    // ---------------------------------------------------------------- wiring

    function start(editor) {
        const textarea = editor.querySelector("textarea");
        const toolbar = editor.querySelector(".kdr-editor__toolbar");
        const count = editor.querySelector(".kdr-editor__count");
        const perMinute = Number(editor.dataset.wordsPerMinute) || 230;
        const openFinder = config.quotes ? quoteFinder(editor, textarea) : null;
        const actions = {
            bold: () => wrap(textarea, "**", "bold text"),
            italic: () => wrap(textarea, "*", "italic text"),
            link: () => link(textarea),
            heading: () => heading(textarea),
            quote: () => prefixLines(textarea, "> "),
            spoiler: () => spoiler(textarea),
            pullquote: () => openFinder?.(),
        };
        const tools = [...toolbar.querySelectorAll("[data-kdr-format]")];
        if (!openFinder) tools.find((tool) => tool.dataset.kdrFormat === "pullquote")?.remove();

        toolbar.hidden = false;
        count.hidden = false;
        toolbar.addEventListener("click", (event) => {
            const tool = event.target.closest("[data-kdr-format]");
            if (tool) actions[tool.dataset.kdrFormat]();
        });
        // One tab stop for the toolbar; arrow keys move along it.
        toolbar.addEventListener("keydown", (event) => {
            const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
            const current = tools.indexOf(document.activeElement);
            if (!step || current === -1) return;
            const next = tools[(current + step + tools.length) % tools.length];
            tools[current].tabIndex = -1;
            next.tabIndex = 0;
            next.focus();
            event.preventDefault();
        });
        textarea.addEventListener("keydown", (event) => {
            if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
            const key = event.shiftKey
                ? { KeyH: "heading", Period: "quote", KeyS: "spoiler", KeyU: "pullquote" }[event.code]
                : { b: "bold", i: "italic", k: "link" }[event.key.toLowerCase()];
            if (key && actions[key]) {
                event.preventDefault();
                actions[key]();
            }
        });

        const words = count.querySelector("[data-kdr-words]");
        const minutes = count.querySelector("[data-kdr-minutes]");
        const recount = () => {
            const n = countWords(textarea.value);
            words.textContent = n.toLocaleString("en-GB");
            minutes.textContent = Math.max(1, Math.ceil(n / perMinute));
        };
        textarea.addEventListener("input", recount);
        recount();
    }

    document.addEventListener("DOMContentLoaded", () => {
        for (const editor of document.querySelectorAll(".kdr-editor")) start(editor);
    });
}
