/**
 * The Kafka wire formats and keyed-state types of dsi-stream.
 *
 * <p>Input records ({@link io.dsistream.schemas.DocumentRecord}, {@link io.dsistream.schemas.QueryRecord},
 * {@link io.dsistream.schemas.FeedbackRecord}) come in through their parsers, which never throw on bad input:
 * they return a {@link io.dsistream.schemas.ParseOutcome} holding either the record or a
 * {@link io.dsistream.schemas.RejectReason} with a message naming the field. Output records
 * ({@link io.dsistream.schemas.AssignmentRecord}, {@link io.dsistream.schemas.DeadLetterRecord},
 * {@link io.dsistream.schemas.EnrichedQueryRecord}) are written by {@link io.dsistream.schemas.WireJson}, the
 * one JSON configuration of the project. Limits live in {@link io.dsistream.schemas.WireLimits}.
 *
 * <p>Every record is a Flink POJO (public fields, public no-arg constructor, arrays instead of lists) so
 * Flink's {@code PojoSerializer} carries it without Kryo and state holding it can gain fields later.
 * Depends on flink-core and jackson only.
 */
package io.dsistream.schemas;
