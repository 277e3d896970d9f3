package dev.callsight.collector.store;

/**
 * The store could not do the work: nothing was committed, and the same work may succeed later (the disk is freed,
 * the directory made writable, the database comes back). HTTP answers it with 503 and {@code Retry-After}.
 */
public final class StoreUnavailableException extends RuntimeException {

    private final StoreFailure failure;

    /** For the engines in {@code store}'s sub-packages; the failure says why for the client and the metrics. */
    public StoreUnavailableException(StoreFailure failure, Throwable cause) {
        super("store unavailable: " + failure.message(), cause);
        this.failure = failure;
    }

    public StoreFailure failure() {
        return failure;
    }
}
