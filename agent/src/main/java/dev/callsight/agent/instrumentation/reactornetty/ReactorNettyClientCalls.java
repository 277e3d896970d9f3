package dev.callsight.agent.instrumentation.reactornetty;

import dev.callsight.agent.bootstrap.ReactorNettyClientHook;
import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.CallDepth;
import dev.callsight.agent.core.InternalThread;
import dev.callsight.agent.core.client.ClientRequest;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.policy.Policy;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.time.Duration;
import java.util.function.BiFunction;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientConfig;

/**
 * The glue between Reactor Netty's HTTP client and the core. When the application asks for the
 * response, the agent answers from a copy of its client that carries the call's policy and
 * callbacks: the policy's connect timeout as the channel's connect timeout, its read timeout as
 * the client's response timeout (both only where shorter than the application's), and
 * {@link ReactorCall} around the request's connection, which begins the call when it is
 * subscribed, makes one span per request Reactor Netty sends, retries and applies the deadline,
 * all as signals of the reactive chain, never blocking a thread.
 */
final class ReactorNettyClientCalls implements ReactorNettyClientHook {

    private final OutboundCalls calls;
    /** The traced copy's own response method runs inside the advice and must run as it is. */
    private final CallDepth depth = new CallDepth();

    ReactorNettyClientCalls(OutboundCalls calls) {
        this.calls = calls;
    }

    @Override
    public Object traced(Object receiver) {
        if (depth.enter() > 0 || InternalThread.isCurrent() || !(receiver instanceof HttpClient)) {
            return null;
        }
        try {
            HttpClient client = (HttpClient) receiver;
            HttpClientConfig config = client.configuration();
            URI uri = uriOf(config);
            if (uri == null) {
                return null;
            }
            HttpHeaders headers = config.headers();
            ClientRequest request = new ClientRequest(config.method().name(), uri, headers::get,
                    headers.contains("Idempotency-Key"));
            HttpClient traced = withTimeouts(client, config, calls.policyFor(request))
                    .mapConnect(connection -> ReactorCall.around(connection, calls, request))
                    .doOnRequest(ReactorCall::requestSent)
                    .doOnResponse(ReactorCall::responseReceived);
            return traced instanceof HttpClient.ResponseReceiver ? traced : null;
        } catch (RuntimeException agentFault) {
            AgentLog.warn("could not trace a Reactor Netty request", agentFault);
            return null;
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Object respond(Object traced, String method, Object receiver) {
        HttpClient.ResponseReceiver responses = (HttpClient.ResponseReceiver) traced;
        BiFunction function = (BiFunction) receiver;
        switch (method) {
            case "response":
                return function == null ? responses.response() : responses.response(function);
            case "responseConnection":
                return responses.responseConnection(function);
            case "responseContent":
                return responses.responseContent();
            case "responseSingle":
                return responses.responseSingle(function);
            default:
                throw new IllegalArgumentException("not a response method: " + method);
        }
    }

    @Override
    public void exited() {
        depth.exit();
    }

    private static HttpClient withTimeouts(HttpClient client, HttpClientConfig config, Policy policy) {
        HttpClient limited = client;
        Object applicationConnect = config.options().get(ChannelOption.CONNECT_TIMEOUT_MILLIS);
        int connect = applicationConnect instanceof Integer ? (Integer) applicationConnect : 0;
        int policyConnect = policy.connectTimeoutMillis(connect);
        if (policyConnect > 0 && policyConnect != connect) {
            limited = limited.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, policyConnect);
        }
        Duration applicationResponse = config.responseTimeout();
        int response = applicationResponse == null ? 0 : (int) Math.min(Integer.MAX_VALUE, applicationResponse.toMillis());
        int policyResponse = policy.readTimeoutMillis(response);
        if (policyResponse > 0 && policyResponse != response) {
            limited = limited.responseTimeout(Duration.ofMillis(policyResponse));
        }
        return limited;
    }

    /** The request's absolute URI: its uri, or the base URL and a relative one; null when neither makes one. */
    private static URI uriOf(HttpClientConfig config) {
        String uri = config.uri();
        String base = config.baseUrl();
        String full = uri == null ? base : base != null && !uri.contains("://") ? base + uri : uri;
        if (full == null) {
            return null;
        }
        try {
            URI parsed = URI.create(full);
            return parsed.getHost() == null ? null : parsed;
        } catch (IllegalArgumentException unparsable) {
            return null;
        }
    }
}
