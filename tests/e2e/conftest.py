"""Browser journeys: Playwright driving Debian's Chromium, with axe-core on every page.

Never downloads a browser: it uses /usr/bin/chromium (installed by `make test`) and axe-core from
npm (node_modules/axe-core). Without either, the journeys are skipped with the reason.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is deliberate.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip(
            "Debian's Chromium is not installed at /usr/bin/chromium "
            "(`apt-get install chromium`; `make test` installs it)"
        )
    if not AXE_SCRIPT.exists():
        pytest.skip("axe-core is not installed in node_modules (`npm ci`; `make test` runs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Axe:
    """Runs axe-core on pages and keeps every serious or critical violation it finds."""

    def __init__(self) -> None:
        self.pages: list[str] = []
        self.violations: list[dict] = []
        self.source = AXE_SCRIPT.read_text()

    def check(self, page, *, inject: str = "evaluate") -> None:  # type: ignore[no-untyped-def]
        """Audit the page as it is now.

        axe is evaluated through the browser's debugging protocol, which no page can refuse:
        the site's Content-Security-Policy blocks inline scripts (an added <script> tag is
        one), and so does the no-JavaScript journey's. `inject="script_tag"` adds it as a tag,
        for pages without such a policy.
        """
        if inject == "script_tag":
            page.add_script_tag(path=str(AXE_SCRIPT))
        else:
            page.evaluate(self.source)
        result = page.evaluate("axe.run()")
        self.pages.append(page.url)
        for violation in result["violations"]:
            if violation["impact"] in FAILING_IMPACTS:
                self.violations.append(
                    {
                        "page": page.url,
                        "rule": violation["id"],
                        "impact": violation["impact"],
                        "help": violation["help"],
                        "nodes": [
                            {"target": node["target"], "html": node["html"][:300]}
                            for node in violation["nodes"]
                        ],
                    }
                )

    def assert_clean(self) -> None:
        print(f"axe-core checked {len(self.pages)} pages: " + ", ".join(self.pages))
        if self.violations:
            report = json.dumps(self.violations, indent=2)
            print(report)
            pytest.fail(
                f"axe-core found {len(self.violations)} serious or critical violation(s) on "
                f"{len({v['page'] for v in self.violations})} page(s):\n{report}"
            )


@pytest.fixture
def axe() -> Axe:
    return Axe()
