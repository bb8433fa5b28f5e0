"""A run's complete recipe as plain values: page, dataset, hyperparameters and page settings.

One :class:`RunConfig` is what the hyperparameters JSON export holds, what ``python -m aecore
train --config`` reads, what a page writes into its URL and what the run store keeps, so a run
moves between them unchanged. :func:`result_for` turns it into the page's result object (the
estimator and what it trains on); :func:`config_of` does the reverse.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sklearn.base import clone

from aecore.spec import (
    CHOICE_LABELS,
    PARAMS,
    check_choice,
    check_layer_widths,
    check_network_fits,
    check_range,
    match_choice,
    number_text,
    parse_layers,
    quoted,
)

PAGES = {"reduction": "Dimensionality reduction", "denoising": "Denoising",
         "vae": "Variational autoencoder", "anomaly": "Anomaly detection"}
CONFIG_FORMAT = 1
# hyperparameters each page keeps at its preset's value (it has no widget for them)
PAGE_FIXED = {"reduction": ("network",),
              "denoising": ("network", "neighbor_weight", "neighbor_loss"),  # by architecture
              "vae": (),
              "anomaly": ("network", "contamination", "neighbor_weight", "neighbor_loss")}


@dataclass(frozen=True)
class Setting:
    """A page setting that is not a hyperparameter (the noise, the anomaly set-up…).

    Attributes
    ----------
    label : str
        Display name, used in error messages.
    choices : tuple of str, default=()
        Allowed values of a categorical setting; empty for numbers.
    min, max : float, default=0, 1
        Inclusive range of a numeric setting.
    integer : bool, default=False
        Whether a numeric setting is a whole number.
    optional : bool, default=False
        Whether it may be None (absent).
    choice_names : tuple of str, default=()
        How the page names each of ``choices`` ("Gaussian" for "gaussian"), for tables; empty
        when the choices are their own names.
    is_class : bool, default=False
        Whether the value is a class label of the run's data, which tables name by the data's
        class names (:func:`labelled_settings`).
    """

    label: str
    choices: tuple[str, ...] = ()
    min: float = 0.0
    max: float = 1.0
    integer: bool = False
    optional: bool = False
    choice_names: tuple[str, ...] = ()
    is_class: bool = False

    def shown(self, value: Any) -> Any:
        """A stored value as a table shows it: a choice by its name, a whole number as an int
        (a JSON round trip may have made it 3.0); anything it does not know unchanged."""
        if value in self.choices and self.choice_names:
            return self.choice_names[self.choices.index(value)]
        if self.integer and isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def parse(self, value: Any) -> Any:
        """``value`` (as JSON or a URL gives it) as this setting's type, checked.

        Raises
        ------
        ValueError
            If it is not one of the choices, not a number, or out of range.
        """
        if value is None and self.optional:
            return None
        if self.choices:
            return match_choice(self.label, str(value), self.choices)
        number = _number(self.label, value)
        if self.integer and number != int(number):
            raise ValueError(f"{self.label} must be a whole number; got {quoted(value)}.")
        if not self.min <= number <= self.max:
            raise ValueError(f"{self.label} must be between {number_text(self.min)} and "
                             f"{number_text(self.max)}; got {number_text(number)}.")
        return int(number) if self.integer else number


def _page_settings() -> dict[str, dict[str, Setting]]:
    from aecore.anomaly import MAX_CONTAMINATION, SOURCES
    from aecore.noise import NOISES
    from aecore.presets import DENOISERS

    return {
        "reduction": {},
        "denoising": {"architecture": Setting("Architecture", tuple(DENOISERS)),
                      "noise": Setting("Noise", tuple(NOISES), choice_names=tuple(
                          title.split(" (")[0] for title, _ in NOISES.values())),
                      "level": Setting("Noise level"),
                      "noise_seed": Setting("Noise seed", max=2**31 - 1, integer=True)},
        "vae": {},
        "anomaly": {"source": Setting("Set-up", tuple(SOURCES)),
                    "digit": Setting("The class", max=2**31 - 1, integer=True, optional=True,
                                     is_class=True),
                    # not the detector's own `contamination` (the share it flags)
                    "training_contamination": Setting("Contamination of the training data",
                                                      max=MAX_CONTAMINATION)},
    }


def page_settings(page: str) -> dict[str, Setting]:
    """The settings of ``page`` besides its estimator's hyperparameters, by name.

    Raises
    ------
    ValueError
        If ``page`` is not a key of :data:`PAGES`.
    """
    _check_page(page)
    return _page_settings()[page]


def _number(label: str, value: Any) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a number; got {quoted(value)}.") from None
    if isinstance(value, bool) or not math.isfinite(number):
        raise ValueError(f"{label} must be a finite number; got {quoted(value)}.")
    return number


def _check_page(page: Any) -> None:
    if page not in PAGES:
        raise ValueError(f"Unknown page {quoted(page)}; choose one of {', '.join(PAGES)}.")


@dataclass(frozen=True)
class RunConfig:
    """Everything that decides a training, as JSON-able values.

    Parameters
    ----------
    page : {"reduction", "denoising", "vae", "anomaly"}
        Which page's training (:data:`PAGES`).
    dataset : str, default="mnist_sample"
        A dataset key (:func:`aecore.data.load_dataset`).
    params : dict, default={}
        The estimator's hyperparameters; missing ones take the page preset's values.
    n_train : int or None, default=None
        How many training images; None means all.
    settings : dict, default={}
        The page's other settings (:func:`page_settings`); missing ones take their defaults.
    """

    page: str
    dataset: str = "mnist_sample"
    params: dict[str, Any] = field(default_factory=dict)
    n_train: int | None = None
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The config as a JSON-able dict (tuples become lists), with a ``format`` number."""
        return {"format": CONFIG_FORMAT, "page": self.page, "dataset": self.dataset,
                "n_train": self.n_train,
                "params": {k: list(v) if isinstance(v, tuple) else _plain(v)
                           for k, v in self.params.items()},
                "settings": {k: _plain(v) for k, v in self.settings.items()}}

    @property
    def data_slug(self) -> str:
        """The data it trains on, for file names: the dataset's key, or "breast-cancer" for
        that anomaly set-up (which ignores the dataset)."""
        return ("breast-cancer" if self.settings.get("source") == "breast-cancer"
                else self.dataset)

    def to_json(self) -> str:
        """:meth:`to_dict` as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2)

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> RunConfig:
        """Read and check a config written by :meth:`to_dict` (or by hand).

        Every hyperparameter is checked against its range in :data:`aecore.spec.PARAMS` and
        every setting against :func:`page_settings`.

        Raises
        ------
        ValueError
            One sentence naming the first wrong field: an unknown page, key, hyperparameter or
            setting, a value of the wrong type, or one out of range.
        """
        if not isinstance(values, Mapping):
            raise ValueError("A run config must be a JSON object like {\"page\": \"reduction\", "
                             "\"params\": {\"code_size\": 2}}.")
        unknown = set(values) - {"format", "page", "dataset", "n_train", "params", "settings"}
        if unknown:
            raise ValueError(f"Unknown key {sorted(unknown)[0]!r} in the run config; it may hold "
                             "format, page, dataset, n_train, params and settings.")
        if values.get("format", CONFIG_FORMAT) != CONFIG_FORMAT:
            raise ValueError(f"This run config is in format {values['format']!r}; this aecore "
                             f"reads format {CONFIG_FORMAT}.")
        if "page" not in values:
            raise ValueError(f"This run config names no page; add \"page\": one of "
                             f"{', '.join(PAGES)}.")
        page = values["page"]
        _check_page(page)
        params, settings = values.get("params", {}), values.get("settings", {})
        if not isinstance(params, Mapping) or not isinstance(settings, Mapping):
            raise ValueError("'params' and 'settings' must be JSON objects.")
        dataset = values.get("dataset", "mnist_sample")
        if not isinstance(dataset, str):
            raise ValueError(f"'dataset' must be a dataset key like \"mnist_sample\"; got "
                             f"{quoted(dataset)}.")
        n_train = values.get("n_train")
        if n_train is not None:
            n_train = int(Setting("n_train", min=1, max=10**9, integer=True).parse(n_train))
        preset = preset_for(page, settings)
        checked = _checked_params(page, params)
        for name in PAGE_FIXED[page]:
            if name in checked and checked[name] != preset.get_params()[name]:
                raise ValueError(f"The {PAGES[page]} page keeps {name} at "
                                 f"{as_text(preset.get_params()[name])}; got "
                                 f"{quoted(checked[name])}.")
        estimator = clone(preset).set_params(**checked)
        _check_ranges(estimator)
        known = page_settings(page)
        for name in settings:
            if name not in known:
                raise ValueError(f"Unknown setting {quoted(name)} for the {PAGES[page]} page; "
                                 f"it has {', '.join(known) or 'none'}.")
        return cls(page, dataset, {k: estimator.get_params()[k] for k in params}, n_train,
                   {name: known[name].parse(value) for name, value in settings.items()})

    @classmethod
    def from_json(cls, text: str) -> RunConfig:
        """Parse JSON text and check it as :meth:`from_dict` does.

        Raises
        ------
        ValueError
            If the text is not JSON (naming line and column), or as :meth:`from_dict`.
        """
        try:
            values = json.loads(text)
        except json.JSONDecodeError as err:
            raise ValueError(f"The run config is not valid JSON: {err.msg} at line {err.lineno}, "
                             f"column {err.colno}.") from None
        return cls.from_dict(values)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _check_ranges(estimator: Any) -> None:
    """Every hyperparameter's range, with the estimator's own sentences (an image detector's
    ``image_shape`` comes from the data later, so its smoothing and score, which need images,
    are checked on their own here)."""
    if getattr(estimator, "image_shape", 0) is None and hasattr(estimator, "smoothing"):
        check_range("smoothing", estimator.smoothing)
        check_choice("score", estimator.score)
        estimator = clone(estimator).set_params(smoothing=0.0, score="error")
    estimator.to_spec()


def _checked_params(page: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` with names the page's estimator has, as Python values (lists → tuples)."""
    known = preset_for(page, {}).get_params()
    checked = {}
    for name, value in params.items():
        if name not in known:
            raise ValueError(f"Unknown hyperparameter {quoted(name)} for the {PAGES[page]} page; "
                             f"it has {', '.join(known)}.")
        if name == "hidden_layers" and isinstance(value, str):  # as typed, or as in a link
            value = parse_layers(value)
        if name in PARAMS and PARAMS[name].choices and isinstance(value, str):  # as in a link
            value = match_choice(PARAMS[name].label, value, PARAMS[name].choices,
                                 CHOICE_LABELS.get(name))
        checked[name] = tuple(value) if isinstance(value, list) else value
    return checked


