"""Charts a person reads at a glance (issue 13), in a real browser: every page fits a wide
(1280×800) and a narrow (480-wide) window with nothing overlapping or cut off; a legend click
hides a class and a double-click shows it alone; the replay plays as an animation; the
thumbnails view draws the digits, live too. Each page is trained once (a few seconds on the 8×8
digits) in its own tab; screenshots go to ``harness.SCREENSHOTS``."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page

from tests.e2e.harness import POINT_POSITION_JS, SCREENSHOTS, click_until_shown, save_screenshot

pytestmark = pytest.mark.e2e

WINDOWS = {"wide": (1280, 800), "narrow": (480, 800)}
# page path → what its URL sets (a small network, 2 epochs on the 8×8 digits)
TRAINED = {"Dimensionality_Reduction": "data=digits&epochs=2&hidden_layers=32,16",
           "Denoising": "data=digits&epochs=2",
           "Variational_Autoencoder": "data=digits&epochs=2&hidden_layers=32",
           "Anomaly_Detection": "data=digits&epochs=2"}
LAST_TEXT = {"": "Dataset for every page", "Runs": "Hyperparameters against a score"}

# Whether the sidebar lies over the page's main block (rather than beside it, or shut).
SIDEBAR_COVERS_JS = """() => {
  const side = document.querySelector('[data-testid=stSidebar]')?.getBoundingClientRect(),
    main = document.querySelector('[data-testid=stMain]').getBoundingClientRect();
  return Boolean(side && side.width > 0 && side.right > 1 && side.right > main.left + 1);
}"""
# Everything in the current window that is cut off or overlaps: the page scrolling sideways, a
# chart reaching past the window, and inside each chart a legend, title, axis title, button
# row, slider, colour bar, annotation or Plotly's toolbar (shown over the chart's top right
# while the pointer is on the chart) overlapping another or reaching past the chart, and the
# toolbar over the plot itself.
LAYOUT_PROBLEMS_JS = """() => {
  const problems = [], width = window.innerWidth;
  const scroller = document.querySelector('[data-testid=stMain]');
  for (const element of [document.documentElement, scroller].filter(Boolean))
    if (element.scrollWidth > element.clientWidth + 1)
      problems.push(`the page scrolls sideways (${element.scrollWidth} > ${element.clientWidth})`);
  const parts = {legend: '.legend', title: '.gtitle', 'x-axis title': '.g-xtitle',
                 'y-axis title': '.g-ytitle', buttons: '.updatemenu-container',
                 slider: '.slider-container', 'colour bar': '.colorbar',
                 annotation: '.annotation', toolbar: '.modebar'};
  const overlap = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 &&
                            a.top < b.bottom - 1 && b.top < a.bottom - 1;
  document.querySelectorAll('.js-plotly-plot').forEach((gd, i) => {
    const box = gd.getBoundingClientRect();
    if (box.width === 0) return;  // in a closed expander
    const name = `chart ${i} (${gd.querySelector('.gtitle')?.textContent || 'untitled'})`;
    if (box.left < -1 || box.right > width + 1)
      problems.push(`${name} reaches past the window (${box.left}–${box.right} of ${width})`);
    const found = [];
    for (const [part, selector] of Object.entries(parts))
      gd.querySelectorAll(selector).forEach(e => {
        const r = e.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) found.push([part, r]);
      });
    found.forEach(([part, r], j) => {
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 ||
          r.bottom > box.bottom + 1) problems.push(`${name}: the ${part} is cut off`);
      found.slice(j + 1).forEach(([other, s]) => {
        if (overlap(r, s)) problems.push(`${name}: ${part} overlaps ${other}`);
      });
      if (part === 'toolbar') gd.querySelectorAll('.nsewdrag').forEach(area => {
        if (overlap(r, area.getBoundingClientRect()))
          problems.push(`${name}: the toolbar overlaps the plot`);
      });
    });
  });
  return problems;
}"""
TRACE_VISIBILITY_JS = """(title) => {
  const gd = [...document.querySelectorAll('.js-plotly-plot')]
    .find(g => g.querySelector('.gtitle')?.textContent === title);
  return Object.fromEntries(gd.data.map(t => [t.name, t.visible ?? true]));
}"""


def chart(page: Page, title: str) -> Locator:
    """The Plotly chart titled ``title``."""
    return page.locator(".js-plotly-plot").filter(
        has=page.locator(".gtitle", has_text=re.compile(f"^{re.escape(title)}$")))


def wait_until_idle(page: Page) -> None:
    """Wait until Streamlit's running indicator has gone: the script run has ended."""
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=300_000)


