package io.dsistream.pipelines.kafka;

import java.io.IOException;
import java.io.InputStream;

/**
 * The main class of the broker JVM that {@link EmbeddedKafkaBroker} starts: formats the KRaft storage
 * ({@code kafka-storage format --standalone}) and runs the broker ({@code kafka-server-start}) in one JVM,
 * saving a second JVM start.
 *
 * <p>It also watches its standard input, a pipe from the parent: when the pipe closes because the parent
 * died (even by SIGKILL, when no shutdown hook runs), it exits through Kafka's own shutdown hook, so no
 * broker outlives the demo or test that started it.
 *
 * <p>With {@code -Ddsi.broker.detached=true} ({@code dsi cluster up}) it does not watch its input and runs until it is
 * stopped by its pid.
 *
 * <p>Arguments: {@code <server.properties> <cluster-id>}.
 */
public final class KafkaBrokerProcess {

    /** System property: {@code true} when the broker must outlive its parent (no watch of standard input). */
    public static final String DETACHED_PROPERTY = "dsi.broker.detached";

    /** How long a clean shutdown may take after the parent is gone, before the JVM is halted. */
    private static final long HALT_AFTER_PARENT_EXIT_MILLIS = 30_000;

    private KafkaBrokerProcess() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: KafkaBrokerProcess <server.properties> <cluster-id>");
            System.exit(2);
        }
        String serverProperties = args[0];
        String clusterId = args[1];
        if (!Boolean.getBoolean(DETACHED_PROPERTY)) {
            watchParent(System.in);
        }

        int formatStatus = kafka.tools.StorageTool.execute(
                new String[] {"format", "--standalone", "--cluster-id", clusterId, "--config", serverProperties},
                System.out);
        if (formatStatus != 0) {
            System.err.println("kafka-storage format failed with status " + formatStatus);
            System.exit(formatStatus);
        }
        kafka.Kafka.main(new String[] {serverProperties});
    }

    private static void watchParent(InputStream parentPipe) {
        Thread watcher = new Thread(() -> {
            try {
                byte[] buffer = new byte[64];
                while (parentPipe.read(buffer) >= 0) {
                    // The parent never writes; anything read is ignored.
                }
            } catch (IOException e) {
                // A broken pipe means the same as end of input: the parent is gone.
            }
            // Process.destroy() closes this pipe too, right after its SIGTERM: both lead to the same clean exit.
            System.err.println("standard input closed (parent stopping the broker, or gone); shutting the broker down");
            Thread halter = new Thread(() -> {
                try {
                    Thread.sleep(HALT_AFTER_PARENT_EXIT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(1);
            }, "broker-halt-timer");
            halter.setDaemon(true);
            halter.start();
            System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
