package io.dsistream.models.eval;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A dataset file that is missing or does not have the expected format. Names the file and, where the fault
 * is on one line, its 1-based line number, so that a broken download is found without a debugger.
 */
public final class DatasetFormatException extends IOException {

    private final Path file;
    private final int line;

    /** A fault in the file as a whole (missing, empty); {@link #line()} is 0. */
    public DatasetFormatException(Path file, String reason) {
        super(file + ": " + reason);
        this.file = file;
        this.line = 0;
    }

    /** A fault on one line. */
    public DatasetFormatException(Path file, int line, String reason) {
        this(file, line, reason, null);
    }

    public DatasetFormatException(Path file, int line, String reason, Throwable cause) {
        super(file + ":" + line + ": " + reason, cause);
        this.file = file;
        this.line = line;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** 1-based line number of the fault, or 0 when the fault is not on one line. */
    public int line() {
        return line;
    }
}
