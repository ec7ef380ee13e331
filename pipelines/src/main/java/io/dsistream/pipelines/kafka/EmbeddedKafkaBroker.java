package io.dsistream.pipelines.kafka;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, broker and controller in one process) started on localhost as
 * its own JVM from the Maven classpath: no Docker, no download. For {@code dsi demo} and integration tests.
 *
 * <p>The broker runs in a child JVM rather than in-process so that its dependencies (Scala, the broker's
 * own Jackson modules) never meet Flink's, and so that it can be stopped and checked like the real thing.
 * Its classpath is this JVM's classpath, plus {@code kafka-broker-lib/} next to the jar or classes
 * directory this class was loaded from when {@code kafka.Kafka} is not already on it (the runnable jar
 * keeps the broker out of the Flink classpath; {@code mvn package} fills that directory).
 *
 * <p>Settings for one broker: replication factor 1 and min ISR 1 for {@code __consumer_offsets}, the
 * transaction log and the share-group state topic; {@code message.max.bytes} large enough for a
 * document at the 16 MiB parser cap; no automatic topic creation (a typo in a topic name fails loudly).
 * Everything lives in a fresh directory under the given base directory: {@code server.properties}, the
 * log segments under {@code data/}, and the broker's own log in {@code broker.log}.
 *
 * <p>{@link #close()} stops the process (SIGTERM, then SIGKILL after a grace period). A JVM shutdown
 * hook does the same on Ctrl-C, and the child exits by itself when its standard input, a pipe from
 * this JVM, closes, which also covers this JVM being killed outright.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** Default largest record the broker accepts: 32 MiB, twice the document parser's 16 MiB cap. */
    public static final int DEFAULT_MESSAGE_MAX_BYTES = 32 * 1024 * 1024;

    /** Default JVM options: a small heap, and a serial GC and C1-only JIT that start fast on few cores. */
    public static final List<String> DEFAULT_JVM_OPTIONS =
            List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    private static final int START_ATTEMPTS = 3;
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final String BROKER_LIB_DIR = "kafka-broker-lib";
    /** setsid(1) execs its command in the same process (the pid stays the JVM's) in a new session. */
    private static final Path SETSID = Path.of("/usr/bin/setsid");

    private final Process process;
    private final Path dataDir;
    private final Path logFile;
    private final int port;
    private final Duration startDuration;
    private final Admin admin;
    private final Thread shutdownHook;
    private volatile boolean closed;

    private EmbeddedKafkaBroker(Process process, Path dataDir, Path logFile, int port, Duration startDuration, Admin admin,
                                boolean detached) {
        this.process = process;
        this.dataDir = dataDir;
        this.logFile = logFile;
        this.port = port;
        this.startDuration = startDuration;
        this.admin = admin;
        this.shutdownHook = new Thread(this::stopProcess, "embedded-kafka-shutdown");
        if (!detached) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** A builder whose broker keeps its files in a fresh directory under {@code baseDir}. */
    public static Builder builder(Path baseDir) {
        return new Builder(baseDir);
    }

    /** Starts a broker with default settings under {@code baseDir} and waits until it serves requests. */
    public static EmbeddedKafkaBroker start(Path baseDir) {
        return builder(baseDir).start();
    }

    /** {@code localhost:<port>}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    /** Creates topics with the given partition count (replication 1) and waits until every partition has a leader. */
    public void createTopics(int partitions, String... topics) {
        List<NewTopic> newTopics = Arrays.stream(topics).map(t -> new NewTopic(t, partitions, (short) 1)).collect(Collectors.toList());
        createTopics(newTopics);
    }

    /** Creates topics (their replication factor must be 1) and waits until every partition has a leader. */
    public void createTopics(Collection<NewTopic> topics) {
        requireOpen();
        List<String> names = topics.stream().map(NewTopic::name).collect(Collectors.toList());
        try {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!allPartitionsLed(names)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("partitions of " + names + " got no leader within 30 s; see " + logFile);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics " + names, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + names + " on " + bootstrapServers() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether every partition of {@code names} has a leader; false while the new topics' metadata has not reached the
     * broker yet (a describe right after a create may answer "unknown topic" on a loaded machine).
     */
    private boolean allPartitionsLed(List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return allPartitionsLed(admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return false;
            }
            throw e;
        }
    }

    /** An admin client connected to this broker, owned by it (do not close it). */
    public Admin admin() {
        requireOpen();
        return admin;
    }

    /** The broker's process id. */
    public long pid() {
        return process.pid();
    }

    /** The broker's directory: {@code server.properties}, {@code data/}, {@code broker.log}. */
    public Path dataDir() {
        return dataDir;
    }

    /** The broker process's own log (its standard output and error). */
    public Path logFile() {
        return logFile;
    }

    /** From launching the JVM to the broker answering a describe-cluster request. */
    public Duration startDuration() {
        return startDuration;
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** Process handle for tests that check what happens when this JVM's end of the pipe closes. */
    Process process() {
        return process;
    }

    /**
     * Lets go of a broker started with {@link Builder#optDetached()} without stopping it: closes the admin client; the
     * process keeps running after this JVM exits and is stopped by its {@link #pid()} ({@code dsi cluster down}).
     */
    public void detach() {
        if (closed) {
            return;
        }
        closed = true;
        admin.close(Duration.ofSeconds(2));
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // nothing registered, or the JVM is already exiting
        }
    }

    /** Stops the broker process and waits until it is gone. Idempotent. The data directory is kept. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        admin.close(Duration.ofSeconds(2));
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // Called from another shutdown hook: ours runs anyway and finds the process gone.
        }
    }

    private synchronized void stopProcess() {
        closed = true;
        if (!process.isAlive()) {
            return;
        }
        // SIGTERM first: Kafka's shutdown hook flushes and closes the log cleanly.
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Kafka broker pid {} did not stop within {} s; killing it", process.pid(), STOP_GRACE.toSeconds());
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the Kafka broker at " + bootstrapServers() + " is closed");
        }
    }

    private static boolean allPartitionsLed(Map<String, TopicDescription> descriptions) {
        for (TopicDescription description : descriptions.values()) {
            for (TopicPartitionInfo partition : description.partitions()) {
                if (partition.leader() == null || partition.leader().isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Options of the broker; {@link #start()} launches it. */
    public static final class Builder {

        private final Path baseDir;
        private Duration startTimeout = Duration.ofSeconds(60);
        private int messageMaxBytes = DEFAULT_MESSAGE_MAX_BYTES;
        private int defaultPartitions = 1;
        private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
        private final Properties extraServerProperties = new Properties();
        private boolean detached;

        private Builder(Path baseDir) {
            this.baseDir = Objects.requireNonNull(baseDir, "baseDir");
        }

        /** How long to wait for the broker to answer before giving up (default 60 s). */
        public Builder optStartTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /** Largest record the broker accepts, bytes (default {@link #DEFAULT_MESSAGE_MAX_BYTES}). */
        public Builder optMessageMaxBytes(int messageMaxBytes) {
            if (messageMaxBytes <= 0) {
                throw new IllegalArgumentException("messageMaxBytes must be positive, got " + messageMaxBytes);
            }
            this.messageMaxBytes = messageMaxBytes;
            return this;
        }

        /** Partitions of topics created without a count, e.g. by a client (default 1). */
        public Builder optDefaultPartitions(int defaultPartitions) {
            if (defaultPartitions <= 0) {
                throw new IllegalArgumentException("defaultPartitions must be positive, got " + defaultPartitions);
            }
            this.defaultPartitions = defaultPartitions;
            return this;
        }

        /** JVM options of the broker process (default {@link #DEFAULT_JVM_OPTIONS}). */
        public Builder optJvmOptions(List<String> jvmOptions) {
            this.jvmOptions = List.copyOf(jvmOptions);
            return this;
        }

        /**
         * The broker outlives this JVM: it does not watch its standard input (which comes from {@code /dev/null}) and
         * no shutdown hook stops it. For {@code dsi cluster up}, whose processes run on after the command returns;
         * stop it with {@link #close()} or by its pid.
         */
        public Builder optDetached() {
            this.detached = true;
            return this;
        }

        /** Any further {@code server.properties} entry; it overrides the defaults above. */
        public Builder optServerProperty(String key, String value) {
            extraServerProperties.setProperty(key, value);
            return this;
        }

        /**
         * Launches the broker JVM and waits until it answers. Ports are picked free just before launch; if
         * another process takes one in between, the start is retried on new ports.
         */
        public EmbeddedKafkaBroker start() {
            IllegalStateException lastFailure = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                try {
                    return startOnce();
                } catch (PortTakenException e) {
                    LOG.warn("Kafka broker start attempt {} lost a port race: {}", attempt, e.getMessage());
                    lastFailure = new IllegalStateException(e.getMessage());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot prepare the Kafka broker directory under " + baseDir, e);
                }
            }
            throw lastFailure;
        }

        private EmbeddedKafkaBroker startOnce() throws IOException {
            Files.createDirectories(baseDir);
            Path dataDir = Files.createTempDirectory(baseDir.toAbsolutePath(), "kafka-");
            int[] ports = freePorts(2);
            int port = ports[0];
            int controllerPort = ports[1];
            Path serverProperties = dataDir.resolve("server.properties");
            Path log4jConfig = dataDir.resolve("log4j2-broker.properties");
            Path logFile = dataDir.resolve("broker.log");
            Path classpathArgFile = dataDir.resolve("classpath.args");
            writeServerProperties(serverProperties, dataDir.resolve("data"), port, controllerPort);
            Files.writeString(log4jConfig, BROKER_LOG4J, StandardCharsets.UTF_8);

            // The classpath goes into an @argfile (a test classpath can exceed the 128 KiB limit of one
            // argument); the main class stays on the command line so `ps` shows what the process is.
            Files.writeString(classpathArgFile, "-cp " + quoteForArgFile(brokerClasspath()) + "\n", StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            if (detached && Files.isExecutable(SETSID)) {
                // A session of its own: closing the terminal that started it (SIGHUP) leaves it running.
                command.add(SETSID.toString());
            }
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.add("-Dlog4j2.configurationFile=" + log4jConfig);
            if (detached) {
                command.add("-D" + KafkaBrokerProcess.DETACHED_PROPERTY + "=true");
            }
            command.add("@" + classpathArgFile);
            command.add(KafkaBrokerProcess.class.getName());
            command.add(serverProperties.toString());
            command.add(Uuid.randomUuid().toString());

            long startNanos = System.nanoTime();
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dataDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            if (detached) {
                builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process process = builder.start();
            LOG.info("Kafka broker starting: pid {}, localhost:{} (controller {}), directory {}", process.pid(), port, controllerPort, dataDir);
            Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + port,
                    AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50",
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200",
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
            try {
                awaitReady(process, admin, logFile, port);
            } catch (RuntimeException e) {
                admin.close(Duration.ofSeconds(1));
                process.destroyForcibly();
                throw e;
            }
            Duration startDuration = Duration.ofNanos(System.nanoTime() - startNanos);
            LOG.info("Kafka broker ready at localhost:{} in {} ms", port, startDuration.toMillis());
            return new EmbeddedKafkaBroker(process, dataDir, logFile, port, startDuration, admin, detached);
        }

        private void awaitReady(Process process, Admin admin, Path logFile, int port) {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (true) {
                if (!process.isAlive()) {
                    String tail = tail(logFile, 40);
                    if (tail.contains("Address already in use")) {
                        throw new PortTakenException("port " + port + " or its controller port was taken before the broker bound it");
                    }
                    throw new IllegalStateException("the Kafka broker exited with status " + process.exitValue()
                            + " before it was ready; last lines of " + logFile + ":\n" + tail);
                }
                long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remainingMillis <= 0) {
                    throw new IllegalStateException("the Kafka broker did not answer within " + startTimeout.toSeconds()
                            + " s; last lines of " + logFile + ":\n" + tail(logFile, 40));
                }
                try {
                    int timeout = (int) Math.min(1000, remainingMillis);
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeout)).nodes()
                            .get(timeout + 500L, TimeUnit.MILLISECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException notYet) {
                    // Not listening yet, or not yet registered with its controller: ask again.
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
                }
            }
        }

        private void writeServerProperties(Path file, Path logDir, int port, int controllerPort) throws IOException {
            Properties p = new Properties();
            p.setProperty("process.roles", "broker,controller");
            p.setProperty("node.id", "1");
            p.setProperty("controller.quorum.bootstrap.servers", "localhost:" + controllerPort);
            p.setProperty("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
            p.setProperty("advertised.listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
            p.setProperty("controller.listener.names", "CONTROLLER");
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            p.setProperty("log.dirs", logDir.toString());
            p.setProperty("num.partitions", Integer.toString(defaultPartitions));
            p.setProperty("auto.create.topics.enable", "false");
            p.setProperty("message.max.bytes", Integer.toString(messageMaxBytes));
            p.setProperty("replica.fetch.max.bytes", Integer.toString(messageMaxBytes));
            // One broker: every internal topic must live with one replica and accept writes with one in sync.
            p.setProperty("default.replication.factor", "1");
            p.setProperty("min.insync.replicas", "1");
            p.setProperty("offsets.topic.replication.factor", "1");
            p.setProperty("offsets.topic.num.partitions", "4");
            p.setProperty("transaction.state.log.replication.factor", "1");
            p.setProperty("transaction.state.log.min.isr", "1");
            p.setProperty("transaction.state.log.num.partitions", "4");
            p.setProperty("share.coordinator.state.topic.replication.factor", "1");
            p.setProperty("share.coordinator.state.topic.min.isr", "1");
            // Kafka's 15 min default maximum; Flink's exactly-once sink must ask for no more (see STACK.md).
            p.setProperty("transaction.max.timeout.ms", "900000");
            p.setProperty("group.initial.rebalance.delay.ms", "0");
            p.putAll(extraServerProperties);
            try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(out, "written by " + EmbeddedKafkaBroker.class.getName());
            }
        }

        /**
         * This JVM's classpath, made absolute (the broker runs in its own directory), plus the
         * {@code kafka-broker-lib} directory when the broker classes are not on it already.
         */
        static String brokerClasspath() {
            List<String> entries = new ArrayList<>();
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    entries.add(Path.of(entry).toAbsolutePath().toString());
                }
            }
            if (!brokerClassesVisible()) {
                Path brokerLib = ownLocation().resolveSibling(BROKER_LIB_DIR);
                if (!Files.isDirectory(brokerLib)) {
                    throw new IllegalStateException("kafka.Kafka is not on the classpath and " + brokerLib
                            + " does not exist; build it with `mvn package` (pipelines copies the broker there)");
                }
                entries.add(brokerLib.toAbsolutePath() + File.separator + "*");
            }
            return String.join(File.pathSeparator, entries);
        }

        private static boolean brokerClassesVisible() {
            try {
                Class.forName("kafka.Kafka", false, EmbeddedKafkaBroker.class.getClassLoader());
                return true;
            } catch (ClassNotFoundException e) {
                return false;
            }
        }

        /** The jar (or classes directory) this class was loaded from. */
        private static Path ownLocation() {
            try {
                return Path.of(EmbeddedKafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot locate the jar of " + EmbeddedKafkaBroker.class.getName(), e);
            }
        }

        private static int[] freePorts(int count) throws IOException {
            ServerSocket[] sockets = new ServerSocket[count];
            int[] ports = new int[count];
            try {
                // Held open together so the two ports differ; closed just before the broker binds them.
                for (int i = 0; i < count; i++) {
                    sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                    ports[i] = sockets[i].getLocalPort();
                }
            } finally {
                for (ServerSocket socket : sockets) {
                    if (socket != null) {
                        socket.close();
                    }
                }
            }
            return ports;
        }

        /** Quotes one argument for a java @argfile: inside double quotes, backslash and quote are escaped. */
        private static String quoteForArgFile(String arg) {
            return "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** The broker's own logging: its lifecycle at INFO, everything else from WARN, into broker.log. */
    private static final String BROKER_LOG4J = String.join("\n",
            "status = warn",
            // Kafka's own shutdown hook logs the controlled shutdown; Log4j's hook must not stop logging first.
            "shutdownHook = disable",
            "appender.out.type = Console",
            "appender.out.name = out",
            "appender.out.target = SYSTEM_OUT",
            "appender.out.layout.type = PatternLayout",
            "appender.out.layout.pattern = %d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n",
            "rootLogger.level = warn",
            "rootLogger.appenderRef.out.ref = out",
            "logger.server.name = kafka.server.KafkaRaftServer",
            "logger.server.level = info",
            "logger.broker.name = kafka.server.BrokerServer",
            "logger.broker.level = info",
            "");

    /** The broker could not bind a port picked free a moment before; the start is retried. */
    private static final class PortTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortTakenException(String message) {
            super(message);
        }
    }
}
