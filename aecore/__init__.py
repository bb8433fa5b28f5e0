"""aecore: the modelling library behind Autoencoder Lab.

It never imports streamlit, and importing the package imports no TensorFlow: the modules that
need Keras (``models``, ``training``, ``vae``) import it themselves, so light pages open fast.
"""
