package io.dsistream.pipelines.cluster.lib;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Runs another main class ({@code ParentWatch <main class> <args...>}) and, when the system property
 * {@value #WATCH_PROPERTY} is {@code true}, exits the JVM once its standard input (a pipe from the process that
 * started it) closes: the parent stopped, or died even by SIGKILL. Tests start the cluster's JobManager and
 * TaskManager this way so that none outlives the test JVM; {@code dsi cluster up} starts them detached (input from
 * {@code /dev/null}, no watch) and stops them later by their pid files. Same scheme as the Kafka broker's
 * {@code KafkaBrokerProcess}.
 */
public final class ParentWatch {

    /** Set to {@code true} to exit when standard input closes. */
    public static final String WATCH_PROPERTY = "dsi.cluster.watch-parent";

    /** How long a clean shutdown (Flink's shutdown hooks) may take after the parent is gone. */
    private static final long HALT_AFTER_PARENT_EXIT_MILLIS = 30_000;

    private ParentWatch() {
    }

    public static void main(String[] args) throws Throwable {
        if (args.length < 1) {
            System.err.println("usage: ParentWatch <main class> [args...]");
            System.exit(2);
        }
        if (Boolean.getBoolean(WATCH_PROPERTY)) {
            watch(System.in);
        }
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        try {
            main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void watch(InputStream parentPipe) {
        Thread watcher = new Thread(() -> {
            try {
                byte[] buffer = new byte[64];
                while (parentPipe.read(buffer) >= 0) {
                    // The parent never writes; anything read is ignored.
                }
            } catch (IOException e) {
                // A broken pipe means the same as end of input: the parent is gone.
            }
            System.err.println("standard input closed (parent stopped or gone): shutting down");
            Thread halter = new Thread(() -> {
                try {
                    Thread.sleep(HALT_AFTER_PARENT_EXIT_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                Runtime.getRuntime().halt(1);
            }, "parent-watch-halt-timer");
            halter.setDaemon(true);
            halter.start();
            System.exit(0);
        }, "parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
