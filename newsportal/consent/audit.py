"""A cookie audit in a real browser: what the site sets, against what its policy declares.

A fresh Chromium context per scenario (a first-time visitor, after Decline, after Accept all,
after each single category, and Accept all then withdrawn) visits a sample of public pages and
records every cookie (with the page that set it) and every request to another host. The
findings name what breaks the policy: anything optional, or any request to another site, before
consent; a cookie the policy does not declare; a cookie of a category the visitor did not
allow; a declared optional cookie that survives withdrawal.
"""

import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from newsportal.consent.policy import PolicySnapshot

LINK = re.compile(r'<a\s[^>]*href="(/[^"#?]*)"')


@dataclass
class SeenCookie:
    name: str
    domain: str
    category: str  # the declared category's name, or "undeclared"
    lifetime: str
    page: str
    scenario: str


@dataclass
class Report:
    pages: list[str]
    cookies: list[SeenCookie] = field(default_factory=list)
    third_party: dict[str, set[str]] = field(default_factory=dict)  # scenario -> hosts
    findings: list[str] = field(default_factory=list)


def category_of(name: str, policy: PolicySnapshot):
    """The declared category a cookie name belongs to (exact names before prefixes), or None."""
    for category in policy.categories:
        if any(c.name == name for c in category.cookies):
            return category
    for category in policy.categories:
        if any(c.is_prefix and name.startswith(c.name[:-1]) for c in category.cookies):
            return category
    return None


def lifetime(expires: float) -> str:
    if expires is None or expires < 0:
        return "session"
    days = (expires - time.time()) / 86400
    return f"{days:.0f} days" if days >= 1 else f"{days * 24:.1f} hours"


def sample_pages(front_page_html: str, extra: list[str], limit: int) -> list[str]:
    """The front page, the cookie page, the given paths, and the first links the front page
    leads to on this site (articles, topics, authors), without the admin."""
    pages = ["/", "/cookies/", *extra]
    for path in LINK.findall(front_page_html):
        if len(pages) >= limit + len(extra):
            break
        if path not in pages and not path.startswith(("/admin", "/static", "/media", "/feeds")):
            pages.append(path)
    return pages


class Auditor:
    def __init__(self, browser, base_url: str, policy: PolicySnapshot, pages: list[str]):
        self.browser, self.base, self.policy = browser, base_url.rstrip("/"), policy
        self.host = urlsplit(self.base).hostname
        self.report = Report(pages)

    def run(self) -> Report:
        optional = [c for c in self.policy.categories if not c.is_necessary]
        self.scenario("first visit", decide=None, allowed=set())
        self.scenario("after Decline", decide=("decline", ()), allowed=set())
        self.scenario("after Accept all", decide=("accept", ()), allowed={c.key for c in optional})
        for category in optional:
            self.scenario(f"only {category.name}", decide=("choose", (category.key,)),
                          allowed={category.key})  # fmt: skip
        self.withdrawal()
        return self.report

    def scenario(self, name: str, decide, allowed: set[str]):
        context = self.browser.new_context()
        page = context.new_page()
        hosts = self.report.third_party.setdefault(name, set())
        page.on("request", lambda request: self.note_request(request.url, hosts))
        steps = (
            [("the decision on /cookies/", lambda: self.decide(page, *decide))] if decide else []
        )
        steps += [(path, lambda path=path: self.visit(page, path)) for path in self.report.pages]
        for where, step in steps:
            before = {(c["name"], c["domain"]) for c in context.cookies()}
            step()
            for cookie in context.cookies():
                if (cookie["name"], cookie["domain"]) not in before:
                    self.check(cookie, where, name, allowed)
        if hosts and not allowed:
            self.report.findings.append(
                f"{name}: requests to other sites before consent: {', '.join(sorted(hosts))}"
            )
        context.close()

    def visit(self, page, path: str):
        page.goto(self.base + path, wait_until="networkidle")

    def decide(self, page, decision: str, categories):
        page.goto(self.base + "/cookies/")
        form = page.locator("form[data-consent-form]").first
        if decision == "choose":
            for key in categories:
                form.locator(f'input[name="category"][value="{key}"]').check()
        form.locator(f'button[name="decision"][value="{decision}"]').click()
        page.wait_for_load_state("networkidle")

    def note_request(self, url: str, hosts: set[str]):
        host = urlsplit(url).hostname
        if host and host != self.host and urlsplit(url).scheme in ("http", "https"):
            hosts.add(host)

    def check(self, cookie: dict, path: str, scenario: str, allowed: set[str]):
        category = category_of(cookie["name"], self.policy)
        seen = SeenCookie(
            cookie["name"], cookie["domain"], category.name if category else "undeclared",
            lifetime(cookie.get("expires")), path, scenario,
        )  # fmt: skip
        self.report.cookies.append(seen)
        if category is None:
            self.report.findings.append(
                f"{scenario}: {cookie['name']} (set on {path}) is not declared in the policy"
            )
        elif not category.is_necessary and category.key not in allowed:
            self.report.findings.append(
                f"{scenario}: {cookie['name']} ({category.name}) set on {path} without consent"
            )

    def withdrawal(self):
        """Accept all, read the pages, then Decline: no declared optional cookie may remain."""
        context = self.browser.new_context()
        page = context.new_page()
        self.decide(page, "accept", ())
        for path in self.report.pages:
            self.visit(page, path)
        self.decide(page, "decline", ())
        for cookie in context.cookies():
            category = category_of(cookie["name"], self.policy)
            if category is not None and not category.is_necessary:
                self.report.findings.append(
                    f"after withdrawal: {cookie['name']} ({category.name}, domain "
                    f"{cookie['domain']}) survived Decline"
                )
        context.close()


def format_report(report: Report) -> str:
    lines = [f"Pages: {', '.join(report.pages)}", "", "Cookies seen:"]
    rows = {}
    for c in report.cookies:  # one line per cookie and scenario, where it was first set
        rows.setdefault((c.name, c.domain, c.scenario), c)
    widths = (20, 22, 20, 12, 28)
    header = ("cookie", "domain", "category", "lifetime", "set on page")
    lines.append(
        "  " + "".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + "scenario"
    )
    for c in rows.values():
        cells = (c.name, c.domain, c.category, c.lifetime, c.page)
        lines.append(
            "  "
            + "".join(str(v)[: w - 1].ljust(w) for v, w in zip(cells, widths, strict=True))
            + c.scenario
        )
    if not rows:
        lines.append("  (none)")
    lines += ["", "Requests to other sites:"]
    for scenario, hosts in report.third_party.items():
        lines.append(f"  {scenario}: {', '.join(sorted(hosts)) or 'none'}")
    lines += ["", "Findings:" if report.findings else "Findings: none, the site keeps its policy."]
    lines += [f"  - {finding}" for finding in report.findings]
    return "\n".join(lines)
