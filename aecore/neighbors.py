"""The neighbour-preserving autoencoder: reconstruction loss + w · UMAP's loss on the code.

The training images' fuzzy neighbour graph (UMAP's fuzzy simplicial set, McInnes et al. 2018)
says how strongly each pair of images are neighbours; the neighbour loss is the cross-entropy
between those memberships and the codes' similarities q = 1 / (1 + a·d^(2b)), estimated on
sampled edges with negative sampling, as Parametric UMAP adds it to an autoencoder (Sainburg,
McInnes & Gentner 2021). So near neighbours in pixel space get near codes, and the decoder still
rebuilds the images.

Why our own training step rather than umap-learn's ``ParametricUMAP(parametric_reconstruction=
True, autoencoder_loss=True)``: that runs with the pinned Keras 3, but it cannot train the way
every model here trains. Its ``fit`` walks UMAP's edge list (each edge repeated in proportion to
its weight over 200 UMAP epochs), not the images, so its Keras epochs are slices of that list: one
fit of the 8×8 digits took 180 s here with nothing like an epoch over the images to draw; its
``UMAPModel`` has no ``get_config``, so it cannot be saved as a ``.keras`` file, which the worker
process and the run store need; and its loop bypasses the engine's seeded batch order, held-out
validation, input noise and learning-rate decay. So the graph comes from umap-learn
(``fuzzy_simplicial_set``, ``find_ab_params``) and the loss is ours, in a custom ``train_step``
that :func:`aecore.training.train` drives like any other model.

The second neighbour loss, ``"embedding"``, pulls each training image's code towards its place
in UMAP's own map of the training images (the squared distance, on standardised coordinates):
umap-learn's ``ParametricUMAP`` offers the same as its landmark loss, to keep a parametric map
where a fitted one put the points. On the MNIST sample it generalises better to unseen images
than the graph loss (``bench.quality``), since each image gets one fixed target instead of
sampled pulls and pushes.

Importing this module imports Keras and TensorFlow; umap-learn (which imports numba) only when a
graph is built.

References
----------
.. [1] L. McInnes, J. Healy and J. Melville, "UMAP: Uniform Manifold Approximation and
   Projection for Dimension Reduction", arXiv:1802.03426, 2018.
.. [2] T. Sainburg, L. McInnes and T. Q. Gentner, "Parametric UMAP Embeddings for Representation
   and Semisupervised Learning", Neural Computation 33(11), 2021.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from scipy import sparse

from aecore.models import KERAS_LOSSES, Network
from aecore.spec import AESpec

PACKAGE = "aecore"
N_NEIGHBORS = 15  # UMAP's default neighbourhood size
NEGATIVE_SAMPLE_RATE = 5  # UMAP's default: non-neighbours pushed apart per neighbour pulled
EDGES_PER_IMAGE = 16  # graph edges sampled per image of a batch (bench.quality; see train_step)
EXACT_NEIGHBORS_BELOW = 4096  # UMAP's own rule: exact k-NN below this many points, NN-descent above
EPS = 1e-3  # added to squared code distances, as in UMAP's repulsive gradient (0.001 + d²)


def fuzzy_neighbor_graph(x: np.ndarray, n_neighbors: int = N_NEIGHBORS,
                         seed: int = 0) -> sparse.coo_matrix:
    """UMAP's fuzzy neighbour graph of the rows of ``x``: membership strengths in [0, 1].

    Each point's ``n_neighbors`` nearest neighbours (itself included, Euclidean; exact through
    scikit-learn below :data:`EXACT_NEIGHBORS_BELOW` points, else umap-learn's NN-descent)
    become fuzzy memberships with umap-learn's ``fuzzy_simplicial_set`` (local connectivity 1,
    fuzzy union). Edges weaker than 1/200 of the strongest are dropped, as UMAP and Parametric
    UMAP do before sampling them.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
        The points, e.g. flattened images with pixels in [0, 1]; n_samples ≥ 2.
    n_neighbors : int, default=15
        Neighbourhood size, the point itself included; capped at n_samples.
    seed : int, default=0
        ``random_state`` of NN-descent (used for large data only).

    Returns
    -------
    scipy.sparse.coo_matrix of shape (n_samples, n_samples)
        Symmetric; entry (i, j) is the membership of the edge i–j, no entries on the diagonal.
    """
    from sklearn.neighbors import NearestNeighbors
    from umap.umap_ import fuzzy_simplicial_set

    k = min(n_neighbors, len(x))
    knn_dists = knn_indices = None
    if len(x) < EXACT_NEIGHBORS_BELOW:
        knn_dists, knn_indices = NearestNeighbors(n_neighbors=k).fit(x).kneighbors(x)
    graph, _, _ = fuzzy_simplicial_set(x, k, np.random.RandomState(seed), "euclidean",
                                       knn_indices=knn_indices, knn_dists=knn_dists)
    graph = graph.tocoo()
    keep = graph.data >= graph.data.max() / 200
    return sparse.coo_matrix((graph.data[keep], (graph.row[keep], graph.col[keep])),
                             shape=graph.shape)


def umap_curve(min_dist: float = 0.1, spread: float = 1.0) -> tuple[float, float]:
    """UMAP's a and b: q = 1 / (1 + a·d^(2b)) fitted to its target similarity curve.

    Parameters
    ----------
    min_dist : float, default=0.1
        UMAP's ``min_dist``: how tightly codes may pack.
    spread : float, default=1.0
        UMAP's ``spread``: the scale of the curve.

    Returns
    -------
    a, b : float
        About 1.577 and 0.895 for the defaults (umap-learn's ``find_ab_params``).
    """
    from umap.umap_ import find_ab_params

    a, b = find_ab_params(spread, min_dist)
    return float(a), float(b)


def umap_cross_entropy(codes_from, codes_to, memberships, a: float, b: float):
    """Mean fuzzy cross-entropy between graph memberships and code similarities, over pairs.

    For each pair, −[p·log q + (1 − p)·log(1 − q)] with q = 1 / (1 + a·(d² + ε)^b), d the
    Euclidean distance between the two codes and ε = :data:`EPS` (McInnes et al. 2018, Sec. 3;
    Sainburg et al. 2021): neighbours (p = 1) are pulled together, non-neighbours (p = 0)
    pushed apart. ε is UMAP's own: it keeps log(1 − q) and its gradient finite when two codes
    coincide, so codes that start out bunched together still push apart (a floor on 1 − q
    instead, as Parametric UMAP's, leaves them no gradient at all).

    Parameters
    ----------
    codes_from, codes_to : tensor or ndarray of shape (n_pairs, code_size)
        The codes of each pair's two points.
    memberships : tensor or ndarray of shape (n_pairs,)
        The pairs' memberships p in [0, 1].
    a, b : float
        The similarity curve's parameters (:func:`umap_curve`).

    Returns
    -------
    scalar tensor
        The mean over pairs, in nats.
    """
    squared = keras.ops.sum(keras.ops.square(codes_from - codes_to), axis=-1) + EPS
    s = a * keras.ops.power(squared, b)  # a·d^(2b), with d² floored
    log_q, log_not_q = -keras.ops.log1p(s), keras.ops.log(s) - keras.ops.log1p(s)
    p = keras.ops.cast(memberships, log_q.dtype)
    return keras.ops.mean(-(p * log_q + (1 - p) * log_not_q))


@keras.saving.register_keras_serializable(package=PACKAGE)
class NeighborAutoencoder(keras.Model):
    """An autoencoder trained on reconstruction loss + w · a neighbour loss on its codes:
    :func:`umap_cross_entropy` on sampled graph edges (``target="graph"``), or the squared
    distance to UMAP's map of the training images (``target="embedding"``).

    ``call`` is the plain autoencoder, decoder(encoder(x)), so inference, validation and a
    ``.keras`` file behave as for any autoencoder. Each training step (:meth:`train_step`) takes
    the engine's batch of B images for the reconstruction loss and draws
    E = :data:`EDGES_PER_IMAGE` · B edges of the training graph (with probability proportional
    to their membership, as UMAP samples them) for the neighbour loss: each edge's two codes form
    a pair with p = 1, and each edge's first code with :data:`NEGATIVE_SAMPLE_RATE` codes drawn
    at random from the edges' second ones forms pairs with p = 0 (Parametric UMAP's negative
    sampling). With ``target="embedding"`` it draws B training images instead, and the loss is
    the mean squared distance of their codes to their places in UMAP's map (:meth:`set_map`).
    The batch and the sampled images go through the encoder together, input noise included.
    The graph or map is given by :meth:`set_graph` or :meth:`set_map` and is not saved.

    Parameters
    ----------
    encoder, decoder : keras.Model
        Images → codes, and codes → images in [0, 1].
    loss : {"bce", "mse"}, default="bce"
        The reconstruction loss, a mean over features as Keras' losses.
    neighbor_weight : float, default=1.0
        w.
    a, b : float, default=1.0, 1.0
        The similarity curve's parameters (:func:`umap_curve`).
    seed : int or None, default=None
        Seed of the edge, negative and image sampling.
    target : {"graph", "embedding"}, default="graph"
        The neighbour loss.
    **kwargs
        Passed to ``keras.Model``.
    """

    def __init__(self, encoder: keras.Model, decoder: keras.Model, loss: str = "bce",
                 neighbor_weight: float = 1.0, a: float = 1.0, b: float = 1.0,
                 seed: int | None = None, target: str = "graph", **kwargs) -> None:
        super().__init__(**kwargs)
        self.encoder, self.decoder = encoder, decoder
        self.loss_name, self.neighbor_weight, self.a, self.b = loss, neighbor_weight, a, b
        self.seed, self.target = seed, target
        self.reconstruction = keras.losses.get(KERAS_LOSSES[loss])
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.trackers = {n: keras.metrics.Mean(name=n)
                         for n in ("loss", "reconstruction", "neighbor")}
        self.built = True  # its parts are built functional models; nothing is left to build

    def set_graph(self, x: np.ndarray, graph: sparse.coo_matrix) -> None:
        """Give the model the training inputs and their graph, which :meth:`train_step` samples.

        Parameters
        ----------
        x : ndarray of shape (n_samples, n_features)
            The model inputs the graph's rows and columns index (float32).
        graph : scipy.sparse.coo_matrix of shape (n_samples, n_samples)
            Memberships (:func:`fuzzy_neighbor_graph`), at least one edge.
        """
        weights = graph.data.astype("float64")
        self._points = tf.constant(x)
        self._heads = tf.constant(graph.row.astype("int64"))
        self._tails = tf.constant(graph.col.astype("int64"))
        # inverse-CDF sampling of edges by weight: O(log n_edges) per draw
        self._cdf = tf.constant((np.cumsum(weights) / weights.sum()).astype("float32"))

    def set_map(self, x: np.ndarray, places: np.ndarray) -> None:
        """Give the model the training inputs and their places in UMAP's map, which
        :meth:`train_step` samples for ``target="embedding"``.

        Parameters
        ----------
        x : ndarray of shape (n_samples, n_features)
            The model inputs (float32).
        places : ndarray of shape (n_samples, code_size)
            Each input's target code (:func:`umap_places`).
        """
        self._points = tf.constant(x)
        self._places = tf.constant(places.astype("float32"))

    def call(self, inputs, training=False):
        """The reconstruction of ``inputs``, shape (batch, n_features)."""
        return self.decoder(self.encoder(inputs, training=training), training=training)

    def _sampled_pairs(self, n):
        """Indices of n edges' two ends, drawn by weight, and (into those n) of the
        :data:`NEGATIVE_SAMPLE_RATE` · n negative partners."""
        u = keras.random.uniform((n,), seed=self.seed_generator)
        edges = tf.minimum(tf.searchsorted(self._cdf, u, side="right"),
                           tf.size(self._cdf, out_type=tf.int32) - 1)
        negatives = keras.random.randint((n * NEGATIVE_SAMPLE_RATE,), 0, n,
                                         seed=self.seed_generator)
        return tf.gather(self._heads, edges), tf.gather(self._tails, edges), negatives

    def _graph_term(self, n):
        """The images of n · :data:`EDGES_PER_IMAGE` sampled edges (heads, then tails) and the
        UMAP cross-entropy of their codes."""
        m = n * EDGES_PER_IMAGE
        heads, tails, negatives = self._sampled_pairs(m)

        def loss(codes):
            code_heads, code_tails = codes[:m], codes[m:]
            return umap_cross_entropy(
                tf.concat([code_heads, tf.repeat(code_heads, NEGATIVE_SAMPLE_RATE, axis=0)], 0),
                tf.concat([code_tails, tf.gather(code_tails, negatives)], 0),
                tf.concat([tf.ones(m), tf.zeros(m * NEGATIVE_SAMPLE_RATE)], 0), self.a, self.b)
        return tf.gather(self._points, tf.concat([heads, tails], 0)), loss

    def _embedding_term(self, n):
        """n training images drawn at random and the mean squared distance of their codes to
        their places in UMAP's map."""
        rows = keras.random.randint((n,), 0, tf.shape(self._points)[0], seed=self.seed_generator)

        def loss(codes):
            return keras.ops.mean(keras.ops.sum(
                keras.ops.square(codes - tf.gather(self._places, rows)), axis=-1))
        return tf.gather(self._points, rows), loss

    def train_step(self, data):
        """One Adam step on reconstruction + w · neighbour loss; returns the three running means.

        ``data`` is (inputs, targets), batches of shape (B, n_features).
        """
        inputs, targets = data
        n = tf.shape(inputs)[0]
        sampled, neighbor_loss = (self._embedding_term(n) if self.target == "embedding"
                                  else self._graph_term(n))
        with tf.GradientTape() as tape:
            codes = self.encoder(tf.concat([inputs, sampled], axis=0), training=True)
            recon = keras.ops.mean(self.reconstruction(
                targets, self.decoder(codes[:n], training=True)))
            neighbor = neighbor_loss(codes[n:])
            total = recon + self.neighbor_weight * neighbor
        grads = tape.gradient(total, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights, strict=True))
        for name, value in (("loss", total), ("reconstruction", recon), ("neighbor", neighbor)):
            self.trackers[name].update_state(value)
        return {name: t.result() for name, t in self.trackers.items()}

    def test_step(self, data):
        """The reconstruction loss of a held-out batch (its neighbours are not in the graph)."""
        inputs, targets = data
        self.trackers["reconstruction"].update_state(
            keras.ops.mean(self.reconstruction(targets, self(inputs))))
        return {"reconstruction": self.trackers["reconstruction"].result()}

    @property
    def metrics(self):
        """The loss trackers, so that Keras resets them every epoch."""
        return list(self.trackers.values())

    def get_config(self) -> dict:
        """The config, with encoder and decoder serialised (the graph is not part of it)."""
        return {**super().get_config(), "loss": self.loss_name,
                "neighbor_weight": self.neighbor_weight, "a": self.a, "b": self.b,
                "seed": self.seed, "target": self.target,
                "encoder": keras.saving.serialize_keras_object(self.encoder),
                "decoder": keras.saving.serialize_keras_object(self.decoder)}

    @classmethod
    def from_config(cls, config: dict) -> NeighborAutoencoder:
        """Rebuild from :meth:`get_config`'s output, deserialising encoder and decoder."""
        config = dict(config)
        for part in ("encoder", "decoder"):
            config[part] = keras.saving.deserialize_keras_object(config[part])
        return cls(**config)


