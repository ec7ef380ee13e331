/**
 * Continual DSI updates (DSI++ protocol; ASI++ losses): what a trainer needs to keep a generative index learning as
 * the corpus changes, with no streaming runtime in sight, so the same classes serve a Flink operator, the offline
 * benchmark and unit tests.
 *
 * <ul>
 *   <li>{@link io.dsistream.models.continual.ReplayBuffer} — reservoir sample over every document seen plus a
 *       window of the most recent ones, seeded; {@link io.dsistream.models.continual.ReplayBufferSnapshot} is its
 *       state as plain data (for operator state) and bytes.</li>
 *   <li>{@link io.dsistream.models.continual.ContinualRound} — one fine-tuning round of the encoder's adapters
 *       (through a {@link io.dsistream.models.continual.QuerySideEncoder}), the ID decoder and the quantizer on
 *       new and replayed examples; stored IDs are the decoder's targets (stable IDs). Strategies
 *       {@link io.dsistream.models.continual.ContinualStrategy}; cancellable; reports progress.</li>
 *   <li>{@link io.dsistream.models.continual.PublishGate} — candidate versus current model on held-back pairs;
 *       publish only if not worse by more than a margin.</li>
 *   <li>{@link io.dsistream.models.continual.IdDrift} — share of sampled documents whose current quantizer ID
 *       differs from their stored ID; {@link io.dsistream.models.continual.GenerationTrigger} — when drift (or a
 *       balance alert) calls for a new index generation; {@link io.dsistream.models.continual.BuildProgress} —
 *       when a generation's build is complete.</li>
 *   <li>{@link io.dsistream.models.continual.DsiPlusPlusProtocol} — the offline DSI++ benchmark on a BEIR corpus
 *       (initial 60% plus four 10% increments; none / naive / replay).</li>
 * </ul>
 */
package io.dsistream.models.continual;
