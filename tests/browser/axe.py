"""Accessibility checks with axe-core (pinned in package.json, installed by `npm ci`).

The portal's Content-Security-Policy allows scripts from its own origin only, so axe is not
injected inline: the browser asks the page's origin for /__axe__/axe.min.js and Playwright
answers that request from node_modules. The policy stays on while the journey runs.
"""

from pathlib import Path
from urllib.parse import urljoin

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__axe__/axe.min.js"


def preload(context) -> None:
    """Give every page of the browser context axe before its own scripts run (Playwright adds it
    outside the page's Content-Security-Policy). Unlike the route below, it leaves the browser's
    cache on, which a test that loads many pages needs."""
    context.add_init_script(path=AXE_SCRIPT)


def _inject(page) -> None:
    if page.evaluate("() => typeof window.axe === 'object'"):
        return  # preloaded
    if not getattr(page, "axe_routed", False):
        page.route(f"**{AXE_PATH}", lambda route: route.fulfill(
            path=AXE_SCRIPT, content_type="application/javascript"))
        page.axe_routed = True
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=urljoin(page.url, AXE_PATH))


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now (all rules but the experimental ones), once its
    stylesheets have loaded: a click that navigates returns before they have, and axe would judge
    the browser's default colours (a failure seen once on busy cores: links #0000ee on the navy
    header)."""
    page.wait_for_load_state("load")
    _inject(page)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return results["violations"]


def describe(found: list[dict]) -> str:
    lines = []
    for violation in found:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}"
                     f" <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_accessible(page, what: str) -> None:
    """Fail with every violation's rule, element and help text if axe finds any."""
    found = violations(page)
    assert not found, f"axe-core found problems on {what} ({page.url}):\n{describe(found)}"
