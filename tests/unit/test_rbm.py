"""RBM pretraining (aecore.rbm): the RBM stack, its unrolling into the autoencoder's weights,
and Autoencoder(rbm_epochs=…) fitting, reporting, stopping and refusing what it cannot do."""

import keras
import numpy as np
import pytest
from scipy.special import expit
from sklearn.neural_network import BernoulliRBM

from aecore import Autoencoder
from aecore.events import EpochEvent, StageEvent, epochs_only
from aecore.models import build_dense_autoencoder
from aecore.rbm import BATCH_SIZE, LEARNING_RATE, LinearHiddenRBM, pretrain, unroll
from aecore.spec import AESpec
from aecore.training import predict_batched

SPEC = AESpec(code_size=2, hidden_layers=(32, 16), activation="sigmoid", rbm_epochs=2)


@pytest.fixture(scope="module")
def stack(digits):
    """The digits' RBM stack (64 → 32 → 16 → 2) unrolled into a fresh autoencoder."""
    rbms = pretrain(digits.x_train, SPEC.layer_sizes, SPEC.rbm_epochs, seed=0)
    net = build_dense_autoencoder(SPEC, digits.input_dim)
    unroll(net, rbms)
    return rbms, net


def test_the_pretraining_loop_gives_the_weights_of_bernoulli_rbm_fit(digits, stack):
    rbms, _ = stack
    fitted = BernoulliRBM(n_components=32, learning_rate=LEARNING_RATE, batch_size=BATCH_SIZE,
                          n_iter=SPEC.rbm_epochs, random_state=0).fit(
        digits.x_train.astype("float64"))
    np.testing.assert_allclose(rbms[0].components_, fitted.components_, rtol=1e-12)
    np.testing.assert_allclose(rbms[0].intercept_hidden_, fitted.intercept_hidden_, rtol=1e-12)
    assert [type(r) for r in rbms] == [BernoulliRBM, BernoulliRBM, LinearHiddenRBM]


def test_the_unrolled_encoder_computes_the_rbm_stacks_hidden_activations(digits, stack):
    rbms, net = stack
    hidden = digits.x_test
    for i, rbm in enumerate(rbms):
        hidden = rbm.transform(hidden)  # chained, as the stack was trained
        layer = net.encoder.get_layer(f"encoder_{i}" if i < len(rbms) - 1 else "code")
        ours = predict_batched(keras.Model(net.encoder.input, layer.output), digits.x_test)
        np.testing.assert_allclose(ours, hidden, atol=1e-5, rtol=1e-5)
    assert np.ptp(hidden) > 0  # the code says something about the images


def test_the_mirrored_decoder_computes_each_rbms_visible_probabilities(digits, stack):
    rbms, net = stack
    code = rbms[-1].transform(rbms[1].transform(rbms[0].transform(digits.x_test)))
    visible = code
    for rbm in reversed(rbms):
        visible = expit(visible @ rbm.components_ + rbm.intercept_visible_)
    np.testing.assert_allclose(predict_batched(net.decoder, code.astype("float32")), visible,
                               atol=1e-5)


def test_the_linear_rbm_learns_to_reconstruct(digits):
    x = digits.x_train.astype("float64")

    def error(rbm):
        return np.mean((expit(rbm.transform(x) @ rbm.components_ + rbm.intercept_visible_)
                        - x) ** 2)
    start = LinearHiddenRBM(8, n_iter=1, learning_rate=0.0, random_state=0).fit(x)
    trained = LinearHiddenRBM(8, n_iter=20, random_state=0).fit(x)
    assert error(trained) < 0.5 * error(start)
    stepwise = LinearHiddenRBM(8, random_state=0)
    for batch in np.array_split(x[:200], 2):  # fit's batches of 100, one call each
        stepwise.partial_fit(batch)
    np.testing.assert_allclose(
        LinearHiddenRBM(8, n_iter=1, random_state=0).fit(x[:200]).components_,
        stepwise.components_)


