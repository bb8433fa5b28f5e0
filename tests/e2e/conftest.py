"""A real `streamlit run` server on localhost and Debian's Chromium driven by Playwright."""

import pytest
from playwright.sync_api import sync_playwright

from tests.e2e.harness import free_port, launch_chromium, start_streamlit, wait_until_serving


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
        server.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = launch_chromium(p)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
