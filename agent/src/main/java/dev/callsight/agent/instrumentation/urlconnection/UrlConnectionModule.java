package dev.callsight.agent.instrumentation.urlconnection;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.InstrumentationModule;
import dev.callsight.agent.core.client.OutboundCalls;
import java.net.HttpURLConnection;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * java.net.HttpURLConnection, http and https (the https implementation delegates to a
 * subclass of the http one). A request starts at the first of connect, getOutputStream,
 * getInputStream or getResponseCode, and ends when getInputStream or getResponseCode returns
 * or any of them throws. getResponseCode must end it too: the https implementation answers it
 * from its inner connection, so the outer one never sees getInputStream. After the agent retried,
 * the application's connection is answered by the connection of the last retry: every public
 * method that reads the response is skipped and delegated to it.
 */
public final class UrlConnectionModule implements InstrumentationModule {

    @Override
    public String name() {
        return "httpurlconnection";
    }

    @Override
    public List<String> gatedTypes() {
        // Not java.net.HttpURLConnection: the JDK's class path code loads it for an instanceof test while it holds
        // the class path's lock, which the agent's own start needs. Every call opens one of these two.
        return List.of("sun.net.www.protocol.http.HttpURLConnection", "sun.net.www.protocol.https.HttpsURLConnectionImpl");
    }

