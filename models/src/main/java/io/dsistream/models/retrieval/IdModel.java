package io.dsistream.models.retrieval;

import io.dsistream.models.asi.SemanticQuantizer;
import io.dsistream.models.decoder.IdDecoder;
import io.dsistream.models.ids.DocIdTrie;
import io.dsistream.models.ids.IdVocabulary;
import io.dsistream.models.ids.SemanticId;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained generative-retrieval model: the ID decoder, the quantizer that gives new documents and queries their
 * IDs (ASI; null for DSI's fixed ID schemes), and the ID stored for every corpus document. IDs are assigned once
 * after training and then kept (stable IDs): retrieval reads them from here, never re-quantizes the corpus.
 *
 * <p>Owns the quantizer and the decoder's parameters only as far as {@link #close()} closes the quantizer; the
 * decoder's arrays live in the manager it was created or loaded in.
 */
public final class IdModel implements AutoCloseable {

    private final String method;
    private final SemanticQuantizer quantizer;
    private final IdDecoder decoder;
    private final Map<String, SemanticId> assignments;
    private final boolean prefixFree;

    /**
     * @param method      {@code asi}, {@code dsi-semantic}, {@code dsi-naive} or {@code dsi-atomic}
     * @param quantizer   the ASI quantizer, or null for a fixed ID scheme
     * @param assignments document ID → its stored ID, in corpus order
     * @param prefixFree  whether no ID is a prefix of another (false for naive string IDs)
     */
    public IdModel(String method, SemanticQuantizer quantizer, IdDecoder decoder, Map<String, SemanticId> assignments,
                   boolean prefixFree) {
        if (decoder == null) {
            throw new IllegalArgumentException("an ID model needs a decoder");
        }
        IdVocabulary vocabulary = decoder.vocabulary();
        for (Map.Entry<String, SemanticId> entry : assignments.entrySet()) {
            SemanticId id = entry.getValue();
            if (id.length() == 0 || id.length() > vocabulary.maxLength()) {
                throw new IllegalArgumentException("document '" + entry.getKey() + "' has ID " + id
                        + ", outside the decoder's vocabulary " + vocabulary);
            }
            for (int code : id.codes()) {
                if (code < 0 || code >= vocabulary.codesPerPosition()) {
                    throw new IllegalArgumentException("document '" + entry.getKey() + "' has ID " + id
                            + " with a code outside [0, " + vocabulary.codesPerPosition() + ")");
                }
            }
        }
        this.method = method;
        this.quantizer = quantizer;
        this.decoder = decoder;
        this.assignments = new LinkedHashMap<>(assignments);
        this.prefixFree = prefixFree;
    }

    public String method() {
        return method;
    }

    /** The quantizer, or null for DSI's fixed ID schemes. */
    public SemanticQuantizer quantizer() {
        return quantizer;
    }

    public IdDecoder decoder() {
        return decoder;
    }

    public IdVocabulary vocabulary() {
        return decoder.vocabulary();
    }

    /** Document ID → stored ID, in corpus order; unmodifiable. */
    public Map<String, SemanticId> assignments() {
        return java.util.Collections.unmodifiableMap(assignments);
    }

    public boolean prefixFree() {
        return prefixFree;
    }

    /** A fresh trie of every stored assignment. */
    public DocIdTrie trie() {
        DocIdTrie trie = new DocIdTrie();
        assignments.forEach(trie::add);
        return trie;
    }

    /** IDs of the given documents in the given order. */
    public List<SemanticId> idsOf(List<String> docIds) {
        return docIds.stream().map(d -> {
            SemanticId id = assignments.get(d);
            if (id == null) {
                throw new IllegalArgumentException("document '" + d + "' has no stored ID");
            }
            return id;
        }).toList();
    }

    @Override
    public void close() {
        if (quantizer != null) {
            quantizer.close();
        }
    }
}
