"use strict";
// The hero's focal point: click the point of interest on the image (the
// stored one, or one just chosen, read in the browser) and the two
// percentage fields follow; the frames show what the wide and square crops
// and the social card keep. The fields stay, for the keyboard and without
// scripts. The frames are worked out as kdrama_rewind/images.py cuts them.
{
    const SHAPES = [
        ["wide", 16, 9, "Review page (16:9)"],
        ["square", 1, 1, "Cards on phones (square)"],
        ["social", 1200, 630, "Social card"],
    ];

    function focalBox(width, height, across, down, x, y) {
        let boxWidth = width, boxHeight = height;
        if (width * down > height * across) boxWidth = Math.max(1, Math.min(width, Math.round((height * across) / down)));
        else boxHeight = Math.max(1, Math.min(height, Math.round((width * down) / across)));
        const left = Math.min(Math.max(Math.round((width * x) / 100 - boxWidth / 2), 0), width - boxWidth);
        const top = Math.min(Math.max(Math.round((height * y) / 100 - boxHeight / 2), 0), height - boxHeight);
        return [left, top, boxWidth, boxHeight];
    }

    function percent(input) {
        const value = Number.parseInt(input.value, 10);
        return Number.isNaN(value) ? 50 : Math.min(100, Math.max(0, value));
    }

    function start(across, down) {
        const row = across.closest(".form-row");
        const picker = document.createElement("div");
        picker.className = "kdr-focus";
        picker.hidden = true;
        const help = document.createElement("p");
        help.className = "help kdr-focus__help";
        help.textContent =
            "Click the point of interest on the image (or type the percentages). " +
            "The frames show what each crop keeps.";
        const stage = document.createElement("div");
        stage.className = "kdr-focus__stage";
        const image = document.createElement("img");
        image.className = "kdr-focus__image";
        image.alt = "";
        const dot = document.createElement("span");
        dot.className = "kdr-focus__dot";
        const frames = SHAPES.map(([name, , , label]) => {
            const frame = document.createElement("span");
            frame.className = `kdr-focus__frame kdr-focus__frame--${name}`;
            frame.title = label;
            return frame;
        });
        const legend = document.createElement("ul");
        legend.className = "kdr-focus__legend";
        for (const [name, , , label] of SHAPES) {
            const item = document.createElement("li");
            item.className = `kdr-focus__key kdr-focus__key--${name}`;
            item.textContent = label;
            legend.append(item);
        }
        stage.append(image, ...frames, dot);
        stage.setAttribute("aria-hidden", "true");
        picker.append(help, stage, legend);
        // In place of the stored image's thumbnail (“Current image”), else above the fields.
        const current = document.querySelector(".field-hero_preview .readonly");
        if (current) current.append(picker);
        else row.before(picker);

        function draw() {
            const { naturalWidth: width, naturalHeight: height } = image;
            if (!width || !height) return;
            const x = percent(across), y = percent(down);
            dot.style.setProperty("left", `${x}%`);
            dot.style.setProperty("top", `${y}%`);
            SHAPES.forEach(([, a, d], index) => {
                const [left, top, w, h] = focalBox(width, height, a, d, x, y);
                const style = frames[index].style;
                style.setProperty("left", `${(100 * left) / width}%`);
                style.setProperty("top", `${(100 * top) / height}%`);
                style.setProperty("width", `${(100 * w) / width}%`);
                style.setProperty("height", `${(100 * h) / height}%`);
            });
        }

        function show(src) {
            image.src = src;
            picker.hidden = false;
            for (const other of current?.childNodes || []) {
                if (other !== picker && other.nodeType === Node.ELEMENT_NODE) other.hidden = true;
                else if (other !== picker) other.textContent = "";
            }
        }

        image.addEventListener("load", draw);
        stage.addEventListener("click", (event) => {
            const box = stage.getBoundingClientRect();
            across.value = Math.round((100 * (event.clientX - box.left)) / box.width);
            down.value = Math.round((100 * (event.clientY - box.top)) / box.height);
            for (const input of [across, down]) input.dispatchEvent(new Event("input", { bubbles: true }));
            draw();
        });
        for (const input of [across, down]) input.addEventListener("input", draw);

        const stored = document.querySelector(".field-hero_preview img");
        if (stored) show(stored.currentSrc || stored.src);
        const file = document.getElementById("id_hero_image");
        file?.addEventListener("change", () => {
            const chosen = file.files?.[0];
            if (!chosen || !chosen.type.startsWith("image/")) return;
            // A new picture: its point of interest is somewhere else.
            across.value = 50;
            down.value = 50;
            for (const input of [across, down]) input.dispatchEvent(new Event("input", { bubbles: true }));
            const reader = new FileReader();
            reader.addEventListener("load", () => show(reader.result));
            reader.readAsDataURL(chosen);
        });
    }

    document.addEventListener("DOMContentLoaded", () => {
        const across = document.getElementById("id_hero_focus_x");
        const down = document.getElementById("id_hero_focus_y");
        if (across && down && across.type === "number") start(across, down);
    });
}