@pytest.fixture(scope="module")
def tabs(browser, app_url) -> Callable[[str], Page]:
    """Opens a page (its path) in its own tab of one browser context, trained once for pages
    with a model; the Runs page compares the runs of the reduction and VAE pages. Tabs are kept
    for the module."""
    context = browser.new_context(viewport={"width": WINDOWS["wide"][0],
                                            "height": WINDOWS["wide"][1]})
    opened: dict[str, Page] = {}
    run_ids: dict[str, str] = {}

    def tab(path: str) -> Page:
        if path in opened:
            return opened[path]
        query = TRAINED.get(path, "")
        if path == "Runs":
            compared = ("Dimensionality_Reduction", "Variational_Autoencoder")
            for trained in compared:
                tab(trained)
            query = f"compare={','.join(run_ids[p] for p in compared)}"
        page = context.new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{app_url}/{path}?{query}")
        if path in TRAINED:
            page.get_by_text(re.compile(r"^Network: .* · 2 epochs of")).wait_for()
            page.get_by_role("button", name="Train", exact=True).click()
            message = page.get_by_text(re.compile(r"^Trained 2 epochs in .* Saved as run \d+"))
            message.wait_for(timeout=300_000)
            run_ids[path] = re.search(r"run (\d+)", message.inner_text())[1]
            page.get_by_text("Reproduce this run in Python").wait_for(timeout=300_000)
        else:
            page.get_by_text(LAST_TEXT[path]).wait_for()
        wait_until_idle(page)
        opened[path] = page
        return page

    yield tab
    context.close()


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("path", [pytest.param("", id="Home"), *TRAINED, "Runs"])
def test_every_page_fits_the_window_with_nothing_overlapping_or_cut_off(tabs, path, window):
    page = tabs(path)
    width, height = WINDOWS[window]
    page.set_viewport_size({"width": width, "height": height})
    # After a resize Streamlit slides its sidebar shut in a narrow window, and Plotly redraws
    # each chart for its new width: wait until the sidebar is beside the page or out of view,
    # and every chart has its container's width.
    page.wait_for_function(f"() => !({SIDEBAR_COVERS_JS})() && " + """
        [...document.querySelectorAll('.js-plotly-plot')]
          .every(gd => !gd._fullLayout || gd.offsetWidth === 0 ||
                       Math.abs(gd._fullLayout.width - gd.offsetWidth) <= 1)""")
    save_screenshot(page, f"{path or 'Home'}-{width}x{height}")
    problems = page.evaluate(LAYOUT_PROBLEMS_JS)
    page.set_viewport_size({"width": WINDOWS["wide"][0], "height": WINDOWS["wide"][1]})
    assert not problems, problems


