"""aecore: the modelling library behind Autoencoder Lab.

Autoencoders as scikit-learn estimators::

    from aecore import Autoencoder, load
    ae = Autoencoder(code_size=2, hidden_layers=(256, 64), epochs=20).fit(X_train)
    codes = ae.transform(X_test)            # (n_samples, 2)
    ae.save("my_ae")
    same = load("my_ae")

It never imports streamlit, and importing the package imports no TensorFlow: ``fit`` and
``load`` import it (~5 s) when they need it, so light pages open fast.
"""

from aecore.estimators import (
    Autoencoder,
    DivergedError,
    ReconstructionDetector,
    VariationalAutoencoder,
)
from aecore.persistence import load

__all__ = ["Autoencoder", "DivergedError", "ReconstructionDetector", "VariationalAutoencoder",
           "load"]
