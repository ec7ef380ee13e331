package io.dsistream.operators.indexing;

import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.indexing.IndexRequest;

/** Small builders for assigned index requests, so tests read as timelines. */
final class IndexRequests {

    private IndexRequests() {
    }

    static IndexRequest upsert(String id, String text, int... codes) {
        IndexRequest r = base(id, DocumentOp.UPSERT);
        r.title = "title of " + id;
        r.contentHash = IndexRequest.contentHash(r.title, text);
        r.embedding = new float[] {0.6f, -0.8f, 0f};
        r.codes = codes;
        return r;
    }

    static IndexRequest delete(String id) {
        return base(id, DocumentOp.DELETE);
    }

    private static IndexRequest base(String id, DocumentOp op) {
        IndexRequest r = new IndexRequest();
        r.docId = id;
        r.op = op;
        r.sourceTopic = "documents";
        r.sourceOffset = id.hashCode() & 0xffff;
        r.appendTs = 1000L;
        r.documentTs = 1000L;
        r.modelVersion = "test/v1";
        r.codesPerPosition = 4;
        return r;
    }
}