def test_a_legend_click_hides_a_class_and_a_double_click_shows_it_alone(tabs):
    page = tabs("Dimensionality_Reduction")
    legend = chart(page, "PCA").locator(".legend .traces")
    assert set(page.evaluate(TRACE_VISIBILITY_JS, "PCA").values()) == {True}
    legend.filter(has_text=re.compile("^3$")).locator(".legendtoggle").click()
    page.wait_for_function(f"() => ({TRACE_VISIBILITY_JS})('PCA')['3'] === 'legendonly'")
    shown = page.evaluate(TRACE_VISIBILITY_JS, "PCA")
    assert [name for name, v in shown.items() if v is not True] == ["3"]
    assert legend.filter(has_text=re.compile("^3$")).evaluate("e => e.style.opacity") == "0.5"
    legend.filter(has_text=re.compile("^5$")).locator(".legendtoggle").dblclick()
    page.wait_for_function(f"() => Object.entries(({TRACE_VISIBILITY_JS})('PCA'))"
                           ".every(([name, v]) => (v === true) === (name === '5'))")
    assert chart(page, "Autoencoder").count() == 1  # the other maps keep all their classes
    assert set(page.evaluate(TRACE_VISIBILITY_JS, "Autoencoder").values()) == {True}


def test_hovering_a_point_shows_its_label_and_its_digit_drawn(tabs):
    page = tabs("Dimensionality_Reduction")
    page.mouse.move(*page.evaluate(POINT_POSITION_JS, ["Autoencoder", "5"]))
    hover = chart(page, "Autoencoder").locator(".hoverlayer .hovertext")
    hover.wait_for()
    text = hover.text_content()
    assert re.match(r"label \dpoint #\d+[\u2800-\u28ff]", text), text  # a crowd: any digit
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # the map alone: a resize ends the hover
    chart(page, "Autoencoder").screenshot(
        path=str(SCREENSHOTS / "Dimensionality_Reduction-hover.png"))


def test_the_replay_plays_the_epochs_as_an_animation(tabs):
    page = tabs("Dimensionality_Reduction")
    replay = chart(page, "Latent space")
    replay.scroll_into_view_if_needed()
    slider = replay.locator(".slider-group")
    current = ".slider-group > .slider-label"  # the slider's "epoch N" (ticks are deeper)
    assert replay.locator(current).text_content() == "epoch 2"  # it opens on the last epoch
    slider.evaluate(f"""group => {{ window.epochsShown = [];
        new MutationObserver(() => window.epochsShown.push(
            group.parentNode.querySelector('{current}').textContent))
          .observe(group, {{childList: true, subtree: true, characterData: true}}); }}""")
    replay.locator(".updatemenu-button", has_text="Play").click()
    page.wait_for_function("() => window.epochsShown.includes('epoch 1') && "
                           "window.epochsShown.at(-1) === 'epoch 2'")


def test_the_thumbnails_view_draws_digits_at_their_codes_live_and_after(tabs):
    page = tabs("Dimensionality_Reduction")
    page.get_by_role("radio", name="thumbnails", exact=True).click()
    chart(page, "PCA").locator("image").nth(299).wait_for(state="attached")
    wait_until_idle(page)
    # the digits drawn over the points let clicks through
    click_until_shown(page, "PCA", "7", "Selected points")
    wait_until_idle(page)
    save_screenshot(page, "Dimensionality_Reduction-thumbnails-1280x800")
    page.evaluate("""() => { window.liveImages = 0;
        new MutationObserver(() => document.querySelectorAll('.js-plotly-plot').forEach(gd => {
          if (gd.querySelector('.gtitle')?.textContent === 'Latent space, epoch 1')
            window.liveImages = Math.max(window.liveImages,
                                         gd.querySelectorAll('image').length);
        })).observe(document.body, {childList: true, subtree: true}); }""")
    trained = page.get_by_text(re.compile(r"^Trained 2 epochs"))
    page.get_by_role("button", name="Train", exact=True).click()
    trained.wait_for(state="detached")  # the last run's message, until the training starts
    trained.wait_for(timeout=300_000)
    live = page.evaluate("() => window.liveImages")
    assert live == 300, f"the live map of epoch 1 had {live} images"
    chart(page, "Latent space, epoch 2").locator("image").nth(299).wait_for(state="attached")
    page.get_by_role("radio", name="points", exact=True).click()
    chart(page, "Latent space").wait_for()
