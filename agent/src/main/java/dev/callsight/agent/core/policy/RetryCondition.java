package dev.callsight.agent.core.policy;

/** A kind of failed attempt that a retry policy may retry, besides response status codes. */
public enum RetryCondition {
    /** The connection could not be established: refused, unreachable, unknown host. */
    CONNECT_ERROR("connect_error"),
    /** An attempt ran out of its connect or read timeout. */
    TIMEOUT("timeout"),
    /** Any other I/O failure, e.g. the connection was reset while the response was read. */
    IO_ERROR("io_error");

    private final String configName;

    RetryCondition(String configName) {
        this.configName = configName;
    }

    /** The name used in policy files and in the {@code reason} of retry metrics. */
    public String configName() {
        return configName;
    }
}
