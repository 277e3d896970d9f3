package dev.callsight.agent.instrumentation.reactornetty;

import dev.callsight.agent.core.AgentLog;
import dev.callsight.agent.core.client.ClientCall;
import dev.callsight.agent.core.client.ClientRequest;
import dev.callsight.agent.core.client.LogicalCall;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import reactor.netty.Connection;

/**
 * Writes an attempt's context headers into its request head as the head goes out. Not earlier:
 * Spring's WebClient sets the application's headers (a gateway's copies of the inbound ones
 * among them) after Reactor Netty's doOnRequest callbacks, and they must be seen to be replaced.
 */
final class ContextHeaders extends ChannelOutboundHandlerAdapter {

    private static final String NAME = "callsight.context-headers";

    private final LogicalCall logical;
    private final ClientCall attempt;
    private final ClientRequest request;

    private ContextHeaders(LogicalCall logical, ClientCall attempt, ClientRequest request) {
        this.logical = logical;
        this.attempt = attempt;
        this.request = request;
    }

    static void writeOnRequestHead(Connection connection, LogicalCall logical, ClientCall attempt, ClientRequest request) {
        if (connection.channel().pipeline().get(NAME) != null) {
            connection.channel().pipeline().remove(NAME);
        }
        connection.addHandlerFirst(NAME, new ContextHeaders(logical, attempt, request));
    }

    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
        if (message instanceof HttpRequest) {
            try {
                context.pipeline().remove(this);
                HttpHeaders headers = ((HttpRequest) message).headers();
                logical.inject(attempt, new ClientRequest(request.method(), request.uri(), headers::get,
                        request.hasIdempotencyKey()), headers::set);
            } catch (RuntimeException agentFault) {
                AgentLog.warn("could not write the context headers of a Reactor Netty request", agentFault);
            }
        }
        super.write(context, message, promise);
    }
}
