/** The jobs, their options and Kafka wiring, the {@code dsi} command line and the evaluation runner. */
package io.dsistream.pipelines;
