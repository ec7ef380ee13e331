/**
 * The pretrained sentence encoders (MiniLM-L6, bge-small) as Hugging Face-compatible BERT blocks on DJL's
 * PyTorch engine, with their weights read from the FP32 ONNX files that Maven artifacts carry.
 *
 * <ul>
 *   <li>{@link io.dsistream.models.encoder.DjlOffline} — call first: keeps DJL offline, caches project-local.</li>
 *   <li>{@link io.dsistream.models.encoder.EncoderSpec} — which encoder: its artifact, pinned SHA-256s, shape,
 *       pooling; {@link io.dsistream.models.encoder.ModelArtifact} verifies each file.</li>
 *   <li>{@link io.dsistream.models.encoder.OnnxWeights} — ONNX initializers under Hugging Face names.</li>
 *   <li>{@link io.dsistream.models.encoder.BertEncoderBlock} and its parts ({@code BertEmbeddings} with its
 *       {@code BertEmbeddingTable}s, {@code BertLayer}, {@code BertAttention}, {@code BertSelfAttention},
 *       {@code BertIntermediate}, {@code BertOutput}, {@code BertLayerNorm}) — one DJL block per file, children
 *       named as in Hugging Face, replaceable by adapters through
 *       {@link io.dsistream.models.encoder.BertModule#replace}.</li>
 *   <li>{@link io.dsistream.models.encoder.TextEncoder} — sentence vectors, token states, tokenizer.</li>
 *   <li>{@link io.dsistream.models.encoder.EncoderBenchmark} — documents per second and memory per batch size.</li>
 * </ul>
 */
package io.dsistream.models.encoder;
