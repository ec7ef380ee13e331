/**
 * The ID decoder: a small transformer decoder, trained from scratch, that reads the encoder's token states of a
 * query (or of a document's first tokens, DSI's indexing task) and generates its document ID one position-specific
 * code token at a time (DSI §3; ASI++ §2.2, eq. 2). {@link io.dsistream.models.decoder.IdDecoder} is the block and
 * its entry points (teacher-forced logits, a {@link io.dsistream.models.ids.NextTokenScorer} for beam search,
 * save/load); {@link io.dsistream.models.decoder.TeacherForcing} builds its training inputs and the PAD-masked
 * cross-entropy; {@link io.dsistream.models.decoder.DecoderOptions} is its JSON-serialisable shape.
 */
package io.dsistream.models.decoder;
