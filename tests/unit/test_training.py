import keras
import numpy as np
import pytest

from aecore.models import build_dense_autoencoder
from aecore.recipe import dimensionality_reduction_code
from aecore.spec import AESpec
from aecore.training import TrainingRun, cosine_learning_rate

TINY = AESpec(code_size=2, hidden_layers=(32, 16), epochs=3, batch_size=32, seed=1)


def test_built_shapes_follow_the_spec():
    net = build_dense_autoencoder(AESpec(code_size=3, hidden_layers=(40, 20)), 64)
    assert net.encoder.output_shape == (None, 3)
    assert net.model.output_shape == (None, 64)
    dense = [layer.units for layer in net.model.layers[1].layers + net.model.layers[2].layers
             if isinstance(layer, keras.layers.Dense)]
    assert dense == [40, 20, 3, 20, 40, 64]


def test_training_lowers_the_loss_and_emits_one_event_per_epoch(digits):
    events = []
    run = TrainingRun.create(TINY.replace(epochs=5), digits.x_train).fit(
        digits.x_train, validation_data=(digits.x_test, digits.x_test),
        probe=digits.x_test[:50], on_epoch=events.append)
    assert run.status == "finished"
    assert [e.epoch for e in events] == [1, 2, 3, 4, 5]
    assert run.history["loss"][-1] < run.history["loss"][0]
    assert run.history["val_loss"][-1] < run.history["val_loss"][0]
    assert events[-1].frame.shape == (50, 2)
    assert events[-1].elapsed >= events[0].elapsed > 0


def test_stop_ends_training_early_and_keeps_the_trained_weights(digits):
    run = TrainingRun.create(TINY.replace(epochs=50), digits.x_train)
    untrained = run.reconstruct(digits.x_test[:20])
    run.fit(digits.x_train, should_stop=lambda: run.epochs_done >= 2)
    assert run.status == "stopped" and run.epochs_done == 2
    assert not np.allclose(run.reconstruct(digits.x_test[:20]), untrained)


def test_an_interrupting_exception_still_leaves_a_stopped_run_with_its_history(digits):
    class Rerun(BaseException):
        """Like Streamlit's rerun: not an Exception."""

    def interrupt(event):
        if event.epoch == 2:
            raise Rerun

    run = TrainingRun.create(TINY.replace(epochs=10), digits.x_train)
    with pytest.raises(Rerun):
        run.fit(digits.x_train, on_epoch=interrupt)
    assert run.status == "stopped" and run.epochs_done == 2
    with pytest.raises(RuntimeError, match="create a new run"):
        run.fit(digits.x_train)


def test_cosine_decay_halves_the_rate_midway_and_ends_near_zero(digits):
    assert cosine_learning_rate(0.01, 0, 10) == pytest.approx(0.01)
    assert cosine_learning_rate(0.01, 5, 10) == pytest.approx(0.005)
    seen = []
    run = TrainingRun.create(TINY.replace(epochs=4, lr_decay=True), digits.x_train)
    run.fit(digits.x_train, on_epoch=lambda e: seen.append(
        float(run.net.model.optimizer.learning_rate)))
    assert seen == pytest.approx([cosine_learning_rate(TINY.learning_rate, e, 4)
                                  for e in range(4)])
    assert set(run.history) == {"loss"}  # the rate is not logged as a loss


def test_same_seed_same_result(digits):
    first = TrainingRun.create(TINY, digits.x_train).fit(digits.x_train)
    second = TrainingRun.create(TINY, digits.x_train).fit(digits.x_train)
    np.testing.assert_allclose(first.history["loss"], second.history["loss"], rtol=1e-5)


def test_reproduction_snippet_runs_and_prints_the_scores(capsys):
    spec = TINY.replace(epochs=1)
    exec(dimensionality_reduction_code("digits", spec, n_train=200), {})
    printed = capsys.readouterr().out
    assert "5-NN accuracy" in printed and "t-SNE" in printed


def test_input_noise_acts_in_training_only():
    net = build_dense_autoencoder(AESpec(hidden_layers=(16,), input_noise=0.5), 20)
    x = np.full((4, 20), 0.5, dtype="float32")
    inference = np.asarray(net.model(x, training=False))
    np.testing.assert_array_equal(inference, np.asarray(net.model(x, training=False)))
    assert not np.allclose(inference, np.asarray(net.model(x, training=True)))


def test_conv_autoencoder_shapes_and_depth_limits():
    from aecore.models import build_conv_autoencoder
    from aecore.spec import ConvSpec

    net = build_conv_autoencoder(ConvSpec(filters=8, depth=2), 784)
    assert net.model.output_shape == (None, 784)
    assert net.encoder.output_shape == (None, 7 * 7 * 16)
    assert ConvSpec(depth=3, batch_size=8).checked_for(np.zeros((10, 64))).depth == 3
    with pytest.raises(ValueError, match="at most 2"):
        ConvSpec(depth=3, batch_size=8).checked_for(np.zeros((10, 784)))
    with pytest.raises(ValueError, match="square images"):
        ConvSpec(batch_size=8).checked_for(np.zeros((10, 50)))


def test_conv_denoiser_trains_on_noisy_inputs_towards_clean_targets(digits):
    from aecore.noise import corrupt
    from aecore.spec import ConvSpec

    noisy = corrupt(digits.x_train, "gaussian", 0.3)
    run = TrainingRun.create(ConvSpec(filters=8, depth=1, epochs=3, batch_size=64),
                             noisy).fit(noisy, digits.x_train)
    assert run.history["loss"][-1] < run.history["loss"][0]
