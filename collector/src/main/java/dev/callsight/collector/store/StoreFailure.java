package dev.callsight.collector.store;

import java.nio.file.AccessDeniedException;
import java.nio.file.ReadOnlyFileSystemException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Why a store operation failed, in words for the client and a label for the metrics: the disk is full, the data
 * directory is read-only, or something else. All are worth retrying: nothing was committed, and the first two
 * clear when an operator frees space or makes the directory writable again.
 *
 * @param cause {@code disk_full}, {@code read_only} or {@code error}
 * @param message what happened, for the client
 */
public record StoreFailure(String cause, String message) {

    /** H2's {@code ErrorCode.DATABASE_IS_READ_ONLY}. */
    private static final int H2_DATABASE_IS_READ_ONLY = 90097;

    /** Why a JDBC call or a file operation of a store engine failed. */
    public static StoreFailure of(Exception failure) {
        if (failure instanceof SQLException sql && sql.getErrorCode() == H2_DATABASE_IS_READ_ONLY) {
            return new StoreFailure("read_only", "read-only data directory: " + firstLine(failure));
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (text.contains("no space left on device") || text.contains("disk full")
                    || text.contains("disk quota exceeded")) {
                return new StoreFailure("disk_full", "disk full: " + firstLine(t) + " (" + firstLine(failure)
                        + "); free space in the data directory, ingest resumes by itself");
            }
            if (t instanceof ReadOnlyFileSystemException || t instanceof AccessDeniedException
                    || text.contains("read-only file system") || text.contains("permission denied")) {
                return new StoreFailure("read_only", "read-only data directory: " + firstLine(t)
                        + "; make it writable, ingest resumes by itself");
            }
        }
        return new StoreFailure("error", firstLine(failure));
    }

    private static String firstLine(Throwable t) {
        return String.valueOf(t.getMessage()).lines().findFirst().orElse(t.getClass().getSimpleName());
    }
}
