import os
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

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


def caret_at_the_end(page, editor):
    """Click into the rich-text editor and put the caret after its last character. On a busy
    machine a key pressed as soon as the click returned reached the editor before it had taken
    the click, and the text went to the start: wait for the focus, then for the caret."""
    editor.click()
    expect(editor).to_be_focused()
    at_the_end = """(editor) => {
        const caret = getSelection(), rest = document.createRange();
        rest.selectNodeContents(editor);
        rest.setStart(caret.focusNode, caret.focusOffset);
        return rest.toString() === "";
    }"""
    for _ in range(50):
        page.keyboard.press("Control+End")
        if editor.evaluate(at_the_end):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the caret never reached the end of the text")


def caret_in(page, element, editor) -> None:
    """Click `element` of the rich-text editor and wait until the caret is in it: on a busy
    machine keys pressed as soon as the click returned went to the start of the text."""
    element.click()
    expect(editor).to_be_focused()
    for _ in range(50):
        if element.evaluate("(el) => el.contains(getSelection().focusNode)"):
            return
        page.wait_for_timeout(100)
        element.click()
    raise AssertionError("the caret did not reach the element")


def screenshot(page, name: str, full_page: bool = False) -> None:
    """Kept in $SCREENSHOTS (when set) to be looked at: make screenshots."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=full_page)