def preset_for(page: str, settings: Mapping[str, Any], data: Any = None) -> Any:
    """A fresh copy of the page's starting estimator for these settings (unfitted).

    Parameters
    ----------
    page : str
        A key of :data:`PAGES`.
    settings : mapping
        The page's settings; the denoiser's ``architecture`` and the anomaly ``source`` choose
        between presets.
    data : aecore.data.Dataset or None, default=None
        The dataset; anomaly detection on a table (not images) starts from the tabular
        detector.

    Returns
    -------
    estimator
        :class:`aecore.Autoencoder`, :class:`aecore.VariationalAutoencoder` or
        :class:`aecore.ReconstructionDetector`.

    Raises
    ------
    ValueError
        If ``page`` is unknown.
    """
    from aecore import presets

    _check_page(page)
    if page == "reduction":
        return clone(presets.DEFAULT_AUTOENCODER)
    if page == "denoising":
        return clone(presets.DENOISERS.get(settings.get("architecture"),
                                           next(iter(presets.DENOISERS.values()))))
    if page == "vae":
        return clone(next(iter(presets.VAE_PRESETS.values())))
    tabular = settings.get("source") == "breast-cancer" or (data is not None and
                                                             not data.is_image)
    return clone(presets.TABULAR_DETECTOR if tabular else presets.IMAGE_DETECTOR)


