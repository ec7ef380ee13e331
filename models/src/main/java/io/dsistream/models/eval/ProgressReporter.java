package io.dsistream.models.eval;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress of one long task (encoding a corpus, answering a split's queries), printed as one line at most
 * every {@value #INTERVAL_SECONDS} s, e.g. {@code encoding corpus 1200/5183 (23%), 45.1 docs/s, eta 1m28s},
 * and a final line from {@link #finish()}. Lines, not carriage-return redraws, so that logs stay readable.
 * A quiet reporter counts but prints nothing. Not thread-safe: one task, one thread.
 */
public final class ProgressReporter {

    static final long INTERVAL_SECONDS = 2;
    private static final long INTERVAL_NANOS = INTERVAL_SECONDS * 1_000_000_000L;

    private final String label;
    private final String unit;
    private final long total;
    private final PrintStream out;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private long lastPrintNanos;
    private long done;
    private boolean finished;

    /**
     * @param label     what is being done, e.g. {@code "encoding corpus"}
     * @param unit      what is counted, plural, e.g. {@code "docs"}
     * @param total     how many there are; 0 or less when unknown (no percentage or eta then)
     * @param out       where lines go; null for a quiet reporter
     * @param nanoClock monotonic time in nanoseconds, {@link System#nanoTime} outside tests
     */
    public ProgressReporter(String label, String unit, long total, PrintStream out, LongSupplier nanoClock) {
        this.label = label;
        this.unit = unit;
        this.total = total;
        this.out = out;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastPrintNanos = startNanos;
    }

    /** A reporter printing to standard error. */
    public static ProgressReporter toStderr(String label, String unit, long total) {
        return new ProgressReporter(label, unit, total, System.err, System::nanoTime);
    }

    /** A reporter that prints nothing. */
    public static ProgressReporter quiet(String label, String unit, long total) {
        return new ProgressReporter(label, unit, total, null, System::nanoTime);
    }

    /** {@link #toStderr} or {@link #quiet}. */
    public static ProgressReporter of(boolean show, String label, String unit, long total) {
        return show ? toStderr(label, unit, total) : quiet(label, unit, total);
    }

    /** Records {@code count} more units done; prints a line when the last one is at least 2 s old. */
    public void advance(long count) {
        done += count;
        long now = nanoClock.getAsLong();
        if (now - lastPrintNanos >= INTERVAL_NANOS) {
            lastPrintNanos = now;
            print(line(now, false));
        }
    }

    /** Prints the final line (once) with the total time taken. */
    public void finish() {
        if (!finished) {
            finished = true;
            print(line(nanoClock.getAsLong(), true));
        }
    }

    /** Units done so far. */
    public long done() {
        return done;
    }

    String line(long nowNanos, boolean last) {
        double seconds = (nowNanos - startNanos) / 1e9;
        StringBuilder line = new StringBuilder(label).append(' ').append(done);
        if (total > 0) {
            line.append('/').append(total)
                    .append(String.format(Locale.ROOT, " (%d%%)", Math.round(100.0 * done / total)));
        }
        double rate = seconds > 0 ? done / seconds : 0.0;
        line.append(String.format(Locale.ROOT, ", %.1f %s/s", rate, unit));
        if (last) {
            line.append(", took ").append(duration(seconds));
        } else if (total > 0 && rate > 0) {
            line.append(", eta ").append(duration(Math.max(0, total - done) / rate));
        }
        return line.toString();
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m" + (s % 60) + "s";
        }
        return (s / 3600) + "h" + ((s % 3600) / 60) + "m";
    }

    private void print(String line) {
        if (out != null) {
            out.println(line);
            out.flush();
        }
    }
}
