"""Retake docs/screenshots/<page>-{1366,390}.png (home, record, workflow-run, canvas-run, import, calendar,
launch, launch-preview) from a running `make run` (its demo data), signed in as admin:

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 ADMIN_PASSWORD

It runs a Canvas workflow and a catalog dry run on the way (the sandbox's demo data, nothing else).
Needs Debian's chromium (apt-get install -y chromium).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CSV = (
    'itemKey,title,price,tags\nBOOK-1,Crème brûlée cookbook,24.90,"[""food""]"\nBOOK-2,Winter walks,19.00,\n'
)


def sign_in(page: Page, base: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def prepare(page: Page, base: str) -> dict[str, str]:
    """The pages to take: a record, a workflow's live run, a Canvas run, a dry run, the planned launch."""
    urls = {"home": "/", "calendar": "/operations/scheduled/calendar/"}
    page.goto(f"{base}/content/records/home-banners/")
    urls["record"] = page.locator("#results tbody a").first.get_attribute("href") or "/"
    page.goto(f"{base}/workflows/?q=customer+import")
    workflow = page.locator("#results a", has_text="Customer import from CRM").first.get_attribute("href")
    urls["workflow-run"] = f"{workflow}live/"
    page.goto(f"{base}/integrations/")
    from_template = page.locator("table.table tbody tr", has_text="from ")  # one that shows its blocks
    canvas = from_template.locator("a").first.get_attribute("href") or "/"
    page.goto(f"{base}{canvas}")
    if page.locator("#live table").count() == 0:  # no run yet: run it whole and wait for the end
        page.click("a:has-text('Run…')")
        page.click("main button:has-text('Run')")
        if page.locator("button:has-text('Run anyway')").count():
            page.click("button:has-text('Run anyway')")
        page.locator("#live .badge.ok, #live .badge.failed").first.wait_for(timeout=120_000)
    urls["canvas-run"] = canvas
    page.goto(f"{base}/catalogs/")
    catalog = page.locator("table a").first.get_attribute("href") or "/"
    page.goto(f"{base}{catalog}import/")
    upload = Path(tempfile.mkdtemp()) / "spring-books.csv"
    upload.write_text(CSV, encoding="cp1252")  # as Excel on a Western European Windows writes it
    page.set_input_files("input[type=file]", str(upload))
    page.click("main button[type=submit]")
    page.click("button:has-text('Run the dry run')")
    page.locator("h2", has_text="What the import will do").wait_for(timeout=120_000)
    urls["import"] = page.url.removeprefix(base)
    page.goto(f"{base}/launches/")
    urls["launch"] = page.locator("table a", has_text="Summer collection").first.get_attribute("href") or "/"
    urls["launch-preview"] = f"{urls['launch']}preview/"
    return urls


def main(base: str, password: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, base, password)
        urls = prepare(page, base)
        for width in (1366, 390):
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
            for name, path in urls.items():
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=width > 400)
                sys.stdout.write(f"{name}-{width}.png  {path}\n")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
