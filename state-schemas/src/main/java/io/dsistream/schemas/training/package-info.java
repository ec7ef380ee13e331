/**
 * Records the job's trainer reads (Flink POJOs, never on a topic): {@link io.dsistream.schemas.training.TrainerEvent}.
 */
package io.dsistream.schemas.training;
