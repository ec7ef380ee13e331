/**
 * Model bundles and the model registry: a bundle is a directory {@code <registry>/<name>/v<N>/} holding
 * {@code manifest.json} (what the model is, its parent version, what it was trained on and how well it did) beside
 * its weight files. Operators load the version named in their state; a newer version is published as a new
 * directory, atomically ({@link io.dsistream.models.bundle.ModelRegistry#publish}), and
 * {@link io.dsistream.models.bundle.ModelRegistry#latestDirectory} finds the newest.
 * {@link io.dsistream.models.bundle.IdModelBundle} writes and loads a generative-retrieval bundle (quantizer,
 * decoder, stored assignments, and for continually trained versions the encoder adapter over the named base
 * encoder) and checks it against its manifest.
 */
package io.dsistream.models.bundle;
