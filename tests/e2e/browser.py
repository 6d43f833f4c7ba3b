"""What the browser tests share: opening a page, and running axe-core on it."""

from collections.abc import Iterable

from tests.e2e.reader_site import NOT_FOUND

AXE_OPTIONS = {
    "resultTypes": ["violations"],
    # WCAG 2.2 AA's minimum target size (2.5.8), which axe leaves off by default.
    "rules": {"target-size": {"enabled": True}},
}


def run_axe(page, axe_script: str, *, allow: Iterable[tuple[str, str]] = ()) -> list[dict]:
    """axe-core's violations on the page as it is now: every rule axe runs by
    default (WCAG 2.0 to 2.2 A and AA, and its best practices), and more.

    ``allow`` holds (rule id, CSS selector) pairs: that rule may fail on the
    nodes the selector matches. Keep it to markup we cannot change, and say why.
    """
    page.evaluate(axe_script)
    return page.evaluate(
        """async ([options, allowed]) => {
            const results = await axe.run(document, options);
            const isAllowed = (rule, node) => allowed.some(([id, selector]) =>
                id === rule && document.querySelector(node.target[0])?.matches(selector));
            return results.violations
                .map((v) => ({...v, nodes: v.nodes.filter((node) => !isAllowed(v.id, node))}))
                .filter((v) => v.nodes.length);
        }""",
        [AXE_OPTIONS, [list(pair) for pair in allow]],
    )


def describe_violations(where: str, violations: list[dict]) -> str:
    lines = [f"{where}: {len(violations)} axe-core violation(s)"]
    for violation in violations:
        lines.append(
            f"  [{violation['impact']}] {violation['id']}: {violation['help']}"
            f" ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"      at {' '.join(node['target'])}")
            lines.append(f"         {' '.join(node['html'].split())[:200]}")
            if node.get("failureSummary"):
                for summary in node["failureSummary"].splitlines():
                    lines.append(f"         {summary.strip()}")
    return "\n".join(lines)


def open_page(page, url: str) -> None:
    response = page.goto(url)
    expected = 404 if url.endswith(NOT_FOUND) else 200
    assert response is not None and response.status == expected, (
        f"{url} answered {response and response.status}"
    )


DJANGO_TABULAR_HEADERS = {
    ("empty-table-header", "#preview_links-group thead th.original:empty"),
    ("empty-table-header", "#preview_links-group thead th:last-child:empty"),
}
