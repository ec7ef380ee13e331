package io.dsistream.pipelines.indexing;

import io.dsistream.schemas.DocumentRecord;
import io.dsistream.schemas.WireJson;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;

/**
 * Writes documents to the {@code documents} topic the way the indexing job expects: keyed by document id (one
 * document's records stay in order in one partition), idempotent, and remembers each document's append time
 * (the broker's record timestamp) for latency measurements.
 */
public final class DocumentsProducer implements AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Map<String, Long> appendTimes = new ConcurrentHashMap<>();

    public DocumentsProducer(String bootstrapServers, String topic) {
        this.topic = topic;
        // Not idempotent: when a produce request times out on a loaded machine (a 10 MB document can take the
        // single broker longer than the default 30 s), the idempotent producer's retry restarted its sequence at 0
        // and the broker rejected every later batch (OutOfOrderSequenceException) until delivery timed out, losing
        // records. One request in flight keeps per-partition order; a retried duplicate is an unchanged re-send,
        // which the job counts as a no-op.
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "2",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "120000",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "600000",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(32 * 1024 * 1024)),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends a document record; the append time of its last send is kept under its id. */
    public Future<RecordMetadata> send(DocumentRecord record) {
        return sendRaw(record.id, WireJson.toBytes(record));
    }

    /** Sends raw value bytes (bad records in tests) under {@code key} (may be null). */
    public Future<RecordMetadata> sendRaw(String key, byte[] value) {
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        return producer.send(new ProducerRecord<>(topic, keyBytes, value), (metadata, error) -> {
            if (error == null && key != null) {
                appendTimes.put(key, metadata.timestamp());
            }
        });
    }

    /** Document id → append time (ms) of its latest record. */
    public Map<String, Long> appendTimes() {
        return appendTimes;
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
