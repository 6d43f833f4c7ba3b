"use strict";
// Accessible names for admin controls that Django's markup or select2 leaves
// unnamed, so that a screen reader says which field a control belongs to:
// - select2 (the admin's autocomplete) draws its own combobox and, for a
//   multiple choice, a search box, neither tied to the field's <label>;
// - a widget drawn in a <fieldset> (a file input with nothing uploaded yet)
//   has a <legend> but no <label>;
// - a tabular inline's fields sit under a column header but have no <label>.
{
    const unnamed = (control) =>
        control.labels?.length === 0 &&
        !control.hasAttribute("aria-label") &&
        !control.hasAttribute("aria-labelledby");

    function labelId(element, suffix) {
        element.id ||= suffix;
        return element.id;
    }

    function nameAutocompletes(root) {
        for (const select of root.querySelectorAll("select.admin-autocomplete")) {
            const label = select.labels[0];
            const container = select.nextElementSibling;
            if (!label || !container?.classList.contains("select2")) continue;
            const id = labelId(label, `${select.id}_label`);
            const selection = container.querySelector(".select2-selection");
            const rendered = container.querySelector(
                ".select2-selection--single .select2-selection__rendered"
            );
            if (rendered) {
                // The combobox reads as "Author: Mina Park"; its value box as "Author".
                selection.setAttribute("aria-labelledby", `${id} ${rendered.id}`);
                rendered.setAttribute("aria-labelledby", id);
            } else {
                selection.setAttribute("aria-labelledby", id);
            }
            const search = container.querySelector(".select2-search__field");
            if (search) search.setAttribute("aria-labelledby", id);
        }
    }

    function nameFromLegends(root) {
        const controls = "fieldset input:not([type=hidden]), fieldset select, fieldset textarea";
        for (const control of root.querySelectorAll(controls)) {
            const legend = control.closest("fieldset").querySelector(":scope > legend");
            if (legend && control.id && unnamed(control)) {
                control.setAttribute("aria-labelledby", labelId(legend, `${control.id}_legend`));
            }
        }
    }

    function nameFromColumnHeaders(root) {
        for (const cell of root.querySelectorAll(".tabular td[class*='field-']")) {
            const field = [...cell.classList].find((name) => name.startsWith("field-")).slice(6);
            const header = cell
                .closest("table")
                .querySelector(`thead th.column-${CSS.escape(field)}`);
            const group = cell.closest(".inline-group");
            if (!header || !group) continue;
            const id = labelId(header, `${group.id}-column-${field}`);
            for (const control of cell.querySelectorAll("input:not([type=hidden]), select, textarea")) {
                if (unnamed(control)) control.setAttribute("aria-labelledby", id);
            }
        }
    }

    function nameControls(root) {
        nameAutocompletes(root);
        nameFromLegends(root);
        nameFromColumnHeaders(root);
    }

    // After the admin's own ready handlers, which start select2.
    if (window.django?.jQuery) {
        django.jQuery(() => nameControls(document));
    } else {
        document.addEventListener("DOMContentLoaded", () => nameControls(document));
    }
    document.addEventListener("formset:added", (event) => nameControls(event.target));
}
