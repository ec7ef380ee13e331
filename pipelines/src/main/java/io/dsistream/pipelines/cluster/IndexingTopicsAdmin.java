package io.dsistream.pipelines.cluster;

import io.dsistream.pipelines.indexing.IndexingTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the indexing topics on a Kafka cluster that lacks them (brokers that do not create topics on first use,
 * as the compose broker and the standalone one): what the compose file's one-shot submitter does before submitting.
 */
public final class IndexingTopicsAdmin {

    private IndexingTopicsAdmin() {
    }

    /**
     * Creates every topic of {@link IndexingTopics#ALL} that does not exist, replication factor 1.
     *
     * @return the topics created (empty when all existed)
     */
    public static List<String> createMissing(String bootstrapServers, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000"))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : IndexingTopics.ALL) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, (short) 1));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            }
            return missing.stream().map(NewTopic::name).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics on " + bootstrapServers, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create the indexing topics on " + bootstrapServers + ": "
                    + e.getMessage(), e);
        }
    }
}
