/**
 * Parameter-efficient fine-tuning of the encoder (DSI + PEFT report, Borgi et al.): LoRA-family adapters that take
 * the place of the encoder's Linear projections, dynamic pruning, the adapter file, and the contrastive
 * dense-retriever fine-tuning loop that compares them.
 *
 * <ul>
 *   <li>{@link io.dsistream.models.adapters.AdaptedLinear} — frozen {@code W x + b} plus a trainable update; merge
 *       and unmerge. Kinds: {@link io.dsistream.models.adapters.LoraLinear},
 *       {@link io.dsistream.models.adapters.QLoraLinear} (base held as {@link io.dsistream.models.adapters.Nf4Tensor};
 *       QLoRA also swaps the word and position tables for {@link io.dsistream.models.adapters.Nf4EmbeddingTable}s),
 *       {@link io.dsistream.models.adapters.AdaLoraLinear} (rank budget by
 *       {@link io.dsistream.models.adapters.AdaLoraBudget}), {@link io.dsistream.models.adapters.ConvLoraLinear}.</li>
 *   <li>{@link io.dsistream.models.adapters.AdapterOptions} — kind and hyper-parameters (report defaults r = 8,
 *       α = 32, dropout 0.1 on Q, K, V and the attention output).</li>
 *   <li>{@link io.dsistream.models.adapters.EncoderAdapters} — attaches adapters to an encoder, lists what trains,
 *       merges for serving, saves and loads the adapter alone ({@link io.dsistream.models.adapters.AdapterFile}).</li>
 *   <li>{@link io.dsistream.models.adapters.DynamicPruning} — magnitude (or |w·grad|) pruning with a cubic
 *       sparsity schedule.</li>
 *   <li>{@link io.dsistream.models.adapters.DenseRetrieverFineTuner} — in-batch contrastive fine-tuning on qrels
 *       pairs ({@link io.dsistream.models.adapters.TrainingPairs}) with a
 *       {@link io.dsistream.models.adapters.FineTuningTechnique}; {@code dsi bench adapters} runs them all.</li>
 * </ul>
 */
package io.dsistream.models.adapters;
