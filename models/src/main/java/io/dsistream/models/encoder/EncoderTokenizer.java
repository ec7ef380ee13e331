package io.dsistream.models.encoder;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoder's word-piece tokenizer: a Hugging Face {@code tokenizer.json} loaded from a local file (never by hub
 * name), adding [CLS] … [SEP] and truncating to the encoder's maximum length, never padding (batches are padded
 * by {@link TokenBatch}). The truncation and padding written in the file itself (MiniLM's says 128, padded) are
 * overridden. Safe for concurrent use: the native tokenizer is immutable once built.
 */
public final class EncoderTokenizer implements AutoCloseable {

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Long> vocabulary;
    private final int maxLength;
    private final long padTokenId;
    private final long clsTokenId;
    private final long sepTokenId;
    private final long maskTokenId;
    private final long unknownTokenId;

    private EncoderTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Long> vocabulary, int maxLength) {
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.maxLength = maxLength;
        this.padTokenId = tokenId("[PAD]");
        this.clsTokenId = tokenId("[CLS]");
        this.sepTokenId = tokenId("[SEP]");
        this.maskTokenId = tokenId("[MASK]");
        this.unknownTokenId = tokenId("[UNK]");
    }

    /** Loads {@code tokenizer.json} from a file; texts are cut to {@code maxLength} tokens with [CLS] and [SEP]. */
    public static EncoderTokenizer load(Path tokenizerJson, int maxLength) {
        try {
            HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optMaxLength(maxLength)
                    .optPadding(false)
                    .build();
            return new EncoderTokenizer(tokenizer, readVocabulary(tokenizerJson), maxLength);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the tokenizer " + tokenizerJson, e);
        }
    }

    /** {@code model.vocab} of a word-piece {@code tokenizer.json}: piece → id. */
    private static Map<String, Long> readVocabulary(Path tokenizerJson) throws IOException {
        JsonNode vocab = new ObjectMapper().readTree(tokenizerJson.toFile()).path("model").path("vocab");
        if (!vocab.isObject() || vocab.isEmpty()) {
            throw new IllegalArgumentException("tokenizer file " + tokenizerJson + " has no model.vocab object: "
                    + "not a word-piece tokenizer");
        }
        Map<String, Long> vocabulary = new HashMap<>(vocab.size() * 2);
        vocab.fields().forEachRemaining(entry -> vocabulary.put(entry.getKey(), entry.getValue().asLong()));
        return Map.copyOf(vocabulary);
    }

    /** Word-piece ids of one text: [CLS], at most {@code maxLength - 2} pieces, [SEP]. */
    public long[] encode(String text) {
        return tokenizer.encode(text).getIds();
    }

    /** {@link #encode} for many texts at once (the native tokenizer may use several threads). */
    public List<long[]> encodeAll(List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        List<long[]> ids = new ArrayList<>(encodings.length);
        for (Encoding encoding : encodings) {
            ids.add(encoding.getIds());
        }
        return ids;
    }

    /** Encodes and right-pads {@code texts} to their longest. */
    public TokenBatch batch(List<String> texts) {
        return TokenBatch.pad(encodeAll(texts), padTokenId);
    }

    /** Word pieces of a text without special tokens, e.g. {@code ["embed", "##ding"]}. */
    public List<String> tokens(String text) {
        return Arrays.asList(tokenizer.encode(text, false, false).getTokens());
    }

    /** The text of word-piece ids, special tokens dropped. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /**
     * The id of one vocabulary entry, e.g. {@code [MASK]} or {@code ##ing}.
     *
     * @throws IllegalArgumentException if {@code token} is not in the vocabulary
     */
    public long tokenId(String token) {
        Long id = vocabulary.get(token);
        if (id == null) {
            throw new IllegalArgumentException("'" + token + "' is not in the tokenizer's vocabulary of "
                    + vocabulary.size() + " entries");
        }
        return id;
    }

    /** Entries in the word-piece vocabulary (30,522 for the uncased BERT vocabulary). */
    public int vocabularySize() {
        return vocabulary.size();
    }

    public int maxLength() {
        return maxLength;
    }

    public long padTokenId() {
        return padTokenId;
    }

    public long clsTokenId() {
        return clsTokenId;
    }

    public long sepTokenId() {
        return sepTokenId;
    }

    public long maskTokenId() {
        return maskTokenId;
    }

    public long unknownTokenId() {
        return unknownTokenId;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
