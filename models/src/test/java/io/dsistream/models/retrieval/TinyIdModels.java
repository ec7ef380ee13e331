package io.dsistream.models.retrieval;

import ai.djl.ndarray.NDManager;
import io.dsistream.models.asi.QuantizerKind;
import io.dsistream.models.asi.QuantizerOptions;
import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.decoder.DecoderOptions;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.eval.CorpusVectors;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.SemanticId;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A seeded tiny ASI model for tests: 12 documents of dimension H in a 2 × 4 ID space, 1-layer decoder of width 16. */
public final class TinyIdModels {

    public static final IdVocabulary VOCABULARY = new IdVocabulary(2, 4);
    public static final int DOCUMENTS = 12;

    private TinyIdModels() {
    }

    public static DecoderOptions decoderOptions(int memoryWidth) {
        return new DecoderOptions(VOCABULARY, 1, 16, 2, 32, 0f, memoryWidth, true);
    }

    /** Documents d0..d11 with seeded unit vectors. */
    public static CorpusVectors corpus(int dimension) {
        Random random = new Random(7);
        List<String> ids = new ArrayList<>();
        float[] vectors = new float[DOCUMENTS * dimension];
        for (int d = 0; d < DOCUMENTS; d++) {
            ids.add("d" + d);
            double norm = 0;
            for (int j = 0; j < dimension; j++) {
                vectors[d * dimension + j] = (float) random.nextGaussian();
                norm += vectors[d * dimension + j] * vectors[d * dimension + j];
            }
            for (int j = 0; j < dimension; j++) {
                vectors[d * dimension + j] /= (float) Math.sqrt(norm);
            }
        }
        return new CorpusVectors(ids, dimension, vectors);
    }

    /** The model: an MLP quantizer (seed 3), a decoder (seed 5), IDs from the quantizer. */
    public static IdModel model(NDManager manager, CorpusVectors corpus) {
        QuantizerOptions options = QuantizerOptions.defaults(corpus.dimension()).withKind(QuantizerKind.MLP)
                .withShape(VOCABULARY.maxLength(), VOCABULARY.codesPerPosition()).withHiddenSize(8).withSeed(3);
        SemanticQuantizer quantizer = SemanticQuantizer.create(manager, options, null);
        IdDecoder decoder = IdDecoder.create(decoderOptions(corpus.dimension()), manager, 5L);
        float[][] rows = new float[corpus.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = corpus.vector(i);
        }
        int[][] codes = quantizer.assign(rows);
        Map<String, SemanticId> assignments = new LinkedHashMap<>();
        for (int d = 0; d < rows.length; d++) {
            assignments.put(corpus.docIds().get(d), SemanticId.of(codes[d]));
        }
        return new IdModel("asi", quantizer, decoder, assignments, true);
    }
}
