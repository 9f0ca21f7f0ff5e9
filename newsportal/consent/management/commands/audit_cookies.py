"""`manage.py audit_cookies`: a real Chromium checks the running site against its cookie policy.

    manage.py audit_cookies [--url SITE_URL] [--path /some/page/ ...] [--pages 8]

Exits non-zero, with the findings, when anything optional (or a request to another site)
happens before consent, when a cookie is set that the policy does not declare, or when a
declared cookie survives withdrawal. Needs Playwright (a development dependency) and Chromium.
"""

import os
import shutil
import urllib.request

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from newsportal.consent.audit import Auditor, format_report, sample_pages
from newsportal.consent.policy import load_policy


class Command(BaseCommand):
    help = "Visit public pages in Chromium and compare every cookie with the cookie policy."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default=settings.SITE_URL,
            help="The running site (default: SITE_URL, which `make run` records for commands).",
        )  # fmt: skip
        parser.add_argument("--path", action="append", default=[], help="A page to include.")
        parser.add_argument("--pages", type=int, default=8, help="How many pages to sample.")
        parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH"))

    def handle(self, *args, url, path, pages, chromium, **options):
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError as error:
            raise CommandError("Playwright is missing: make test installs it.") from error
        policy = load_policy()  # before Playwright starts its event loop in this thread
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/", timeout=10) as response:
                front_page = response.read().decode()
        except OSError as error:
            raise CommandError(f"The site does not answer at {url}: {error}") from error
        chromium = chromium or shutil.which("chromium") or "/usr/bin/chromium"
        args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        try:
            with sync_playwright() as playwright:
                launch = {"args": args}
                if os.path.exists(chromium):
                    launch["executable_path"] = chromium
                browser = playwright.chromium.launch(**launch)
                try:
                    report = Auditor(
                        browser, url, policy, sample_pages(front_page, path, pages)
                    ).run()
                finally:
                    browser.close()
        except Error as error:
            raise CommandError(f"Chromium could not run the audit: {error}") from error
        self.stdout.write(format_report(report))
        if report.findings:
            raise CommandError(f"{len(report.findings)} finding(s): the site breaks its policy.")
