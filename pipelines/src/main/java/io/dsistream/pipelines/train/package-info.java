/** The training runner behind {@code dsi train}: data, frozen-encoder caches, the trainer, the model bundle. */
package io.dsistream.pipelines.train;
