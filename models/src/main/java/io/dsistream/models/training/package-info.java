/**
 * Training of the generative retriever with a frozen encoder: training pairs from qrels, self-supervised pairs
 * (NAIL §4.1: independent cropping, inverse cloze) and DSI's indexing task
 * ({@link io.dsistream.models.training.TrainingData}); token states and pooled vectors computed once
 * ({@link io.dsistream.models.training.EncodedTexts}, cached on disk); the ASI++ trainer
 * ({@link io.dsistream.models.training.AsiTrainer}: quantizer and decoder trained jointly, eq. 1–9) and the DSI
 * trainer ({@link io.dsistream.models.training.DsiTrainer}: decoder only, fixed semantic/naive/atomic IDs).
 */
package io.dsistream.models.training;