    @Override
    public void publish(OutboundCalls calls) {
        Hooks.install(new UrlConnectionCalls(calls));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder
                // The JDK's implementations (https delegates to a subclass of the http one) and the
                // base class, which implements getResponseCode; a name match costs nothing per loaded class.
                .type(namedOneOf("java.net.HttpURLConnection", "sun.net.www.protocol.http.HttpURLConnection",
                        "sun.net.www.protocol.https.HttpsURLConnectionImpl"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(UrlConnectionModule.class.getClassLoader())
                        .advice(named("connect").and(concrete()).and(takesArguments(0)), ConnectAdvice.class.getName())
                        .advice(namedOneOf("getOutputStream", "getInputStream")
                                .and(concrete()).and(takesArguments(0)), RequestAdvice.class.getName())
                        .advice(named("getResponseCode").and(concrete()).and(takesArguments(0)),
                                ResponseCodeAdvice.class.getName())
                        // One advice per arity: no argument array is built on the calls that are not answered elsewhere.
                        .advice(namedOneOf(RESPONSE_READERS).and(concrete()).and(takesArguments(0)),
                                ResponseAdvice.class.getName())
                        .advice(namedOneOf(RESPONSE_READERS).and(concrete()).and(takesArguments(1)),
                                ResponseAdvice1.class.getName())
                        .advice(namedOneOf(RESPONSE_READERS).and(concrete()).and(takesArguments(2)),
                                ResponseAdvice2.class.getName())
                        .advice(named("disconnect").and(concrete()).and(takesArguments(0)), DisconnectAdvice.class.getName())
                        .advice(namedOneOf("setRequestProperty", "addRequestProperty").and(concrete())
                                .and(takesArguments(String.class, String.class)), HeaderAdvice.class.getName()));
    }

    /**
     * The public methods that read the response, other than the request methods. The https
     * implementation overrides each to ask its inner connection, so each is one to answer from
     * the connection of the agent's last retry.
     */
    private static final String[] RESPONSE_READERS = {"getErrorStream", "getResponseMessage", "getHeaderField",
        "getHeaderFieldKey", "getHeaderFields", "getHeaderFieldInt", "getHeaderFieldLong", "getHeaderFieldDate",
        "getContentType", "getContentLength", "getContentLengthLong", "getContentEncoding", "getExpiration", "getDate",
        "getLastModified", "getContent", "getURL", "usingProxy", "getCipherSuite", "getLocalCertificates",
        "getServerCertificates", "getPeerPrincipal", "getLocalPrincipal"};

    private static ElementMatcher.Junction<MethodDescription> concrete() {
        return isPublic().and(not(isAbstract())).and(not(isStatic()));
    }

    /**
     * getOutputStream and getInputStream (getResponseCode through {@link ResponseCodeAdvice}). A call the policy
     * refuses skips the method and throws; a deadline the agent enforced throws a SocketTimeoutException; after an
     * agent retry the method is skipped and answered by the retry's connection.
     */
    public static final class RequestAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static Object onEnter(@Advice.This HttpURLConnection connection) {
            return Hooks.urlConnection().enter(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.This HttpURLConnection connection, @Advice.Enter Object entered,
                @Advice.Origin("#m") String method,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            try {
                returned = Hooks.urlConnection().exit(connection, entered, method, returned, thrown);
                thrown = null;
            } catch (Throwable outcome) {
                thrown = outcome;
            }
        }
    }

    /** getResponseCode: as {@link RequestAdvice}, with its int unboxed. */
    public static final class ResponseCodeAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static Object onEnter(@Advice.This HttpURLConnection connection) {
            return Hooks.urlConnection().enter(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.This HttpURLConnection connection, @Advice.Enter Object entered,
                @Advice.Return(readOnly = false) int returned, @Advice.Thrown(readOnly = false) Throwable thrown) {
            try {
                returned = Hooks.urlConnection().exitResponseCode(connection, entered, returned, thrown);
                thrown = null;
            } catch (Throwable outcome) {
                thrown = outcome;
            }
        }
    }

    /** connect: as {@link RequestAdvice}, for a method that returns nothing. */
    public static final class ConnectAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static Object onEnter(@Advice.This HttpURLConnection connection) {
            return Hooks.urlConnection().enter(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.This HttpURLConnection connection, @Advice.Enter Object entered,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            try {
                Hooks.urlConnection().exit(connection, entered, "connect", null, thrown);
                thrown = null;
            } catch (Throwable outcome) {
                thrown = outcome;
            }
        }
    }

    /** The response readers without arguments: skipped and answered by the retry's connection after an agent retry. */
    public static final class ResponseAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static HttpURLConnection onEnter(@Advice.This HttpURLConnection connection) {
            return Hooks.urlConnection().replacement(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Enter HttpURLConnection replacement, @Advice.Origin("#m") String method,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (replacement != null) {
                try {
                    returned = Hooks.urlConnection().delegate(replacement, method, new Object[0]);
                    thrown = null;
                } catch (Throwable outcome) {
                    thrown = outcome;
                }
            }
        }
    }

    /** As {@link ResponseAdvice}, for the readers that take one argument (getHeaderField, getContent, ...). */
    public static final class ResponseAdvice1 {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static HttpURLConnection onEnter(@Advice.This HttpURLConnection connection) {
            return Hooks.urlConnection().replacement(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Enter HttpURLConnection replacement, @Advice.Origin("#m") String method,
                @Advice.Argument(value = 0, typing = Assigner.Typing.DYNAMIC) Object first,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (replacement != null) {
                try {
                    returned = Hooks.urlConnection().delegate(replacement, method, new Object[] {first});
                    thrown = null;
                } catch (Throwable outcome) {
                    thrown = outcome;
                }
            }
        }
    }

    /** As {@link ResponseAdvice}, for the readers that take two arguments (getHeaderFieldInt, ...). */
    public static final class ResponseAdvice2 {

        @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = Advice.OnNonDefaultValue.class)
        public static HttpURLConnection onEnter(@Advice.This HttpURLConnection connection) {
            return Hooks.urlConnection().replacement(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.Enter HttpURLConnection replacement, @Advice.Origin("#m") String method,
                @Advice.Argument(value = 0, typing = Assigner.Typing.DYNAMIC) Object first,
                @Advice.Argument(value = 1, typing = Assigner.Typing.DYNAMIC) Object second,
                @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                @Advice.Thrown(readOnly = false) Throwable thrown) {
            if (replacement != null) {
                try {
                    returned = Hooks.urlConnection().delegate(replacement, method, new Object[] {first, second});
                    thrown = null;
                } catch (Throwable outcome) {
                    thrown = outcome;
                }
            }
        }
    }

    /** disconnect: the connection that answered in place of this one is let go of too. */
    public static final class DisconnectAdvice {

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        public static void onExit(@Advice.This HttpURLConnection connection) {
            HttpURLConnection replacement = Hooks.urlConnection().replacement(connection);
            if (replacement != null) {
                replacement.disconnect();
            }
        }
    }

    /** Request headers the connection will not tell again (credentials), kept for the agent's retries. */
    public static final class HeaderAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void onEnter(@Advice.This HttpURLConnection connection, @Advice.Origin("#m") String method,
                @Advice.Argument(0) String name, @Advice.Argument(1) String value) {
            Hooks.urlConnection().header(connection, name, value, "addRequestProperty".equals(method));
        }
    }
}
