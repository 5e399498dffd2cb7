"""Every page at phone and desktop width, in English and in Chinese, checked by axe-core (no serious or
critical violation) and photographed into reports/screens/; docs/screens/ publishes a set of them."""

from collections.abc import Callable

import pytest
from brownie import accounts
from playwright.sync_api import Browser

from tests.e2e.conftest import AXE, DESKTOP, PHONE, SCREENS, WALLET_SCRIPT, InjectedWallet, World

PAGES: dict[str, Callable[[World], str]] = {
    "campaigns": lambda w: "/",
    "campaign": lambda w: "/c/3",  # the demo's solar kiosk: milestones, tiers, many backers
    "campaign-failed": lambda w: "/c/2",  # a missed goal: the refund notice
    "campaign-tiers": lambda w: f"/c/{w.ids['eth']}",  # tier names and descriptions from the metadata
    "launch": lambda w: "/launch",
    "tasks": lambda w: "/t",
    "post-task": lambda w: "/t/new",
    "contest": lambda w: "/t/1",
    "micro-task": lambda w: "/t/2",
    "account": lambda w: f"/a/{accounts[1].address}",
    "statistics": lambda w: "/statistics",
    "leaderboards": lambda w: "/leaderboards",
}
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}
BLOCKING = ("serious", "critical")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violation(browser: Browser, world: World, name, lang, width):
    context = browser.new_context(viewport=WIDTHS[width], locale="en-US", timezone_id="Europe/Berlin")
    wallet = InjectedWallet("http://unused", world.backer.address)  # pages are only read here
    context.expose_function("__testWallet", wallet.handle)
    context.add_init_script(WALLET_SCRIPT)
    page = context.new_page()
    try:
        response = page.goto(f"{world.base_url}{PAGES[name](world)}?lang={lang}")
        assert response is not None and response.status == 200
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == ("zh-CN" if lang == "zh" else "en")
        page.evaluate(AXE.read_text())
        violations = page.evaluate(
            "async () => (await axe.run(document, { resultTypes: ['violations'] })).violations.map("
            "v => ({ id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3) }))"
        )
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENS / f"{name}-{lang}-{width}.png", full_page=True)
        assert [v for v in violations if v["impact"] in BLOCKING] == []
    finally:
        context.close()
