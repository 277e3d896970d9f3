package dev.callsight.agent.instrumentation.jdkhttp;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an attempt sends: the application's request with the attempt's context headers and the timeout the policy
 * allows, as a view rather than a rebuilt copy. The client keeps it as its exchange's user request, so the exchange's
 * own retries and redirects find their call through it ({@link #owner}), with no map of exchanges to calls.
 */
final class AttemptRequest extends HttpRequest {

    private final HttpRequest original;
    private final JdkHttpClientCalls.Call owner;
    private final HttpHeaders headers;
    private final Optional<Duration> timeout;

    /**
     * @param headers the original's headers with the attempt's context headers set over them, or null for the
     *     original's own
     * @param timeout the timeout to send with, or null for the original's own
     */
    AttemptRequest(HttpRequest original, JdkHttpClientCalls.Call owner, Map<String, List<String>> headers, Duration timeout) {
        this.original = original;
        this.owner = owner;
        this.headers = headers == null ? original.headers() : HttpHeaders.of(headers, (name, value) -> true);
        this.timeout = timeout == null ? original.timeout() : Optional.of(timeout);
    }

    /** The call this attempt belongs to, if {@code request} is one. */
    static JdkHttpClientCalls.Call ownerOf(Object request) {
        return request instanceof AttemptRequest ? ((AttemptRequest) request).owner : null;
    }

    @Override
    public Optional<BodyPublisher> bodyPublisher() {
        return original.bodyPublisher();
    }

    @Override
    public String method() {
        return original.method();
    }

    @Override
    public Optional<Duration> timeout() {
        return timeout;
    }

    @Override
    public boolean expectContinue() {
        return original.expectContinue();
    }

    @Override
    public URI uri() {
        return original.uri();
    }

    @Override
    public Optional<HttpClient.Version> version() {
        return original.version();
    }

    @Override
    public HttpHeaders headers() {
        return headers;
    }
}
