package dev.callsight.collector.store;

/**
 * The store refused the data itself (a value its schema cannot hold): nothing was committed, and the same data would
 * be refused again. HTTP answers it with 400.
 */
public final class StoreDataException extends RuntimeException {

    StoreDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
