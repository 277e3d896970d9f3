package dev.callsight.agent.instrumentation.okhttp;

import java.io.IOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * The last network interceptor of every client: it sees each attempt's request as it goes on
 * the wire, after the application's own network interceptors, and writes the attempt's context
 * headers into it.
 */
final class ContextHeaderInterceptor implements Interceptor {

    private final OkHttpCalls calls;

    ContextHeaderInterceptor(OkHttpCalls calls) {
        this.calls = calls;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        return chain.proceed(calls.withContextHeaders(chain.call(), chain.request()));
    }
}