def test_fit_with_pretraining_reports_each_rbm_then_trains_sigmoid_layers(digits):
    events = []
    ae = Autoencoder(code_size=2, hidden_layers=(32, 16), epochs=1, batch_size=64,
                     rbm_epochs=2).fit(digits.x_train, on_epoch=events.append)
    assert ae.status_ == "finished" and ae.transform(digits.x_test).shape == (360, 2)
    stages = [e for e in events if isinstance(e, StageEvent)]
    assert [e.text for e in stages[:4]] == [
        "Pretraining RBM 1 of 3, epoch 0/2", "Pretraining RBM 1 of 3, epoch 1/2",
        "Pretraining RBM 1 of 3, epoch 2/2", "Pretraining RBM 2 of 3, epoch 0/2"]
    assert stages[-1].text == "Pretraining RBM 3 of 3, epoch 2/2" and stages[-1].fraction == 1
    assert events[len(stages):] == ae.log_.events and isinstance(events[-1], EpochEvent)
    assert ae.log_.seconds > stages[-1].elapsed  # the time counts the pretraining
    assert ae.encoder_.get_layer("encoder_0").activation.__name__ == "sigmoid"
    assert ae.summary(64) == ("64-32-16-2-16-32-64 · sigmoid · BCE · Adam, learning rate "
                              "0.001 · 1 epoch of batch 64 · RBM pretraining, 2 epochs per "
                              "layer")
    assert ae.unused_params() == {"filters", "depth", "activation", "neighbor_loss"}
    seen = []
    epochs_only(seen.append)(stages[0])
    epochs_only(seen.append)(events[-1])
    assert seen == [events[-1]]


def test_a_stop_during_pretraining_ends_the_fit_with_no_epoch(digits):
    stages = []
    ae = Autoencoder(code_size=2, hidden_layers=(32,), epochs=5, batch_size=64,
                     rbm_epochs=50).fit(digits.x_train, on_epoch=stages.append,
                                        should_stop=lambda: len(stages) >= 2)
    assert ae.status_ == "stopped" and ae.log_.epochs_done == 0
    assert [e.text for e in stages] == ["Pretraining RBM 1 of 2, epoch 0/50",
                                        "Pretraining RBM 1 of 2, epoch 1/50"]


@pytest.mark.parametrize("params, message", [
    ({"network": "conv", "rbm_epochs": 3}, "RBM pretraining applies to dense networks only"),
    ({"rbm_epochs": -1}, "RBM pretraining epochs must be between 0 and 200; got -1"),
    ({"rbm_epochs": 1000}, "RBM pretraining epochs must be between 0 and 200"),
    ({"rbm_epochs": 2.5}, "RBM pretraining epochs must be a whole number"),
])
def test_settings_pretraining_cannot_apply_to_raise_value_errors(digits, params, message):
    ae = Autoencoder(code_size=2, hidden_layers=(16,), epochs=1, **params)
    with pytest.raises(ValueError, match=message):
        ae.validate_for(digits.x_train)
    with pytest.raises(ValueError, match=message):
        ae.fit(digits.x_train)


def test_the_spec_refuses_pretraining_with_a_non_logistic_activation():
    with pytest.raises(ValueError, match="needs the sigmoid activation; got 'relu'"):
        SPEC.replace(activation="relu")
    assert Autoencoder(activation="relu", rbm_epochs=1).to_spec().activation == "sigmoid"


def test_a_diverging_pretraining_is_a_value_error_naming_the_rbm(digits, monkeypatch):
    monkeypatch.setattr("aecore.rbm.LINEAR_LEARNING_RATE", 2.0)  # 4 times too large
    with pytest.raises(ValueError, match="RBM pretraining diverged in RBM 1 of 1"):
        pretrain(digits.x_train, (2,), 5)  # the code straight on the pixels