def neighbor_network(net: Network, spec: AESpec, x: np.ndarray) -> Network:
    """``net``'s encoder and decoder as a :class:`NeighborAutoencoder` that trains on ``x``.

    Parameters
    ----------
    net : aecore.models.Network
        A dense autoencoder built from ``spec`` (:func:`aecore.models.build_dense_autoencoder`).
    spec : aecore.spec.AESpec
        Its hyperparameters; ``spec.neighbor_weight`` > 0.
    x : ndarray of shape (n_samples, n_features)
        The model inputs it will be trained on (n_samples ≥ 2, or ≥ 3 for the embedding loss);
        their graph is :func:`fuzzy_neighbor_graph`, or their map :func:`umap_places`, with
        ``spec.seed``.

    Returns
    -------
    aecore.models.Network
        The compiled model (Adam at ``spec.learning_rate``) and the same encoder and decoder.
    """
    a, b = umap_curve()
    model = NeighborAutoencoder(net.encoder, net.decoder, spec.loss, spec.neighbor_weight, a, b,
                                seed=spec.seed, target=spec.neighbor_loss, name="autoencoder")
    model.compile(optimizer=keras.optimizers.Adam(spec.learning_rate))
    if spec.neighbor_loss == "embedding":
        model.set_map(x, umap_places(x, spec.code_size, spec.seed))
    else:
        model.set_graph(x, fuzzy_neighbor_graph(x, seed=spec.seed))
    return Network(model, net.encoder, net.decoder)


NEIGHBOR_STAGES = {  # what is made before the first epoch, for the progress text
    "embedding": "Fitting UMAP's map of the training data (the neighbour loss's target)",
    "graph": "Building the training data's neighbour graph (UMAP's fuzzy graph)"}


def umap_places(x: np.ndarray, n_components: int = 2, seed: int = 0) -> np.ndarray:
    """UMAP's map of ``x`` (:func:`aecore.embed.umap_embedding`), each axis standardised to
    mean 0 and standard deviation 1, as targets for the codes (a scale the reconstruction loss
    can share; a constant axis stays 0).

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_features)
        The training inputs, n_samples ≥ 3.
    n_components : int, default=2
        The code size.
    seed : int, default=0
        UMAP's ``random_state``.

    Returns
    -------
    ndarray of shape (n_samples, n_components), float32
    """
    from aecore.embed import umap_embedding

    places = umap_embedding(x, n_components, seed)
    spread = places.std(axis=0)
    return ((places - places.mean(axis=0)) / np.where(spread > 0, spread, 1)).astype("float32")
