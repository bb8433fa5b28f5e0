"""A real `streamlit run` server on localhost and Debian's Chromium driven by Playwright."""

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.harness import (
    free_port,
    launch_chromium,
    save_screenshot,
    start_streamlit,
    wait_until_serving,
)


@pytest.fixture(scope="session")
def app_url():
    port = free_port()
    server = start_streamlit(port)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=60)  # a busy machine: a standby worker may still import TensorFlow


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so a fixture can tell that its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:  # what the page showed when the test failed
        save_screenshot(page, f"failed-{request.node.name}")
    context.close()
