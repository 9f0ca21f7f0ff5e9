#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsportal.settings")
    from newsportal.env import beside_the_running_site

    # The cache and address of the site `make run` / `make cluster` serves here: what a command
    # writes (an import, a new policy) is purged where that site reads.
    default = Path(__file__).resolve().parent / "var" / "site.env"
    beside_the_running_site(Path(os.environ.get("SITE_ENV_FILE") or default))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
