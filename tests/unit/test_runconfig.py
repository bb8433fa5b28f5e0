"""A run's config: JSON round trips, one-sentence errors, and the result it builds."""

import dataclasses

import pytest

from aecore.results import AnomalyResult, DenoisingResult, ReductionResult, VAEResult
from aecore.runconfig import (
    PAGES,
    RunConfig,
    as_text,
    config_of,
    page_settings,
    parse_param,
    preset_for,
    result_for,
)

SETTINGS = {"reduction": {}, "vae": {},
            "denoising": {"architecture": "Dense", "noise": "masking", "level": 0.3,
                          "noise_seed": 4},
            "anomaly": {"source": "hold-out", "digit": 3, "training_contamination": 0.05}}


@pytest.mark.parametrize("page", PAGES)
def test_config_of_a_built_result_reads_back_the_same(page):
    config = RunConfig.from_dict({"page": page, "dataset": "digits", "n_train": 200,
                                  "params": {"epochs": 3, "seed": 5},
                                  "settings": SETTINGS[page]})
    result = result_for(config)
    assert type(result) is {"reduction": ReductionResult, "denoising": DenoisingResult,
                            "vae": VAEResult, "anomaly": AnomalyResult}[page]
    again = config_of(result)
    assert again.params["epochs"] == 3 and again.params["seed"] == 5
    assert again.settings.items() >= SETTINGS[page].items()
    assert RunConfig.from_json(again.to_json()) == again
    assert type(result_for(again)) is type(result)


@pytest.mark.parametrize(("text", "message"), [
    ('{"page": "x"}', "Unknown page 'x'"),
    ('{"params": {"epochs": 1}}', 'names no page; add "page": one of reduction'),
    ('{"page": "vae", "params": {"code_size": 9999}}', "Code size must be between 1 and 256"),
    ('{"page": "vae", "params": {"colour": 1}}', "Unknown hyperparameter 'colour'"),
    ('{"page": "reduction", "extra": 1}', "Unknown key 'extra'"),
    ('{"page": "denoising", "settings": {"level": 3}}', "Noise level must be between 0 and 1"),
    ('{"page": "denoising", "settings": {"noise": "pink"}}', "Noise must be one of"),
    ('{"page": "reduction", "n_train": 0}', "n_train must be between 1"),
    ('{"page": "reduction", "n_train": 2.5}', "whole number"),
    ('{"format": 99, "page": "reduction"}', "format 99"),
    ('{"page": "reduction", "params": {"hidden_layers": "32,x"}}', "whole numbers"),
    ('[1, 2]', "must be a JSON object"),
    ('{"page": ', "not valid JSON"),
])
def test_bad_configs_are_one_sentence(text, message):
    with pytest.raises(ValueError, match=message):
        RunConfig.from_json(text)


def test_more_training_images_than_the_dataset_has_is_refused():
    with pytest.raises(ValueError, match="1,437 training samples"):
        result_for(RunConfig("reduction", "digits", n_train=5000))


@pytest.mark.parametrize(("name", "value"), [
    ("code_size", 7), ("hidden_layers", (400, 200)), ("learning_rate", 0.003),
    ("lr_decay", True), ("loss", "bce"), ("seed", 123)])
def test_url_text_round_trips_each_kind_of_hyperparameter(name, value):
    assert parse_param(name, as_text(value)) == value


@pytest.mark.parametrize(("name", "text", "message"), [
    ("code_size", "0", "between 1 and 256"), ("code_size", "2.5", "whole number"),
    ("lr_decay", "maybe", "true or false"), ("loss", "hinge", "one of"),
    ("learning_rate", "nan", "finite"), ("hidden_layers", "a,b", "whole numbers")])
def test_bad_url_values_raise_sentences(name, text, message):
    with pytest.raises(ValueError, match=message):
        parse_param(name, text)


@pytest.mark.parametrize(("name", "text", "value"), [
    ("network", "Dense", "dense"), ("loss", " MSE ", "mse"), ("activation", "TANH", "tanh"),
    ("neighbor_loss", "Embedding", "embedding"), ("loss", "Cross-entropy", "bce"),
    ("loss", "squared ERROR", "mse"), ("network", "Convolutional", "conv"),
    ("score", "Reconstruction error", "error")])
def test_choices_are_read_whatever_their_case_or_as_their_select_box_shows_them(name, text,
                                                                                value):
    assert parse_param(name, text) == value


@pytest.mark.parametrize(("page", "params", "settings", "kept"), [
    ("reduction", {"network": "conv"}, {}, "network at dense"),
    ("denoising", {"neighbor_weight": 0.5}, {"architecture": "Convolutional"},
     "neighbor_weight at 0.0"),
    ("anomaly", {"contamination": 0.3}, {}, "contamination at 0.1")])
def test_a_config_cannot_change_what_its_page_keeps(page, params, settings, kept):
    with pytest.raises(ValueError, match=f"page keeps {kept}"):
        RunConfig.from_dict({"page": page, "params": params, "settings": settings})
    same = {name: getattr(preset_for(page, settings), name) for name in params}
    assert RunConfig.from_dict({"page": page, "params": same, "settings": settings}).params \
        == same  # the page's own value, as every exported config holds it, is fine


def test_a_config_names_choices_as_a_link_may():
    config = RunConfig.from_dict({"page": "vae", "params": {"network": "Convolutional",
                                                            "loss": "Cross-entropy"}})
    assert config.params == {"network": "conv", "loss": "bce"}
    with pytest.raises(ValueError, match="Network must be one of dense, conv"):
        RunConfig.from_dict({"page": "vae", "params": {"network": "recurrent"}})


def test_a_page_setting_choice_is_read_whatever_its_case():
    setting = page_settings("denoising")["noise"]
    assert setting.parse("Salt_And_Pepper") == "salt_and_pepper"
    with pytest.raises(ValueError, match="Noise must be one of"):
        setting.parse("salt")


def test_hidden_layers_may_be_written_as_in_a_link():
    config = RunConfig.from_dict({"page": "reduction", "params": {"hidden_layers": "32, 16"}})
    assert config.params["hidden_layers"] == (32, 16)


def test_exports_name_each_points_class_beside_its_label(digits):
    """An upload's classes ("cat", "dog") are what its user knows, not 0 and 1."""
    named = dataclasses.replace(digits, class_names=tuple(f"class {i}" for i in range(10)))
    params = dict(epochs=1, code_size=4, hidden_layers=(16,), seed=1)
    reduction = result_for(RunConfig("reduction", "digits", params, n_train=200), named)
    denoising = result_for(RunConfig("denoising", "digits", params, n_train=200,
                                     settings=dict(architecture="Dense")), named)
    for result in (reduction, denoising):
        result.fit()
    codes = reduction.codes_table()
    assert list(codes.columns[:3]) == ["label", "class", "code 1"]
    assert (codes["class"] == "class " + codes["label"].astype(str)).all()
    scores = denoising.per_image_scores()
    assert list(scores.columns[:3]) == ["label", "class", "noisy PSNR (dB)"]
    assert (scores["class"] == "class " + scores["label"].astype(str)).all()