def used_params(config: Mapping[str, Any]) -> dict[str, Any]:
    """A stored run config's hyperparameters that its model uses, for tables that compare runs.

    Parameters
    ----------
    config : mapping
        A :meth:`RunConfig.to_dict` (``page``, ``params``, ``settings``).

    Returns
    -------
    dict
        ``config["params"]`` without those its estimator ignores given the others (a
        convolutional network's code size, a dense one's filters: ``unused_params()``); all of
        them where the page's estimator does not take them (a config from an older version).
    """
    params = dict(config.get("params", {}))
    try:
        estimator = preset_for(config["page"], config.get("settings", {})).set_params(**params)
    except (KeyError, TypeError, ValueError):
        return params
    ignored = estimator.unused_params()
    return {name: value for name, value in params.items() if name not in ignored}


def setting_labels() -> list[str]:
    """Every page setting's label ("Noise level", "Set-up"…), each once, in the pages' order:
    the columns :func:`labelled_settings` gives."""
    return list(dict.fromkeys(setting.label for page in PAGES
                              for setting in page_settings(page).values()))


def labelled_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """A stored run config's page settings by their labels, as a table shows them, e.g.
    ``{"Noise": "Gaussian", "Noise level": 0.5}`` (:meth:`Setting.shown`), a class by its name
    in an uploaded dataset ("virgo", not 2); a setting this version does not know keeps its
    name and value."""
    known = page_settings(config["page"]) if config.get("page") in PAGES else {}
    shown = {}
    for name, value in config.get("settings", {}).items():
        setting = known.get(name)
        if setting is None:
            shown[name] = value
        elif setting.is_class and value is not None:
            shown[setting.label] = _class_name(str(config.get("dataset")), setting.shown(value))
        else:
            shown[setting.label] = setting.shown(value)
    return shown


