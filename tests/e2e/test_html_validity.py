"""Every type of page a reader opens is valid HTML, as the Nu Html Checker
(vnu.jar, from npm's vnu-jar package, on Java) reads it, and so is the
stylesheet: no error of any kind. ``scripts/test`` installs the checker into
.tools/ and points ``KDR_VNU_JAR`` at it; without it (or Java) the test is
skipped, unless ``KDR_REQUIRE_VNU=1`` (as in CI), when it fails. The
checker's full report goes to the artifacts folder as html-check.json."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string

pytestmark = [pytest.mark.html_check, pytest.mark.django_db]

ROOT = Path(__file__).resolve().parents[2]


def checker() -> list[str]:
    jar = os.environ.get("KDR_VNU_JAR") or next(
        iter(sorted(ROOT.glob(".tools/vnu-*/node_modules/vnu-jar/build/dist/vnu.jar"))), None
    )
    java = shutil.which("java")
    if not (jar and Path(jar).is_file() and java):
        reason = "the Nu Html Checker needs Java and vnu.jar: run ./scripts/test, which installs it"
        if os.environ.get("KDR_REQUIRE_VNU") == "1":
            pytest.fail(f"{reason} (KDR_REQUIRE_VNU=1, so this is a failure, not a skip)")
        pytest.skip(reason)
    return [java, "-Xss1024k", "-jar", str(jar)]


def test_every_page_type_and_the_stylesheet_are_valid(client, site, tmp_path, artifacts):
    command = checker()
    pages = {}
    for name, path in site.items():
        response = client.get(path)
        assert response.status_code in (200, 404), f"{name} {path}: {response.status_code}"
        pages[name] = response.content
    # The other steps of the newsletter, and the pages drawn when things fail.
    pages["newsletter sent"] = client.get("/newsletter/check-your-inbox/").content
    for template in ["500.html", "503.html"]:
        pages[template] = render_to_string(template).encode()
    files = []
    for name, content in pages.items():
        file = tmp_path / f"{re.sub(r'[^a-z0-9]+', '-', name.lower())}.html"
        file.write_bytes(content)
        files.append(file)
    stylesheet = settings.BASE_DIR / "static" / "css" / "site.css"
    # A broken document, to prove the checker is reading what it is given.
    control = tmp_path / "control.html"
    control.write_text("<!doctype html><title>x</title><p><div></p>", encoding="utf-8")

    result = subprocess.run(
        [*command, "--format", "json", "--stdout", "--exit-zero-always", "--also-check-css",
         *map(str, files), str(stylesheet), str(control)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    report = json.loads(result.stdout)
    (artifacts / "html-check.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    errors = [m for m in report["messages"] if m["type"] in ("error", "non-document-error")]
    assert any(m.get("url", "").endswith("/control.html") for m in errors), result.stderr
    errors = [m for m in errors if not m.get("url", "").endswith("/control.html")]
    described = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}"
        f"\n    {(m.get('extract') or '').strip()[:160]}"
        for m in errors
    ]
    assert len(files) >= 20, "every page type was checked"
    assert not errors, f"{len(errors)} error(s):\n" + "\n".join(described)
