from axe_playwright_python.sync_playwright import Axe

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]}
}


def axe_violations(page) -> str:
    """An empty string when axe-core finds nothing, else its readable report."""
    results = Axe().run(page, options=AXE_OPTIONS)
    return results.generate_report() if results.violations_count else ""


def layout_shifts(page) -> list[str]:
    """The layout shifts the page has had so far, each as its score and what moved (empty: none)."""
    return page.evaluate(
        """() => new Promise((resolve) => {
            const shifts = [];
            new PerformanceObserver((list) => {
                for (const e of list.getEntries()) {
                    if (e.hadRecentInput) continue;
                    const moved = (e.sources || []).map((s) => s.node && s.node.outerHTML
                        ? s.node.outerHTML.slice(0, 80) : String(s.node));
                    const when = Math.round(e.startTime);
                    shifts.push(`${e.value.toFixed(4)} at ${when} ms: ${moved.join(", ")}`);
                }
            }).observe({ type: "layout-shift", buffered: true });
            setTimeout(() => resolve(shifts), 300);
        })"""
    )
