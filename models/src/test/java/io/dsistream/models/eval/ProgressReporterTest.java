package io.dsistream.models.eval;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProgressReporterTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void printsAtMostEveryTwoSecondsThenAFinalLine() {
        AtomicLong clock = new AtomicLong(1000 * SECOND);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressReporter progress = new ProgressReporter("encoding corpus", "docs", 5183, out, clock::get);

        clock.addAndGet(SECOND);
        progress.advance(100);
        assertEquals("", bytes.toString(StandardCharsets.UTF_8), "nothing within the first 2 s");

        clock.set(1000 * SECOND + 26_600_000_000L);  // 1200 docs in 26.6 s = 45.1 docs/s; 3983 left = 88 s
        progress.advance(1100);
        progress.advance(0);                          // same instant: throttled
        assertEquals("encoding corpus 1200/5183 (23%), 45.1 docs/s, eta 1m28s\n",
                bytes.toString(StandardCharsets.UTF_8));

        bytes.reset();
        clock.set(1000 * SECOND + 100 * SECOND);
        progress.advance(3983);
        bytes.reset();
        progress.finish();
        progress.finish();                            // once only
        assertEquals("encoding corpus 5183/5183 (100%), 51.8 docs/s, took 1m40s\n",
                bytes.toString(StandardCharsets.UTF_8));
        assertEquals(5183, progress.done());
    }

    @Test
    void quietReporterCountsOnly() {
        ProgressReporter progress = ProgressReporter.quiet("x", "docs", 10);
        progress.advance(4);
        progress.finish();
        assertEquals(4, progress.done());
    }

    @Test
    void durationsReadNaturally() {
        assertEquals("9s", ProgressReporter.duration(9.4));
        assertEquals("1m28s", ProgressReporter.duration(88.3));
        assertEquals("2h5m", ProgressReporter.duration(7500));
    }
}
