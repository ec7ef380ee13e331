/**
 * The job's continual trainer (issue 7): {@link io.dsistream.operators.training.ParseFeedback} reads the
 * {@code feedback} topic, {@link io.dsistream.operators.training.HealthAlerts} turns index-health alerts into
 * triggers, and {@link io.dsistream.operators.training.Trainer} keeps the replay buffer in checkpointed state, runs
 * rounds on its own thread and announces published versions on {@code model-updates}.
 */
package io.dsistream.operators.training;
