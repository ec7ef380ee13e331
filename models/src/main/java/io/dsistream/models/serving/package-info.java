/**
 * What a streaming operator calls to index a document, with no streaming runtime in sight: a
 * {@link io.dsistream.models.serving.BatchingWorker} that groups concurrent requests into one model pass, the
 * {@link io.dsistream.models.serving.ComputeGate} that runs one model pass at a time on the process's cores, queries
 * before documents, the
 * {@link io.dsistream.models.serving.IdAssigner} interface (embedding → semantic ID) and its quantizer-backed
 * implementation, and {@link io.dsistream.models.serving.IndexingBundle}, which opens a model bundle's encoder and
 * assigner, or bootstraps version 1 of one from k-means codebooks over a corpus's first documents.
 */
package io.dsistream.models.serving;
