package dev.callsight.agent.instrumentation.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.CallRejectedException;
import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.InstrumentationModule;
import dev.callsight.agent.core.OutboundCalls;
import java.net.HttpURLConnection;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * java.net.HttpURLConnection, http and https (the https implementation delegates to a
 * subclass of the http one). A request starts at the first of connect, getOutputStream,
 * getInputStream or getResponseCode, and ends when getInputStream or getResponseCode returns
 * or any of them throws. getResponseCode must end it too: the https implementation answers it
 * from its inner connection, so the outer one never sees getInputStream.
 */
public final class UrlConnectionModule implements InstrumentationModule {

    @Override
    public String name() {
        return "httpurlconnection";
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, OutboundCalls calls) {
        Hooks.install(new UrlConnectionCalls(calls));
        return builder
                // The JDK's implementations (https delegates to a subclass of the http one) and the
                // base class, which implements getResponseCode; a name match costs nothing per loaded class.
                .type(namedOneOf("java.net.HttpURLConnection", "sun.net.www.protocol.http.HttpURLConnection",
                        "sun.net.www.protocol.https.HttpsURLConnectionImpl"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(UrlConnectionModule.class.getClassLoader())
                        .advice(namedOneOf("connect", "getOutputStream", "getInputStream", "getResponseCode")
                                        .and(isPublic()).and(takesArguments(0)).and(not(isAbstract())),
                                ConnectionAdvice.class.getName()));
    }

    /**
     * connect, getOutputStream, getInputStream and getResponseCode. A call the policy refuses
     * skips the method and throws; a deadline the agent enforced throws a SocketTimeoutException.
     */
    public static final class ConnectionAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = CallRejectedException.class)
        public static Object onEnter(@Advice.This HttpURLConnection connection) {
            return Hooks.urlConnection().enter(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.This HttpURLConnection connection, @Advice.Enter Object entered,
                @Advice.Origin("#m") String method, @Advice.Return(typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            thrown = Hooks.urlConnection().exit(connection, entered, method, returned, thrown);
        }
    }
}
