package io.dsistream.models.encoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The process's memory as the kernel and the JVM see it. Resident figures include native memory (libtorch,
 * tensors, the ONNX bytes) that the Java heap figure does not.
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {
    }

    /** Peak resident set size since the process started ({@code VmHWM}); empty where /proc is unavailable. */
    public static OptionalLong peakResidentBytes() {
        return statusKilobytes("VmHWM:");
    }

    /** Current resident set size ({@code VmRSS}); empty where /proc is unavailable. */
    public static OptionalLong residentBytes() {
        return statusKilobytes("VmRSS:");
    }

    /** Java heap in use now (total minus free); garbage not yet collected counts. */
    public static long heapUsedBytes() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static OptionalLong statusKilobytes(String field) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(field)) {
                    // "VmHWM:\t  123456 kB"
                    String number = line.substring(field.length()).trim().split("\\s+")[0];
                    return OptionalLong.of(Long.parseLong(number) * 1024L);
                }
            }
            return OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
