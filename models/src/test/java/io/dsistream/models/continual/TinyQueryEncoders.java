package io.dsistream.models.continual;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.dsistream.models.adapters.AdapterKind;
import io.dsistream.models.adapters.AdapterOptions;
import io.dsistream.models.adapters.EncoderAdapters;
import io.dsistream.models.encoder.BertConfig;
import io.dsistream.models.encoder.BertEncoderBlock;
import io.dsistream.models.encoder.Pooling;

import java.util.ArrayList;
import java.util.List;

/**
 * A tiny random BERT (2 layers, H = 16, 30 word pieces, 16 positions) with a word-hashing tokenizer, as a query side
 * for continual rounds in unit tests.
 */
final class TinyQueryEncoders {

    static final int H = 16;
    static final BertConfig TINY = new BertConfig(2, H, 2, 32, 30, 16, 2, 1e-12f);
    static final long PAD = 0;
    static final long CLS = 1;
    static final long SEP = 2;

    private TinyQueryEncoders() {
    }

    static BertEncoderBlock block(NDManager manager, long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        BertEncoderBlock block = new BertEncoderBlock(TINY);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 4), new Shape(1, 4));
        return block;
    }

    /** [CLS], one piece per word (3 + hash mod 27), [SEP]. */
    static long[] tokenize(String text) {
        List<Long> ids = new ArrayList<>();
        ids.add(CLS);
        for (String word : text.toLowerCase(java.util.Locale.ROOT).split("\\W+")) {
            if (!word.isEmpty()) {
                ids.add(3L + Math.floorMod(word.hashCode(), 27));
            }
        }
        ids.add(SEP);
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** The tiny BERT with LoRA (r = 4) on Q, K, V and the attention output, named as base encoder "minilm". */
    static AdaptedQueryEncoder withLora(NDManager manager, long seed) {
        BertEncoderBlock block = block(manager, seed);
        EncoderAdapters lora = EncoderAdapters.attach(block, manager,
                AdapterOptions.builder(AdapterKind.LORA).optRank(4).build(), "minilm");
        return new AdaptedQueryEncoder(block, lora, Pooling.MEAN, TinyQueryEncoders::tokenize, PAD, SEP);
    }

    /** The tiny BERT, frozen. */
    static AdaptedQueryEncoder frozen(NDManager manager, long seed) {
        return new AdaptedQueryEncoder(block(manager, seed), null, Pooling.MEAN, TinyQueryEncoders::tokenize, PAD,
                SEP);
    }
}
