package dev.callsight.agent.core.http;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Arrays;
import java.util.List;

/** The OpenTelemetry HTTP semantic conventions both sides of a call write: client spans and server spans alike. */
public final class HttpSemantics {

    public static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
    public static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL =
            AttributeKey.stringKey("http.request.method_original");
    public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
            AttributeKey.longKey("http.response.status_code");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /** Bucket boundaries the semantic conventions advise for HTTP durations, in seconds. */
    public static final List<Double> DURATION_BUCKETS =
            Arrays.asList(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);

    private HttpSemantics() {}
}
