package io.dsistream.pipelines.indexing;

import io.dsistream.models.eval.BeirDataset;
import io.dsistream.models.eval.BeirDocument;
import io.dsistream.schemas.DocumentRecord;
import io.dsistream.schemas.WireJson;
import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the job's integration tests share: the SciFact documents they index, reading records, sending documents,
 * waiting for a condition.
 */
final class JobTestSupport {

    /** How long a test waits for any one condition before it fails. */
    static final Duration WAIT = Duration.ofMinutes(5);

    private JobTestSupport() {
    }

    /** The first {@code documents} documents of SciFact, from {@code ../shared} ({@code dsi.shared.dir}). */
    static List<BeirDocument> scifactCorpus(int documents) throws IOException {
        return BeirDataset.load(Path.of(System.getProperty("dsi.shared.dir"), "data", "scifact")).corpus()
                .subList(0, documents);
    }

    /** The job's sources and exactly-once sinks on topics {@code <name>-documents}, {@code <name>-queries}, … */
    static IndexingJob.Connectors connectors(String servers, String name) {
        return new IndexingJob.Connectors(
                KafkaConnectors.documentsSource(servers, name + "-documents", name + "-indexer", false),
                KafkaConnectors.queriesSource(servers, name + "-queries", name + "-queries", false),
                KafkaConnectors.queriesSource(servers, name + "-model-updates", name + "-updates", false),
                KafkaConnectors.assignmentsSink(servers, name + "-assignments", DeliveryGuarantee.EXACTLY_ONCE, name),
                KafkaConnectors.answersSink(servers, name + "-answers", DeliveryGuarantee.EXACTLY_ONCE, name),
                KafkaConnectors.deadLettersSink(servers, name + "-dead-letters", DeliveryGuarantee.EXACTLY_ONCE, name),
                KafkaConnectors.healthSink(servers, name + "-health"));
    }

    static <T> T read(byte[] value, Class<T> type) {
        try {
            return WireJson.fromBytes(value, type);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends the documents as upserts and flushes. */
    static void send(DocumentsProducer producer, List<BeirDocument> documents) {
        for (BeirDocument d : documents) {
            producer.send(DocumentRecord.upsert(d.id(), d.title(), d.text()));
        }
        producer.flush();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void awaitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        awaitUntil(condition, () -> what);
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@link #WAIT}. */
    static void awaitUntil(BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            Thread.sleep(100);
        }
    }
}
