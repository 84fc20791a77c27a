"""Accessibility checks with axe-core (pinned in package.json, installed by `npm ci`).

The portal's Content-Security-Policy allows scripts from its own origin only, so axe is not
injected inline: the browser asks the page's origin for /__axe__/axe.min.js and Playwright
answers that request from node_modules. The policy stays on while the journey runs.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "/__axe__/axe.min.js"


@dataclass(frozen=True)
class KnownProblem:
    """A problem in a template, reported to its owner, tolerated only where `marker` shows it."""

    rule: str
    marker: str
    where: str
    fix: str

    def matches(self, rule: str, node: dict) -> bool:
        return rule == self.rule and self.marker in node["html"]


# Remove an entry as soon as its template is mended: anything not listed here fails at once.
KNOWN_PROBLEMS = [
    KnownProblem(
        rule="aria-valid-attr-value",
        marker='aria-invalid="None"',
        where="portal/templates/_macros/forms.html:21, macro field()",
        fix="WTForms renders None as the text \"None\" (only False omits an attribute): "
            "use `or False` / `else False` instead of None for aria-describedby and aria-invalid",
    ),
    KnownProblem(
        rule="color-contrast",
        marker='<a href="#',
        where="portal/templates/_macros/forms.html:10, macro error_summary()",
        fix="the summary's links are Bootstrap blue on the alert's pink (3.36:1, needs 4.5:1): "
            'give them class="alert-link" (dark red, bold), or colour .error-summary a in portal.css',
    ),
]


def _inject(page) -> None:
    if not getattr(page, "axe_routed", False):
        page.route(f"**{AXE_PATH}", lambda route: route.fulfill(
            path=AXE_SCRIPT, content_type="application/javascript"))
        page.axe_routed = True
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=urljoin(page.url, AXE_PATH))


def violations(page) -> list[dict]:
    """axe's violations on the page as it is now (all rules but the experimental ones)."""
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


def _split(found: list[dict]) -> tuple[list[dict], list[tuple[KnownProblem, dict]]]:
    """(new violations, with only their new nodes; known problems and the nodes showing them)."""
    new, known = [], []
    for violation in found:
        fresh = []
        for node in violation["nodes"]:
            problem = next((p for p in KNOWN_PROBLEMS if p.matches(violation["id"], node)), None)
            if problem is None:
                fresh.append(node)
            else:
                known.append((problem, node))
        if fresh:
            new.append({**violation, "nodes": fresh})
    return new, known


def assert_accessible(page, what: str) -> None:
    """Fail with every violation's rule, element and help text if axe finds any.

    Known problems (KNOWN_PROBLEMS) are kept in `page.known_problems` instead, so that the
    rest of the journey still runs; see `known_problems_seen`.
    """
    new, known = _split(violations(page))
    assert not new, f"axe-core found problems on {what} ({page.url}):\n{describe(new)}"
    if not hasattr(page, "known_problems"):
        page.known_problems = {}
    for problem, node in known:
        page.known_problems.setdefault(problem, set()).add(f"{what}: {' '.join(node['target'])}")


def known_problems_seen(page) -> list[str]:
    """What `assert_accessible` tolerated on this page so far, described for a report."""
    return [f"axe {p.rule} at {p.where} on {len(nodes)} element(s); fix: {p.fix}"
            for p, nodes in getattr(page, "known_problems", {}).items()]