def _class_name(dataset: str, label: int) -> str | int:
    """Class ``label`` of ``dataset`` by name where an upload names its classes; the label
    itself for built-in data (their labels are their own names) or an upload no longer here."""
    from aecore.data import UPLOAD_KEY, DatasetUnavailableError
    from aecore.uploads import saved_class_names

    if not UPLOAD_KEY.fullmatch(dataset):
        return label
    try:
        names = saved_class_names(dataset)
    except DatasetUnavailableError:
        return label
    return names[label] if 0 <= label < len(names) else label


def config_of(result: Any) -> RunConfig:
    """The config that :func:`result_for` turns back into ``result``'s training.

    Parameters
    ----------
    result : aecore.results.TrainedResult
        A page's result (fitted or not).

    Returns
    -------
    RunConfig
        With every hyperparameter of its estimator.
    """
    from aecore import results

    page, settings = {results.ReductionResult: ("reduction", {}),
                      results.VAEResult: ("vae", {})}.get(type(result), (None, None))
    if isinstance(result, results.DenoisingResult):
        from aecore.presets import DENOISERS

        network = result.estimator.network
        architecture = next(name for name, preset in DENOISERS.items()
                            if preset.network == network)
        page, settings = "denoising", {"architecture": architecture, "noise": result.noise,
                                       "level": result.level, "noise_seed": result.noise_seed}
    elif isinstance(result, results.AnomalyResult):
        page, settings = "anomaly", {"source": result.source, "digit": result.digit,
                                     "training_contamination": result.contamination}
    params = {name: _plain(value) for name, value in result.estimator.get_params().items()}
    n_train = None if page == "anomaly" else result.n_train
    return RunConfig(page, result.data.key, params, n_train, settings)


