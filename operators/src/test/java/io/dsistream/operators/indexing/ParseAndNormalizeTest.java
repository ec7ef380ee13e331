package io.dsistream.operators.indexing;

import io.dsistream.schemas.DeadLetterRecord;
import io.dsistream.schemas.DocumentOp;
import io.dsistream.schemas.DocumentParser;
import io.dsistream.schemas.RejectReason;
import io.dsistream.schemas.indexing.IndexRequest;
import io.dsistream.schemas.indexing.SourceDocument;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ParseAndNormalizeTest {

    private static SourceDocument source(long offset, String json) {
        return new SourceDocument("documents", 1, offset, 5000L, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void goodRecordsBecomeRequestsAndBadOnesDeadLettersWithTheirReasonAndCoordinates() throws Exception {
        try (OneInputStreamOperatorTestHarness<SourceDocument, IndexRequest> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(new ParseDocuments(new DocumentParser()))) {
            h.processElement(new StreamRecord<>(source(0, "{\"id\":\"d1\",\"title\":\"T\",\"text\":\"body\",\"ts\":42}")));
            h.processElement(new StreamRecord<>(source(1, "{\"id\":\"d1\",\"op\":\"delete\"}")));
            h.processElement(new StreamRecord<>(source(2, "{\"id\":\"d2\",\"text\":\"x\",\"op\":\"merge\"}")));
            h.processElement(new StreamRecord<>(source(3, "not json")));
            List<IndexRequest> requests = h.extractOutputValues();
            assertEquals(2, requests.size());
            IndexRequest upsert = requests.get(0);
            assertEquals("d1", upsert.docId);
            assertEquals(DocumentOp.UPSERT, upsert.op);
            assertEquals(42L, upsert.documentTs);
            assertEquals(5000L, upsert.appendTs);
            assertEquals(IndexRequest.contentHash("T", "body"), upsert.contentHash);
            assertEquals(DocumentOp.DELETE, requests.get(1).op);
            assertNull(requests.get(1).text);
            List<DeadLetterRecord> letters = h.getSideOutput(DeadLetters.TAG).stream().map(StreamRecord::getValue)
                    .collect(Collectors.toList());
            assertEquals(List.of(RejectReason.UNKNOWN_OP, RejectReason.MALFORMED_JSON),
                    letters.stream().map(l -> l.reason).collect(Collectors.toList()));
            assertEquals(2L, letters.get(0).offset);
            assertEquals("not json", letters.get(1).raw);
        }
    }

    @Test
    void overLongTextIsCutAndAugmentationIsOffByDefault() throws Exception {
        NormalizeText normalize = new NormalizeText("", 10);
        try (OneInputStreamOperatorTestHarness<IndexRequest, IndexRequest> h =
                     ProcessFunctionTestHarnesses.forProcessFunction(
                             new org.apache.flink.streaming.api.functions.ProcessFunction<IndexRequest, IndexRequest>() {
                                 @Override
                                 public void open(org.apache.flink.api.common.functions.OpenContext c) throws Exception {
                                     normalize.setRuntimeContext(getRuntimeContext());
                                     normalize.open(c);
                                 }

                                 @Override
                                 public void processElement(IndexRequest r, Context ctx,
                                                            org.apache.flink.util.Collector<IndexRequest> out) {
                                     out.collect(normalize.map(r));
                                 }
                             })) {
            IndexRequest longText = IndexRequests.upsert("d1", "x", 1, 1, 1);
            longText.text = "0123456789abcdef";
            IndexRequest shortText = IndexRequests.upsert("d2", "x", 1, 1, 1);
            shortText.text = "Has 2 wds";
            h.processElement(new StreamRecord<>(longText));
            h.processElement(new StreamRecord<>(shortText));
            List<IndexRequest> out = h.extractOutputValues();
            assertEquals("0123456789", out.get(0).text);
            assertEquals("Has 2 wds", out.get(1).text); // within the cap; no augmentation by default
        }
    }
}
