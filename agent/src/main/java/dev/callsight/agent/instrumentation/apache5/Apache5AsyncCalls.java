package dev.callsight.agent.instrumentation.apache5;

import dev.callsight.agent.bootstrap.ApacheAsyncHook;
import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.core.InternalThread;
import dev.callsight.agent.core.client.AgentTimer;
import dev.callsight.agent.core.client.AttemptTimeouts;
import dev.callsight.agent.core.client.ClientCall;
import dev.callsight.agent.core.client.LogicalCall;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.client.RetrySource;
import java.net.SocketTimeoutException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.AsyncProtocolExec;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.message.BasicHttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;

/**
 * The glue between Apache HttpClient 5's async client and the core. A call enters its chain at
 * the head (the first chain element whose exchange is not yet known), where it begins, may be
 * refused, and is ended by the callback that stands in there. AsyncProtocolExec.execute runs once
 * per request on the wire below the library's retry and redirect handlers; each attempt gets its
 * timeouts through the RequestConfig in the execution context. The agent's retries send the
 * attempt again through AsyncProtocolExec from the agent's timer thread. Calls are known by the
 * exchange id the client gives each execution, which its retries and redirects keep.
 */
final class Apache5AsyncCalls implements ApacheAsyncHook {

    private final OutboundCalls outbound;
    private final ConcurrentMap<String, AsyncCall> calls = new ConcurrentHashMap<>();

    Apache5AsyncCalls(OutboundCalls outbound) {
        this.outbound = outbound;
    }

    @Override
    public Object chainEntered(Object request, Object entityProducer, Object scope, Object callback) {
        AsyncExecChain.Scope chainScope = (AsyncExecChain.Scope) scope;
        if (InternalThread.isCurrent() || calls.containsKey(chainScope.exchangeId)) {
            return callback;
        }
        HttpRequest application = chainScope.originalRequest;
        LogicalCall logical;
        try {
            logical = outbound.begin(Apache5Requests.describe((HttpRequest) request,
                    chainScope.route.getTargetHost(), application));
        } catch (CallRejectedException rejected) {
            ((AsyncExecCallback) callback).failed(rejected);
            return rejected;
        }
        AsyncEntityProducer producer = (AsyncEntityProducer) entityProducer;
        AsyncCall call = new AsyncCall(logical, chainScope, producer == null || producer.isRepeatable(),
                (AsyncExecCallback) callback, () -> calls.remove(chainScope.exchangeId));
        calls.put(chainScope.exchangeId, call);
        long remaining = logical.remainingDeadlineMillis();
        if (remaining != Long.MAX_VALUE) {
            call.deadline = outbound.timer().alarm(TimeUnit.MILLISECONDS.toNanos(remaining),
                    () -> call.deadlinePassed(new SocketTimeoutException("callsight: deadline of "
                            + logical.policy().timeouts().deadline().toMillis() + " ms passed")));
        }
        return call;
    }

    @Override
    public void chainExited(Object entered, Throwable thrown) {
        // The client fails the application's future itself when the chain throws.
        if (thrown != null && entered instanceof AsyncCall) {
            ((AsyncCall) entered).end();
        }
    }

    @Override
    public Object attemptStarted(Object protocolExec, Object request, Object entityProducer, Object scope,
            Object chain, Object callback) {
        AsyncExecChain.Scope chainScope = (AsyncExecChain.Scope) scope;
        AsyncCall call = calls.get(chainScope.exchangeId);
        if (call == null || call.isEnded()) {
            return callback;
        }
        HttpRequest attemptRequest = (HttpRequest) request;
        HttpRequest unsent = copyOf(attemptRequest);
        ClientCall attempt = call.logical.startAttempt(Apache5Requests.describe(attemptRequest,
                chainScope.route.getTargetHost(), chainScope.originalRequest), call.nextSource);
        call.nextSource = RetrySource.CLIENT;
        call.logical.inject(attempt, attemptRequest::setHeader);
        RequestConfig config = Apache5Requests.effective(call.applicationConfig);
        AttemptTimeouts timeouts = AttemptTimeouts.of(call.logical,
                Apache5Requests.millisOf(config.getConnectTimeout()), Apache5Requests.millisOf(config.getResponseTimeout()));
        chainScope.clientContext.setRequestConfig(Apache5Requests.withTimeouts(config, timeouts));
        AsyncExecCallback next = (AsyncExecCallback) callback;
        call.attempt = new TracedExecCallback(call, attempt, timeouts, next, delay -> resend(call,
                (AsyncProtocolExec) protocolExec, unsent, (AsyncEntityProducer) entityProducer, chainScope,
                (AsyncExecChain) chain, next, delay));
        return call.attempt;
    }

    @Override
    public void attemptSubmitted(Object callback, Throwable thrown) {
        if (thrown != null && callback instanceof TracedExecCallback) {
            ((TracedExecCallback) callback).end(thrown);
        }
    }

    /** After the backoff, on the agent's timer thread: the attempt goes through AsyncProtocolExec again. */
    private void resend(AsyncCall call, AsyncProtocolExec exec, HttpRequest unsent, AsyncEntityProducer producer,
            AsyncExecChain.Scope scope, AsyncExecChain chain, AsyncExecCallback next, long delayNanos) {
        AgentTimer timer = outbound.timer();
        timer.schedule(() -> {
            if (call.isEnded()) {
                return;
            }
            call.nextSource = RetrySource.AGENT;
            try {
                if (producer != null) {
                    producer.releaseResources();
                }
                exec.execute(copyOf(unsent), producer, scope, chain, next);
            } catch (Exception refused) {
                next.failed(refused);
            }
        }, delayNanos);
    }

    /** The attempt's request before the protocol handler and the agent add to it, to send again. */
    private static HttpRequest copyOf(HttpRequest request) {
        BasicHttpRequest copy = new BasicHttpRequest(request.getMethod(), request.getPath());
        copy.setScheme(request.getScheme());
        copy.setAuthority(request.getAuthority());
        copy.setVersion(request.getVersion());
        copy.setHeaders(request.getHeaders());
        return copy;
    }
}