def result_for(config: RunConfig, data: Any = None) -> Any:
    """The page's result object for ``config``: its estimator, unfitted, and what it trains on.

    ``result.fit(on_epoch, should_stop)`` then trains exactly what the page trains.

    Parameters
    ----------
    config : RunConfig
        The run.
    data : aecore.data.Dataset or None, default=None
        The dataset; None loads ``config.dataset``.

    Returns
    -------
    aecore.results.TrainedResult
        :class:`~aecore.results.ReductionResult`, :class:`~aecore.results.DenoisingResult`,
        :class:`~aecore.results.VAEResult` or :class:`~aecore.results.AnomalyResult`.

    Raises
    ------
    ValueError
        If the dataset cannot be loaded, ``n_train`` exceeds its training images, or the
        hyperparameters do not fit the data (e.g. a convolutional network on a table).
    """
    from aecore import anomaly, results
    from aecore.data import load_dataset
    from aecore.presets import adapted_to

    data = load_dataset(config.dataset) if data is None else data
    settings = {**_default_settings(config.page, data), **config.settings}
    n_train = len(data.x_train) if config.n_train is None else config.n_train
    if n_train > len(data.x_train):
        raise ValueError(f"n_train is {n_train} but {data.name} has {len(data.x_train):,} "
                         "training samples.")
    if config.page == "anomaly":
        source, contamination = settings["source"], settings["training_contamination"]
        setup = (anomaly.breast_cancer_setup(contamination) if source == "breast-cancer"
                 else anomaly.image_setup(data, source, settings["digit"], contamination))
        result = results.AnomalyResult(None, data, 0, setup, source, settings["digit"]
                                       if source != "breast-cancer" else None, contamination)
        x, y = setup.x_train, None
    else:
        cls = {"reduction": results.ReductionResult, "vae": results.VAEResult,
               "denoising": results.DenoisingResult}[config.page]
        extra = ([settings["noise"], settings["level"], settings["noise_seed"]]
                 if config.page == "denoising" else [])
        result = cls(None, data, n_train, *extra)
        x, y = result.x_train, result.y_train if config.page == "vae" else None
    # like the page's widgets: the preset adapted to the data, then the config's values
    estimator = adapted_to(preset_for(config.page, settings, data), x)[0]
    estimator.set_params(**config.params)
    image_shape = result.setup.image_shape if config.page == "anomaly" else data.image_shape
    if config.page == "anomaly" and image_shape is not None:
        estimator.set_params(image_shape=image_shape)
    check_network_fits(estimator.network, image_shape)
    estimator.validate_for(x, y)
    return dataclasses.replace(result, estimator=estimator)


def _default_settings(page: str, data: Any) -> dict[str, Any]:
    """The settings a page starts with on ``data``."""
    from aecore.presets import DENOISERS

    return {"reduction": {}, "vae": {},
            "denoising": {"architecture": next(iter(DENOISERS)), "noise": "gaussian",
                          "level": 0.5, "noise_seed": 0},
            "anomaly": {"source": "one-class", "digit": int(data.y_train.min()),
                        "training_contamination": 0.0}}[page]


def parse_param(name: str, text: str) -> Any:
    """A hyperparameter's value from text (a URL's query string), checked against its range.

    Parameters
    ----------
    name : str
        A key of :data:`aecore.spec.PARAMS`.
    text : str
        As written in a URL: ``"2"``, ``"0.001"``, ``"true"``, ``"400,200"``.

    Returns
    -------
    int, float, bool, str or tuple of int
        The value.

    Raises
    ------
    ValueError
        If the text is not a value of that hyperparameter or is out of its range.
    """
    param = PARAMS[name]
    if name == "hidden_layers":
        layers = parse_layers(text)
        check_layer_widths(layers)
        return layers
    if param.flag:
        if text.lower() not in {"true", "false", "1", "0"}:
            raise ValueError(f"{param.label} must be true or false; got {quoted(text)}.")
        return text.lower() in {"true", "1"}
    if param.choices:
        return match_choice(param.label, text, param.choices, CHOICE_LABELS.get(name))
    number = _number(param.label, text)
    check_range(name, number)
    if param.format is None:
        if number != int(number):
            raise ValueError(f"{param.label} must be a whole number; got {quoted(text)}.")
        return int(number)
    return number


def as_text(value: Any) -> str:
    """A value as :func:`parse_param` and :meth:`Setting.parse` read it back from a URL."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list | tuple):
        return ",".join(map(str, value))
    return str(_plain(value))
