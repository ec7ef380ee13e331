package io.dsistream.pipelines.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real broker JVM, uses it with plain kafka-clients the way the job will (a transactional
 * producer, a read-committed consumer group, a 10 MB record), stops it, and checks nothing is left running.
 */
class EmbeddedKafkaBrokerITCase {

    @TempDir
    Path baseDir;

    @Test
    void servesTransactionalProduceAndGroupConsumeThenStopsWithoutTrace() throws Exception {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(baseDir);
        long pid = broker.pid();
        int port = Integer.parseInt(broker.bootstrapServers().substring("localhost:".length()));
        System.out.printf("Kafka broker (own JVM) ready in %d ms%n", broker.startDuration().toMillis());
        byte[] tenMegabytes = new byte[10 * 1024 * 1024];
        Arrays.fill(tenMegabytes, (byte) 'x');
        List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();
        try {
            broker.createTopics(2, "documents");
            assertTrue(broker.admin().listTopics().names().get().contains("documents"));

            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-producer",
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(EmbeddedKafkaBroker.DEFAULT_MESSAGE_MAX_BYTES)),
                    new StringSerializer(), new ByteArraySerializer())) {
                // A transaction needs __transaction_state, which only exists with replication factor 1 here.
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("documents", "d1", "{\"id\":\"d1\",\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8)));
                producer.send(new ProducerRecord<>("documents", "big", tenMegabytes));
                producer.commitTransaction();
            }

            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "it-group",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                    new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of("documents"));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (received.size() < 2 && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(received::add);
                }
                // The group's offsets go to __consumer_offsets, the other internal topic that needs RF 1.
                consumer.commitSync();
            }
        } finally {
            broker.close();
        }

        assertEquals(2, received.size(), "records received: " + received);
        ConsumerRecord<String, byte[]> small = received.stream().filter(r -> r.key().equals("d1")).findFirst().orElseThrow();
        ConsumerRecord<String, byte[]> big = received.stream().filter(r -> r.key().equals("big")).findFirst().orElseThrow();
        assertEquals("{\"id\":\"d1\",\"text\":\"hello\"}", new String(small.value(), StandardCharsets.UTF_8));
        assertArrayEquals(tenMegabytes, big.value());

        assertFalse(broker.isRunning());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "broker pid " + pid + " still alive");
        assertThrows(ConnectException.class, () -> new Socket("localhost", port).close());
        assertTrue(Files.exists(broker.dataDir().resolve("server.properties")));
    }

    @Test
    void brokerExitsByItselfWhenItsParentsPipeCloses() throws IOException, InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(baseDir);
        try {
            // What the child sees when this JVM dies, even by SIGKILL: its standard input reaches end of file.
            broker.process().getOutputStream().close();

            assertTrue(broker.process().waitFor(60, TimeUnit.SECONDS), "broker still running after its parent pipe closed");
            assertEquals(0, broker.process().exitValue());
            assertTrue(Files.readString(broker.logFile()).contains("standard input closed"));
        } finally {
            broker.close();
        }
    }
}
