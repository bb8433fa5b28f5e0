"""A page's settings in its URL: read once when the page opens, written back as they change.

The names in the URL are those of the run config (:class:`aecore.runconfig.RunConfig`): the
hyperparameters' names (``code_size``, ``hidden_layers``, ``seed``…), the page's settings
(``noise``, ``level``…), ``data`` and ``n_train``, so a link, the hyperparameters JSON and the
CLI speak the same language. A value that is not valid here is ignored with a warning.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import streamlit as st

from aecore.runconfig import RunConfig, as_text, page_settings
from aecore.spec import PARAMS, match_choice
from lab_ui.text import code_span, plain_text

_UNSEEN = object()  # a warned widget's value before the page has drawn it


class PageLink:
    """The query parameters of one page.

    Create it at the top of the page, before any widget; call :meth:`apply` before each linked
    widget is drawn and :meth:`write` once they all are.

    Parameters
    ----------
    page : str
        The page's key in :data:`aecore.runconfig.PAGES` (or another page's name).
    """

    def __init__(self, page: str) -> None:
        self.page = page
        self._keys: dict[str, str] = {}  # URL name → session-state key of its widget
        self._shows: dict[str, Callable[[Any], str]] = {}  # URL name → its value as text
        self._notice = st.empty()  # where it is made, at the top: the warnings of write()
        state = st.session_state
        if state.get("_link_page") != page:  # the page has just been opened
            state["_link_page"] = page
            state["_link_pending"] = st.query_params.to_dict()  # a repeated name: its last
            state["_link_warnings"] = []
            for name in st.query_params:
                values = st.query_params.get_all(name)
                if len(values) > 1:
                    _warn(f"{code_span(name)} is given {len(values)} times; the last, "
                          f"{code_span(values[-1])}, is used.")

    def apply(self, name: str, key: str, parse: Callable[[str], Any],
              show: Callable[[Any], str] = as_text) -> bool:
        """Give the widget ``key`` the link's value for ``name``, if the page was just opened
        with one, and link them from now on.

        Parameters
        ----------
        name : str
            The URL parameter.
        key : str
            The widget's session-state key.
        parse : callable
            Turns the URL's text into the widget's value; raises ValueError (with a sentence)
            for a value the widget cannot take.
        show : callable, default=aecore.runconfig.as_text
            Turns the widget's value into the URL's text.

        Returns
        -------
        bool
            Whether the widget took a value from the link.
        """
        self._keys[name] = key
        self._shows[name] = show
        text = st.session_state["_link_pending"].pop(name, None)
        if text is None:
            return False
        try:
            st.session_state[key] = parse(text)
        except ValueError as err:
            _warn(f"{code_span(f'{name}={text}')}: {plain_text(str(err))}", key)
            return False
        return True

    def apply_settings(self, keys: dict[str, str]) -> None:
        """:meth:`apply` for the page's own settings (:func:`aecore.runconfig.page_settings`).

        Parameters
        ----------
        keys : dict of str to str
            Setting name → its widget's session-state key.
        """
        settings = page_settings(self.page)
        for name, key in keys.items():
            self.apply(name, key, lambda text, name=name: settings[name].parse(text))

    def apply_choice(self, name: str, key: str, options: list[Any]) -> None:
        """:meth:`apply` for a select box: the link's value must be one of ``options``."""
        self.apply(name, key, lambda text: match_choice(name, text, options))

    def ignore(self, names: Iterable[str]) -> None:
        """Drop the link's values for ``names`` without a warning (settings that do not apply,
        which a link made from a run's config still names)."""
        for name in names:
            st.session_state["_link_pending"].pop(name, None)

    def fix(self, values: dict[str, Any], parse: Callable[[str, str], Any],
            because: str = "", suggest: bool = True) -> None:
        """Drop the link's values for settings this page fixes at ``values``: silently where
        they agree (a link made from a run's config names them), with a warning where not.

        Parameters
        ----------
        values : dict of str to Any
            Setting name → the value this page uses.
        parse : callable
            ``parse(name, text)``: the link's text as a value (ValueError if it is none).
        because : str, default=""
            Why, where it is not the page itself (e.g. the dataset): ends the warning after
            a colon.
        suggest : bool, default=True
            End the warning with the page's linked setting of the closest name ("did you mean
            `training_contamination`?"); False where the name is the one meant, fixed only for
            these data.
        """
        for name, value in values.items():
            text = st.session_state["_link_pending"].pop(name, None)
            if text is not None and not _parses_to(parse, name, text, value):
                sentence = (f"{code_span(f'{name}={text}')}: this page keeps {name} at "
                            f"{as_text(value)}" + (f": {because}" if because else ""))
                _warn(self._ending(sentence, name) if suggest else f"{sentence}.")

    def _ending(self, sentence: str, name: str) -> str:
        """``sentence`` ended with "; did you mean `x`?" for the page's linked setting closest
        to ``name`` (difflib), or with "." if none is close."""
        close = difflib.get_close_matches(name, [n for n in self._keys if n != name], n=1,
                                          cutoff=0.7)
        return f"{sentence}; did you mean `{close[0]}`?" if close else f"{sentence}."

    def warnings(self) -> list[str]:
        """What the link held that the page ignored, one sentence each (unknown names too,
        once :meth:`write` has run)."""
        return [warning.text for warning in st.session_state["_link_warnings"]]

    def write(self) -> None:
        """Put every linked widget's value in the URL and show a warning for the link's
        values that were ignored, where the link was made: under the page's introduction, not
        below its widgets. A warning about a widget's value goes once the user changes that
        widget; the others stay while the page is open."""
        state = st.session_state
        for name in state["_link_pending"]:
            _warn(self._ending(f"{code_span(name)}: this page has no setting of that name", name))
        state["_link_pending"] = {}
        state["_link_warnings"] = [w for w in state["_link_warnings"] if w.holds(state)]
        values = {name: self._shows[name](state[key]) for name, key in self._keys.items()
                  if state.get(key) is not None}
        if st.query_params.to_dict() != values:
            st.query_params.from_dict(values)
        if self.warnings():
            self._notice.warning("Some values in this page's link were ignored:\n\n" +
                       "\n".join(f"- {w}" for w in self.warnings()))


