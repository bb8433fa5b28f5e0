"""A page's training in a process of its own (aecore.worker): same run, live events, Stop,
errors and interruptions come back as if it had trained here."""

import numpy as np
import pytest
from sklearn.base import clone

from aecore import Autoencoder, ReconstructionDetector
from aecore.anomaly import image_setup
from aecore.events import StageEvent
from aecore.results import AnomalyResult, DenoisingResult, ReductionResult
from aecore.worker import fit_in_worker

TINY = Autoencoder(code_size=2, hidden_layers=(16,), epochs=2, batch_size=32, seed=3)


def test_a_worker_trains_the_same_run_as_this_process_and_streams_each_epoch(digits):
    here = ReductionResult(clone(TINY), digits, 600)
    here.fit()
    there = ReductionResult(clone(TINY), digits, 600)
    events = []
    fit_in_worker(there, on_epoch=lambda event, view: events.append((event, view)))
    assert there.estimator.history_ == here.estimator.history_  # bit for bit
    assert [e.epoch for e, _ in events] == [1, 2] and all(v is None for _, v in events)
    assert events[-1][0].frame.shape == (len(here.evaluation[0]), 2)
    assert there.estimator.log_.events[-1].frame is not None  # the replay keeps its frames
    np.testing.assert_allclose(there.estimator.transform(digits.x_test[:5]),
                               here.estimator.transform(digits.x_test[:5]), rtol=1e-5)
    assert there.estimator.status_ == "finished"


def test_live_views_are_computed_in_the_worker(digits):
    denoising = DenoisingResult(clone(TINY).set_params(epochs=1), digits, 300)
    views = []
    fit_in_worker(denoising, on_epoch=lambda event, view: views.append(view))
    assert views[0].shape == (8, 64) and 0 <= views[0].min() <= views[0].max() <= 1

    setup = image_setup(digits, "one-class", 3, 0.0)
    detector = ReconstructionDetector(hidden_layers=(16,), code_size=4, epochs=1,
                                      batch_size=32, image_shape=(8, 8))
    anomaly = AnomalyResult(detector, digits, 0, setup, "one-class", 3, 0.0)
    fit_in_worker(anomaly, on_epoch=lambda event, view: views.append(view))
    assert views[1].shape == (len(setup.x_val),)
    assert detector.threshold_ > 0 and detector.predict(setup.x_test).shape == setup.y_test.shape


def test_stop_keeps_the_model_trained_so_far(digits):
    result = ReductionResult(clone(TINY).set_params(epochs=200), digits, 600)
    events = []
    fit_in_worker(result, on_epoch=lambda event, view: events.append(event),
                  should_stop=lambda: len(events) >= 2)
    assert result.estimator.status_ == "stopped"
    assert 2 <= result.estimator.log_.epochs_done < 200
    assert result.estimator.transform(digits.x_test[:3]).shape == (3, 2)


def test_an_exception_from_the_live_callback_stops_the_worker_and_keeps_the_model(digits):
    class Interrupted(BaseException):  # like Streamlit's rerun, not an Exception
        pass

    def interrupt(event, view):
        if event.epoch == 2:
            raise Interrupted

    result = ReductionResult(clone(TINY).set_params(epochs=200), digits, 600)
    with pytest.raises(Interrupted):
        fit_in_worker(result, on_epoch=interrupt)
    assert result.estimator.status_ == "stopped"
    assert result.estimator.log_.epochs_done >= 2
    assert result.estimator.transform(digits.x_test[:3]).shape == (3, 2)


def test_an_error_in_the_worker_is_raised_here_with_its_message(digits):
    result = ReductionResult(clone(TINY).set_params(code_size=64, hidden_layers=(64,)),
                             digits, 300)
    with pytest.raises(ValueError, match="smaller than the input size"):
        fit_in_worker(result)


class _CrashingResult(ReductionResult):
    """A result whose fit dies the way a TensorFlow crash would: by a signal, in the worker."""

    def fit(self, on_epoch=None, should_stop=None) -> None:
        import os
        import signal

        os.kill(os.getpid(), signal.SIGSEGV)


def test_a_crash_in_the_worker_is_an_error_here_not_a_dead_process(digits):
    result = _CrashingResult(clone(TINY), digits, 300)
    with pytest.raises(RuntimeError, match="crashed"):
        fit_in_worker(result)
    assert result.estimator.status_ == "stopped"  # and this process goes on


class _PidResult(ReductionResult):
    """A result whose live view is the pid of the process that trains it."""

    def live_view(self) -> int:
        import os

        return os.getpid()


def test_a_worker_serves_the_next_training_and_repeats_the_seed(digits):
    pids, histories = [], []
    for _ in range(2):
        result = _PidResult(clone(TINY).set_params(epochs=1), digits, 300)
        fit_in_worker(result, on_epoch=lambda event, pid: pids.append(pid))
        histories.append(result.estimator.history_)
    assert pids[0] == pids[1], "the second training started another TensorFlow process"
    assert histories[0] == histories[1]


def test_a_stop_requested_before_the_worker_starts_training_is_kept(digits):
    """A Stop may reach a worker still importing TensorFlow, before its job begins."""
    result = ReductionResult(clone(TINY).set_params(epochs=500, batch_size=1), digits, 600)
    fit_in_worker(result, should_stop=lambda: True)
    assert result.estimator.status_ == "stopped"
    assert result.estimator.log_.epochs_done == 0


def test_pretraining_progress_comes_before_the_epochs_and_without_a_live_view(digits):
    result = _PidResult(clone(TINY).set_params(epochs=1, rbm_epochs=1), digits, 300)
    events = []
    fit_in_worker(result, on_epoch=lambda event, view: events.append((event, view)))
    stages = [(e, v) for e, v in events if isinstance(e, StageEvent)]
    assert [e.text for e, _ in stages] == [
        "Pretraining RBM 1 of 2, epoch 0/1", "Pretraining RBM 1 of 2, epoch 1/1",
        "Pretraining RBM 2 of 2, epoch 0/1", "Pretraining RBM 2 of 2, epoch 1/1"]
    assert all(view is None for _, view in stages)
    assert events[len(stages):] == [(result.estimator.log_.events[0], events[-1][1])]
    assert isinstance(events[-1][1], int)  # an epoch's live view, computed in the worker
    assert result.estimator.status_ == "finished"


def test_stop_ends_the_pretraining(digits):
    result = ReductionResult(clone(TINY).set_params(hidden_layers=(1024, 512), rbm_epochs=200),
                             digits, len(digits.x_train))
    stages = []
    fit_in_worker(result, on_epoch=lambda event, view: stages.append(event),
                  should_stop=lambda: len(stages) >= 2)
    assert result.estimator.status_ == "stopped" and result.estimator.log_.epochs_done == 0
    assert all(isinstance(e, StageEvent) for e in stages)
    assert stages[-1].fraction < 0.5
