import numpy as np
import pytest
from sklearn.base import clone

from aecore.presets import DEFAULT_AUTOENCODER, SEED_TUTORIAL
from aecore.spec import (
    PARAMS,
    AESpec,
    counted,
    parse_layers,
    readable_score,
    sandwich,
    signed,
)

DEFAULT_SPEC = DEFAULT_AUTOENCODER.to_spec()


def test_sandwich_halves_per_layer_and_never_undercuts_the_code():
    assert sandwich(400, 4) == (400, 200, 100, 50)
    assert sandwich(16, 4, code_size=5) == (16, 8, 5, 5)
    assert sandwich(64, 0) == ()


def test_seed_tutorial_preset_is_the_classic_network():
    assert SEED_TUTORIAL.architecture(784) == "784-400-200-100-50-2-50-100-200-400-784"
    assert SEED_TUTORIAL.loss == "mse" and SEED_TUTORIAL.activation == "relu"


def test_defaults_lie_inside_the_ranges_the_widgets_use():
    for name in ("code_size", "epochs", "batch_size", "learning_rate", "seed"):
        assert PARAMS[name].min <= getattr(DEFAULT_SPEC, name) <= PARAMS[name].max


@pytest.mark.parametrize("changes, message", [
    ({"code_size": 0}, "Code size must be between"),
    ({"epochs": 0}, "Epochs must be between"),
    ({"learning_rate": 2.0}, "Learning rate must be between"),
    ({"loss": "hinge"}, "Loss must be one of"),
    ({"activation": "swishy"}, "Activation must be one of"),
    ({"hidden_layers": (64, 1), "code_size": 2}, "at least as many nodes as the code"),
    ({"hidden_layers": (8,) * 9}, "At most 8 hidden layers"),
])
def test_invalid_hyperparameters_raise_clear_value_errors(changes, message):
    with pytest.raises(ValueError, match=message):
        DEFAULT_SPEC.replace(**changes)


@pytest.mark.parametrize("changes, message", [
    ({"hidden_layers": "64,32"}, "Nodes per layer must be a sequence of whole numbers"),
    ({"hidden_layers": (32, "a")}, "Nodes per layer must be a whole number; got 'a'"),
    ({"hidden_layers": None}, "Nodes per layer must be a sequence"),
    ({"epochs": 2.5}, "Epochs must be a whole number; got 2.5"),
    ({"code_size": "2"}, "Code size must be a whole number; got '2'"),
    ({"learning_rate": "fast"}, "Learning rate must be a number"),
    ({"lr_decay": "yes"}, "must be True or False"),
])
def test_wrong_types_are_named_in_the_error(changes, message):
    with pytest.raises(ValueError, match=message):
        DEFAULT_SPEC.replace(**changes)


def test_numpy_numbers_become_plain_python_values():
    spec = DEFAULT_SPEC.replace(code_size=np.int64(3), hidden_layers=np.array([8, 4]),
                                epochs=4.0, learning_rate=np.float32(0.01))
    assert (spec.code_size, spec.hidden_layers, spec.epochs) == (3, (8, 4), 4)
    assert type(spec.code_size) is int and type(spec.learning_rate) is float


def test_code_as_wide_as_the_input_is_rejected_for_that_data():
    spec = AESpec(code_size=64, hidden_layers=(64,), batch_size=8)
    with pytest.raises(ValueError, match="smaller than the input size"):
        spec.checked_for(np.zeros((10, 64)))
    assert spec.checked_for(np.zeros((10, 65))) is spec


def test_batch_larger_than_the_training_set_is_rejected():
    with pytest.raises(ValueError, match="exceeds the 10 training samples"):
        AESpec(batch_size=64, hidden_layers=(8,)).checked_for(np.zeros((10, 20)))


def test_layer_text_parses_or_explains():
    assert parse_layers("400, 200 ,100") == (400, 200, 100)
    assert parse_layers("") == ()
    with pytest.raises(ValueError, match="whole numbers"):
        parse_layers("400, lots")


@pytest.mark.parametrize("dataset", ["digits", "mnist_sample"])
@pytest.mark.parametrize("n_train", [100, None])
def test_every_preset_adapted_to_the_data_can_train(dataset, n_train):
    from aecore.data import load_dataset
    from aecore.presets import (
        DENOISERS,
        IMAGE_DETECTOR,
        REDUCTION_PRESETS,
        VAE_PRESETS,
        adapted_to,
    )

    data = load_dataset(dataset)
    x, y = data.x_train[:n_train], data.y_train[:n_train]
    presets = [*REDUCTION_PRESETS.values(), *DENOISERS.values(), *VAE_PRESETS.values(),
               clone(IMAGE_DETECTOR).set_params(image_shape=data.image_shape)]
    for preset in presets:
        adapted, notes = adapted_to(preset, x)
        adapted.validate_for(x, y)  # raises if the adapted preset could not train
        assert bool(notes) == (adapted.get_params() != preset.get_params())


def test_counted_puts_the_noun_in_the_number_it_needs():
    assert counted(1, "held-out image") == "1 held-out image"
    assert counted(1000, "held-out image") == "1,000 held-out images"
    assert counted(0, "anomaly", "anomalies") == "0 anomalies"
    assert counted(1, "anomaly", "anomalies") == "1 anomaly"


@pytest.mark.parametrize(("name", "readable"), [
    ("final loss", "final loss"), ("final val_loss", "final validation loss"),
    ("final neighbor", "final neighbour"),
    ("final val_reconstruction", "final validation reconstruction"),
    ("final validation loss", "final validation loss"), ("5-NN accuracy", "5-NN accuracy"),
    ("final val_kl", "final validation KL"), ("-ELBO (nats)", "−ELBO (nats)"),
    ("−ELBO (nats)", "−ELBO (nats)")])
def test_scores_read_as_people_say_them_and_only_once(name, readable):
    assert readable_score(name) == readable


@pytest.mark.parametrize(("value", "text"), [(4.34, "+4.3"), (-1.25, "-1.2"), (-0.04, "+0.0"),
                                             (0.0, "+0.0"), (-0.06, "-0.1")])
def test_signed_differences_never_read_minus_zero(value, text):
    assert signed(value) == text