@dataclass
class _Warning:
    """One ignored link value; ``key``: the widget that would have taken it, if any, whose
    value when the page first drew it is ``shown``."""

    text: str
    key: str | None
    shown: Any = _UNSEEN

    def holds(self, state: Any) -> bool:
        """Whether it still applies: the widget, if any, keeps the value it was first drawn
        with (a user who changes it has dealt with the link's value)."""
        if self.key is None:
            return True
        if self.shown is _UNSEEN:
            self.shown = state.get(self.key)
        return state.get(self.key) == self.shown


def _warn(text: str, key: str | None = None) -> None:
    st.session_state["_link_warnings"].append(_Warning(text, key))


def _parses_to(parse: Callable[[str, str], Any], name: str, text: str, value: Any) -> bool:
    try:
        return parse(name, text) == value
    except ValueError:
        return False


PAGE_FILES = {"reduction": "pages/1_Dimensionality_Reduction.py",
              "denoising": "pages/2_Denoising.py",
              "vae": "pages/3_Variational_Autoencoder.py",
              "anomaly": "pages/4_Anomaly_Detection.py"}
RESULT_KEYS = {"reduction": "dr_result", "denoising": "dn_result", "vae": "vae_result",
               "anomaly": "an_result"}  # where each page keeps its last run in session state
MAX_COMPARED = 6  # runs the Runs page compares at once (its maps stand side by side)


def link_query(config: RunConfig) -> dict[str, str]:
    """The query parameters that open ``config``'s page with its widgets set to the run's
    values (hyperparameters a page does not show are left out)."""
    params = {name: value for name, value in config.params.items() if name in PARAMS}
    values = {"data": config.dataset, "n_train": config.n_train, **params, **config.settings}
    return {name: as_text(value) for name, value in values.items() if value is not None}


def open_with_link(page: str, query: dict[str, str]) -> None:
    """Switch to ``page`` (a key of :data:`PAGE_FILES`) opened by the link ``query``: its
    :class:`PageLink` reads the link afresh even when that page was the last one to make a link
    (pages without links, such as the Runs page, leave that mark behind)."""
    st.session_state.pop("_link_page", None)
    st.switch_page(PAGE_FILES[page], query_params=query)


def linked_runs(known: Iterable[int]) -> list[int]:
    """The runs named in the Runs page's link (``?compare=3,4,5``) that are in the store, in
    the link's order; warns once about the names that are not."""
    text = ",".join(st.query_params.get_all("compare"))  # compare=3&compare=4 names both
    names = list(dict.fromkeys(name.strip() for name in text.split(",") if name.strip()))
    known = set(known)
    ids = [int(name) for name in names if name.isdigit() and int(name) in known]
    missing = [name for name in names if name.isdigit() and int(name) not in known]
    not_ids = [name for name in names if not name.isdigit()]
    if missing:
        st.warning(f"Not in the run store, so not compared: run{'s' if len(missing) > 1 else ''} "
                   f"{', '.join(missing)}.")
    if not_ids:
        st.warning(f"Not run numbers, so ignored: {plain_text(', '.join(not_ids))}.")
    return list(dict.fromkeys(ids))
