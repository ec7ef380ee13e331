package io.dsistream.pipelines.cluster;

import io.dsistream.pipelines.cluster.lib.ParentWatch;
import io.dsistream.pipelines.indexing.IndexingTopics;
import io.dsistream.pipelines.kafka.EmbeddedKafkaBroker;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * A standalone Flink 2.2 session cluster on this machine, from the Maven classpath (there is no {@code flink-dist} on
 * the registry): a JobManager ({@link StandaloneSessionClusterEntrypoint}) and a TaskManager
 * ({@link TaskManagerRunner}), each its own JVM started the way Flink's {@code jobmanager.sh}/{@code taskmanager.sh}
 * start them, with the JVM memory flags and dynamic memory options that Flink's {@code BashJavaUtils} computes
 * (the same {@code JobManagerProcessUtils}/{@code TaskExecutorProcessUtils} calls), and a KRaft Kafka broker in a
 * third JVM ({@link EmbeddedKafkaBroker}). Jobs reach it only through its REST API ({@link FlinkRestClient}), as a
 * remote cluster.
 *
 * <p>Classpath of the cluster JVMs: {@code pipelines/target/lib} without dsi-stream's own module jars (those travel in
 * the job jar, {@link JobJar}), plus {@code dsi-cluster-lib.jar} ({@link ClusterLibJar}). So Flink, the Kafka
 * connector and DJL with its native libraries sit in the parent class loader, as in Flink's {@code lib/}.
 *
 * <p>Everything lives under the work directory: {@code conf/}, {@code log/}, {@code checkpoints/},
 * {@code savepoints/}, {@code registry/} (the model registry every TaskManager reads), {@code kafka/},
 * {@code pids/*.pid} and {@code cluster.properties} (what later {@code dsi cluster} commands read). Detached (the
 * default, for {@code dsi cluster up}) the processes outlive the command and {@link #stop()} finds them by their pid
 * files; attached (tests) they also exit when this JVM does.
 */
public final class StandaloneCluster {

    /** The file later commands read the running cluster from. */
    public static final String STATE_FILE = "cluster.properties";

    /** The JVM flags Flink needs on Java 17 (its scripts pass the same through {@code env.java.opts.all}). */
    public static final List<String> FLINK_JVM_OPENS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    static final String KAFKA = "kafka";
    static final String JOBMANAGER = "jobmanager";
    static final String TASKMANAGER = "taskmanager";
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    /** setsid(1) execs its command in the same process (the pid stays the JVM's) in a new session. */
    static final Path SETSID = Path.of("/usr/bin/setsid");

    /**
     * How to start a cluster.
     *
     * @param pipelinesClasses {@code pipelines/target/dsi.jar} (or a classes directory): the job jar's source
     * @param libDirectory     {@code pipelines/target/lib}: the runtime dependencies
     * @param djlCache         where DJL unpacks libtorch (shared with the {@code dsi} launcher's)
     * @param attached         the processes exit when this JVM does (tests); false: they run on until stopped
     */
    public record Settings(Path workDirectory, Path pipelinesClasses, Path libDirectory, Path registry, int taskSlots,
                           String jobManagerMemory, String taskManagerMemory, int topicPartitions, Path djlCache,
                           boolean attached, Duration startTimeout) {

        /** Defaults for {@code workDirectory}: the build this class comes from, 2 slots, 1 GB JM, 3 GB TM. */
        public static Settings defaults(Path workDirectory) {
            Path classes = ClusterLibJar.codeSource(StandaloneCluster.class);
            Path lib = (Files.isDirectory(classes) ? classes.getParent() : classes.toAbsolutePath().getParent())
                    .resolve("lib");
            String cache = Optional.ofNullable(System.getProperty("DJL_CACHE_DIR"))
                    .orElse(Optional.ofNullable(System.getenv("DJL_CACHE_DIR")).orElse(".cache/djl"));
            return new Settings(workDirectory.toAbsolutePath(), classes, lib, workDirectory.toAbsolutePath()
                    .resolve("registry"), 2, "1024m", "3072m", 2, Path.of(cache).toAbsolutePath(), false,
                    Duration.ofMinutes(3));
        }

        public Settings withAttached(boolean value) {
            return new Settings(workDirectory, pipelinesClasses, libDirectory, registry, taskSlots, jobManagerMemory,
                    taskManagerMemory, topicPartitions, djlCache, value, startTimeout);
        }

        public Settings withBuild(Path classes, Path lib) {
            return new Settings(workDirectory, classes, lib, registry, taskSlots, jobManagerMemory,
                    taskManagerMemory, topicPartitions, djlCache, attached, startTimeout);
        }

        public Settings withSizes(int slots, String jobManager, String taskManager, int partitions) {
            return new Settings(workDirectory, pipelinesClasses, libDirectory, registry, slots, jobManager,
                    taskManager, partitions, djlCache, attached, startTimeout);
        }

        public Settings withRegistry(Path value) {
            return new Settings(workDirectory, pipelinesClasses, libDirectory, value.toAbsolutePath(), taskSlots,
                    jobManagerMemory, taskManagerMemory, topicPartitions, djlCache, attached, startTimeout);
        }
    }

    private final Path workDirectory;
    private final Properties state;
    /**
     * Attached mode: the started processes and the broker handle. Kept reachable on purpose: a collected
     * {@link Process} closes its end of the child's standard input, which a watching child takes for its parent's
     * exit.
     */
    private final List<Process> attachedProcesses = new ArrayList<>();
    private EmbeddedKafkaBroker attachedBroker;

    private StandaloneCluster(Path workDirectory, Properties state) {
        this.workDirectory = workDirectory;
        this.state = state;
    }

    /**
     * Starts Kafka, the JobManager and the TaskManager, creates the indexing topics, and waits until the
     * TaskManager's slots are registered. Fails, stopping whatever it started, when a process exits or the start
     * takes longer than {@link Settings#startTimeout()}.
     */
    public static StandaloneCluster start(Settings settings, PrintStream log) throws IOException {
        Path work = settings.workDirectory().toAbsolutePath();
        if (Files.exists(work.resolve(STATE_FILE))) {
            StandaloneCluster previous = attach(work);
            if (!previous.runningProcesses().isEmpty()) {
                throw new IllegalStateException("a cluster already runs from " + work + " (processes "
                        + previous.runningProcesses() + "); stop it first with `dsi cluster down`");
            }
            previous.deleteStateFiles();
        }
        for (String dir : List.of("conf", "log", "checkpoints", "savepoints", "tmp", "web-upload", "lib", "pids",
                "plugins", "jobs")) {
            Files.createDirectories(work.resolve(dir));
        }
        Files.createDirectories(settings.registry());
        long t0 = System.nanoTime();
        Properties state = new Properties();
        StandaloneCluster cluster = new StandaloneCluster(work, state);
        EmbeddedKafkaBroker broker = null;
        try {
            EmbeddedKafkaBroker.Builder brokerBuilder = EmbeddedKafkaBroker.builder(work.resolve(KAFKA));
            if (!settings.attached()) {
                brokerBuilder.optDetached();
            }
            broker = brokerBuilder.start();
            state.setProperty("pid." + KAFKA, Long.toString(broker.pid()));
            cluster.writeStateFiles();
            broker.createTopics(settings.topicPartitions(), IndexingTopics.ALL.toArray(new String[0]));
            state.setProperty("kafka.bootstrap-servers", broker.bootstrapServers());
            log.printf("Kafka broker (KRaft, own JVM, pid %d) on %s in %.1f s; topics %s with %d partitions%n",
                    broker.pid(), broker.bootstrapServers(), broker.startDuration().toMillis() / 1e3,
                    IndexingTopics.ALL, settings.topicPartitions());

            int[] ports = freePorts(4);
            Path conf = work.resolve("conf");
            ClusterConfigFile.write(conf, new ClusterConfigFile.Values(work, settings.registry(),
                    broker.bootstrapServers(), ports[0], ports[1], settings.jobManagerMemory(),
                    settings.taskManagerMemory(), settings.taskSlots()));
            Path clusterLib = ClusterLibJar.write(work.resolve("lib").resolve("dsi-cluster-lib.jar"));
            Path classpath = writeClasspath(work.resolve("conf").resolve("classpath.args"),
                    clusterClasspath(settings.libDirectory(), clusterLib));
            Configuration flinkConf = GlobalConfiguration.loadConfiguration(conf.toString());

            JobManagerProcessSpec jm = JobManagerProcessUtils.processSpecFromConfig(flinkConf);
            List<String> jmJvm = split(JobManagerProcessUtils.generateJvmParametersStr(jm, flinkConf));
            List<String> jmDynamic = split(JobManagerProcessUtils.generateDynamicConfigsStr(jm));
            TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(flinkConf);
            List<String> tmJvm = split(ProcessMemoryUtils.generateJvmParametersStr(tm));
            List<String> tmDynamic = split(TaskExecutorProcessUtils.generateDynamicConfigsStr(tm));

            state.setProperty("rest.url", "http://localhost:" + ports[0]);
            state.setProperty("metrics.port." + JOBMANAGER, Integer.toString(ports[2]));
            state.setProperty("metrics.port." + TASKMANAGER, Integer.toString(ports[3]));
            state.setProperty("registry", settings.registry().toString());
            state.setProperty("pipelines.classes", settings.pipelinesClasses().toAbsolutePath().toString());
            state.setProperty("lib.directory", settings.libDirectory().toAbsolutePath().toString());

            List<String> jmArgs = new ArrayList<>(List.of("--configDir", conf.toString(), "--executionMode",
                    "cluster"));
            jmArgs.addAll(jmDynamic);
            jmArgs.addAll(List.of("-D", "metrics.reporter." + ClusterConfigFile.REPORTER + ".port=" + ports[2]));
            Process jobManager = cluster.launch(JOBMANAGER, StandaloneSessionClusterEntrypoint.class.getName(),
                    jmJvm, jmArgs, classpath, settings);
            List<String> tmArgs = new ArrayList<>(List.of("--configDir", conf.toString()));
            tmArgs.addAll(tmDynamic);
            tmArgs.addAll(List.of("-D", "metrics.reporter." + ClusterConfigFile.REPORTER + ".port=" + ports[3]));
            Process taskManager = cluster.launch(TASKMANAGER, TaskManagerRunner.class.getName(), tmJvm, tmArgs,
                    classpath, settings);
            log.printf("JobManager pid %d (%s), TaskManager pid %d (%s, %d slots) starting; logs in %s%n",
                    jobManager.pid(), String.join(" ", jmJvm), taskManager.pid(), String.join(" ", tmJvm),
                    settings.taskSlots(), work.resolve("log"));

            cluster.awaitSlots(settings.taskSlots(), settings.startTimeout());
            state.setProperty("started.seconds", String.format(Locale.ROOT, "%.1f",
                    (System.nanoTime() - t0) / 1e9));
            cluster.writeStateFiles();
            if (settings.attached()) {
                cluster.attachedBroker = broker;
            } else {
                broker.detach();
            }
            log.printf("Flink %s session cluster up in %s s: REST and Web UI %s, Prometheus endpoints "
                            + "http://localhost:%d (JobManager) and http://localhost:%d (TaskManager)%n",
                    cluster.rest().overview().flinkVersion(), state.getProperty("started.seconds"), cluster.restUrl(),
                    ports[2], ports[3]);
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            try {
                cluster.stop();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    /** The cluster {@code dsi cluster up} started in {@code workDirectory}, from its state file. */
    public static StandaloneCluster attach(Path workDirectory) throws IOException {
        Path work = workDirectory.toAbsolutePath();
        Path file = work.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            throw new IllegalStateException("no cluster in " + work + " (" + STATE_FILE + " is missing); start one "
                    + "with `dsi cluster up`");
        }
        Properties state = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            state.load(in);
        }
        return new StandaloneCluster(work, state);
    }

    public Path workDirectory() {
        return workDirectory;
    }

    public String restUrl() {
        return required("rest.url");
    }

    public FlinkRestClient rest() {
        return new FlinkRestClient(restUrl());
    }

    public String bootstrapServers() {
        return required("kafka.bootstrap-servers");
    }

    public Path registry() {
        return Path.of(required("registry"));
    }

    public Path savepointDirectory() {
        return workDirectory.resolve("savepoints");
    }

    public Path checkpointDirectory() {
        return workDirectory.resolve("checkpoints");
    }

    /** The port of the Prometheus endpoint of {@code jobmanager} or {@code taskmanager}. */
    public int metricsPort(String process) {
        return Integer.parseInt(required("metrics.port." + process));
    }

    public int taskManagerMetricsPort() {
        return metricsPort(TASKMANAGER);
    }

    public int jobManagerMetricsPort() {
        return metricsPort(JOBMANAGER);
    }

    /** A fresh job jar from this cluster's build ({@link JobJar}), under {@code jobs/}. */
    public Path writeJobJar() throws IOException {
        return JobJar.write(Path.of(required("pipelines.classes")), Path.of(required("lib.directory")),
                workDirectory.resolve("jobs").resolve("dsi-job.jar"));
    }

    /** Process name → pid, of every process this cluster started. */
    public Map<String, Long> pids() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String name : List.of(KAFKA, JOBMANAGER, TASKMANAGER)) {
            String pid = state.getProperty("pid." + name);
            if (pid != null) {
                out.put(name, Long.parseLong(pid));
            }
        }
        return out;
    }

    /** The processes of {@link #pids()} that still run (and still are what was started). */
    public Map<String, Long> runningProcesses() {
        Map<String, Long> out = new LinkedHashMap<>();
        pids().forEach((name, pid) -> {
            if (ours(name, pid).isPresent()) {
                out.put(name, pid);
            }
        });
        return out;
    }

    /**
     * Stops the TaskManager, the JobManager and the broker (SIGTERM, then SIGKILL after a grace period), waits until
     * each is gone, and removes the pid files and the state file. Checkpoints, savepoints and the registry stay.
     *
     * @return one line per process saying what happened
     */
    public List<String> stop() {
        List<String> report = new ArrayList<>();
        List<String> order = List.of(TASKMANAGER, JOBMANAGER, KAFKA);
        Map<String, Long> pids = pids();
        for (String name : order) {
            Long pid = pids.get(name);
            if (pid == null) {
                continue;
            }
            Optional<ProcessHandle> process = ours(name, pid);
            if (process.isEmpty()) {
                report.add(name + " (pid " + pid + "): not running");
                continue;
            }
            long t0 = System.nanoTime();
            ProcessHandle handle = process.get();
            handle.destroy();
            boolean gone = awaitExit(handle, STOP_GRACE);
            if (!gone) {
                handle.destroyForcibly();
                gone = awaitExit(handle, Duration.ofSeconds(10));
            }
            report.add(String.format(Locale.ROOT, "%s (pid %d): %s in %.1f s", name, pid,
                    gone ? "stopped" : "STILL RUNNING after SIGKILL", (System.nanoTime() - t0) / 1e9));
        }
        if (attachedBroker != null) {
            attachedBroker.close(); // its process is gone already: this closes the admin client
        }
        attachedProcesses.clear();
        if (runningProcesses().isEmpty()) {
            deleteStateFiles();
        }
        return report;
    }

    private static boolean awaitExit(ProcessHandle handle, Duration timeout) {
        try {
            handle.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.isAlive();
        } catch (ExecutionException | TimeoutException e) {
            return !handle.isAlive();
        }
    }

    /** The live process {@code pid} when its command line is still the one started as {@code name}. */
    private static Optional<ProcessHandle> ours(String name, long pid) {
        String marker = switch (name) {
            case KAFKA -> "KafkaBrokerProcess";
            case JOBMANAGER -> StandaloneSessionClusterEntrypoint.class.getName();
            case TASKMANAGER -> TaskManagerRunner.class.getName();
            default -> throw new IllegalArgumentException("unknown cluster process " + name);
        };
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> p.info().commandLine()
                .or(() -> p.info().arguments().map(a -> String.join(" ", a)))
                .map(line -> line.contains(marker)).orElse(true));
    }

    private Process launch(String name, String mainClass, List<String> memoryFlags, List<String> args,
                           Path classpathArgFile, Settings settings) throws IOException {
        Path logDir = workDirectory.resolve("log");
        List<String> command = new ArrayList<>();
        if (!settings.attached() && Files.isExecutable(SETSID)) {
            // A session of its own: closing the terminal that ran `dsi cluster up` (SIGHUP) leaves it running.
            command.add(SETSID.toString());
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(memoryFlags);
        command.addAll(FLINK_JVM_OPENS);
        command.add("-XX:+UseG1GC");
        command.add("-Dlog.file=" + logDir.resolve(name + ".log"));
        command.add("-Dlog4j.configurationFile=file:" + workDirectory.resolve("conf").resolve("log4j.properties"));
        command.add("-Dai.djl.offline=true");
        command.add("-DOPT_OUT_TRACKING=true");
        command.add("-DDJL_CACHE_DIR=" + settings.djlCache());
        command.add("-DENGINE_CACHE_DIR=" + settings.djlCache());
        command.add("-D" + ParentWatch.WATCH_PROPERTY + "=" + settings.attached());
        command.add("@" + classpathArgFile);
        command.add(ParentWatch.class.getName());
        command.add(mainClass);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".out").toFile()));
        if (!settings.attached()) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        Map<String, String> env = builder.environment();
        env.put("OPT_OUT_TRACKING", "true");
        env.put("DJL_CACHE_DIR", settings.djlCache().toString());
        env.put("ENGINE_CACHE_DIR", settings.djlCache().toString());
        env.put("FLINK_CONF_DIR", workDirectory.resolve("conf").toString());
        env.put("FLINK_PLUGINS_DIR", workDirectory.resolve("plugins").toString());
        env.put("FLINK_LOG_DIR", logDir.toString());
        // PyTorch's OpenMP threads spin while idle; on a shared machine they should sleep instead.
        env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        env.putIfAbsent("MALLOC_ARENA_MAX", "4");
        Process process = builder.start();
        if (settings.attached()) {
            attachedProcesses.add(process);
        }
        state.setProperty("pid." + name, Long.toString(process.pid()));
        writeStateFiles();
        return process;
    }

    private void awaitSlots(int slots, Duration timeout) throws IOException {
        FlinkRestClient rest = rest();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String name : List.of(JOBMANAGER, TASKMANAGER)) {
                if (ours(name, pids().get(name)).isEmpty()) {
                    throw new IllegalStateException("the " + name + " exited during start; last lines of "
                            + workDirectory.resolve("log").resolve(name + ".log") + ":\n" + tail(name));
                }
            }
            try {
                FlinkRestClient.ClusterOverview overview = rest.overview();
                if (overview.taskManagers() >= 1 && overview.slotsTotal() >= slots) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint is not up yet
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the cluster", e);
            }
        }
        throw new IllegalStateException("the TaskManager's " + slots + " slots were not registered within "
                + timeout.toSeconds() + " s; last lines of the TaskManager log:\n" + tail(TASKMANAGER));
    }

    /** The last lines of a process's log and its standard output. */
    public String tail(String name) {
        StringBuilder out = new StringBuilder();
        for (String suffix : List.of(".log", ".out")) {
            Path file = workDirectory.resolve("log").resolve(name + suffix);
            try {
                List<String> lines = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
                out.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())))
                        .append('\n');
            } catch (IOException | UncheckedIOException e) {
                out.append("(cannot read ").append(file).append(")\n");
            }
        }
        return out.toString();
    }

    /** {@code lib/*.jar} except dsi-stream's own module jars, then the cluster-side jar. */
    static List<Path> clusterClasspath(Path libDirectory, Path clusterLib) throws IOException {
        List<Path> own = JobJar.projectJars(libDirectory);
        List<Path> out = JobJar.jars(libDirectory).stream().filter(j -> !own.contains(j))
                .map(Path::toAbsolutePath).collect(Collectors.toCollection(ArrayList::new));
        out.add(clusterLib.toAbsolutePath());
        return out;
    }

    private static Path writeClasspath(Path file, List<Path> entries) throws IOException {
        String cp = entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        Files.writeString(file, "-cp \"" + cp.replace("\\", "\\\\").replace("\"", "\\\"") + "\"\n",
                StandardCharsets.UTF_8);
        return file;
    }

    private static List<String> split(String flags) {
        return Arrays.stream(flags.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private void writeStateFiles() throws IOException {
        Files.createDirectories(workDirectory.resolve("pids"));
        for (Map.Entry<String, Long> e : pids().entrySet()) {
            Files.writeString(workDirectory.resolve("pids").resolve(e.getKey() + ".pid"), e.getValue() + "\n",
                    StandardCharsets.UTF_8);
        }
        Path tmp = workDirectory.resolve(STATE_FILE + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            state.store(out, "dsi cluster: the processes and endpoints of the running cluster");
        }
        Files.move(tmp, workDirectory.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private void deleteStateFiles() {
        try {
            for (String name : List.of(KAFKA, JOBMANAGER, TASKMANAGER)) {
                Files.deleteIfExists(workDirectory.resolve("pids").resolve(name + ".pid"));
            }
            Files.deleteIfExists(workDirectory.resolve(STATE_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the pid files under " + workDirectory, e);
        }
    }

    private String required(String key) {
        String value = state.getProperty(key);
        if (value == null) {
            throw new IllegalStateException(workDirectory.resolve(STATE_FILE) + " has no '" + key
                    + "': the cluster did not finish starting; `dsi cluster down` and up again");
        }
        return value;
    }

    private static int[] freePorts(int count) throws IOException {
        ServerSocket[] sockets = new ServerSocket[count];
        int[] ports = new int[count];
        try {
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
}
