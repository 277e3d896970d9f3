package dev.callsight.agent.instrumentation.urlconnection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.agent.testing.LocalServer;
import dev.callsight.agent.testing.RecordingTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the hook the way the inlined advice does, around real HttpURLConnection calls, and checks
 * that every path ends the call once and leaves the nesting depth where it found it.
 */
class UrlConnectionCallsTest {

    private final RecordingTelemetry telemetry = new RecordingTelemetry();
    private final UrlConnectionCalls hook = new UrlConnectionCalls(telemetry.calls());

    @AfterEach
    void close() {
        telemetry.close();
    }

    @Test
    void nestedAndRepeatedCallsMakeOneSpanAndBalance() throws Throwable {
        try (LocalServer server = new LocalServer()) {
            HttpURLConnection connection = open(server.uri("/users/7").toURL());

            Object outer = hook.enter(connection);
            Object nested = hook.enter(connection);
            hook.exit(connection, nested, "connect", null, null);
            InputStream body = connection.getInputStream();
            body.readAllBytes();
            hook.exit(connection, outer, "getInputStream", body, null);
            // The application asks for the code afterwards: no second span.
            Object again = hook.enter(connection);
            hook.exit(connection, again, "getResponseCode", connection.getResponseCode(), null);

            assertNull(outer);
            assertNull(nested);
            assertNull(again, "depth is back to zero");
            List<SpanData> spans = telemetry.spans();
            assertEquals(1, spans.size());
            SpanData span = spans.get(0);
            assertEquals("GET /users/{id}", span.getName());
            assertEquals(200L, span.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
            assertEquals(List.of("00-" + span.getTraceId() + "-" + span.getSpanId() + "-"
                    + span.getSpanContext().getTraceFlags().asHex()), server.traceparents());
            assertEquals(1, telemetry.recordedCalls());
        }
    }

    @Test
    void aFailedConnectEndsTheCallWithItsError() throws Throwable {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        HttpURLConnection connection = open(new URL("http://127.0.0.1:" + closedPort + "/x"));

        Object outer = hook.enter(connection);
        ConnectException refused = assertThrows(ConnectException.class, connection::connect);
        assertSame(refused, assertThrows(ConnectException.class, () -> hook.exit(connection, outer, "connect", null, refused)));

        SpanData span = telemetry.spans().get(0);
        assertEquals("java.net.ConnectException", span.getAttributes().get(AttributeKey.stringKey("error.type")));
        HttpURLConnection next = open(new URL("http://127.0.0.1:" + closedPort + "/y"));
        assertNull(hook.enter(next));
        assertThrows(ConnectException.class, () -> hook.exit(next, null, "connect", null, refused));
        assertEquals(2, telemetry.spans().size(), "depth was back to zero: the next connection is traced");
    }

    @Test
    void anErrorStatusIsRecordedAsTheStatusNotAsAnException() throws Throwable {
        try (LocalServer server = new LocalServer()) {
            HttpURLConnection connection = open(server.uri("/missing/1").toURL());

            Object outer = hook.enter(connection);
            IOException thrown = assertThrows(IOException.class, connection::getInputStream);
            assertSame(thrown, assertThrows(IOException.class, () -> hook.exit(connection, outer, "getInputStream", null, thrown)));

            SpanData span = telemetry.spans().get(0);
            assertEquals(404L, span.getAttributes().get(AttributeKey.longKey("http.response.status_code")));
            assertEquals("404", span.getAttributes().get(AttributeKey.stringKey("error.type")));
            assertTrue(span.getEvents().isEmpty(), "no exception event for an answered call");
        }
    }

    @Test
    void theConnectionThatAnsweredAfterARetryAnswersEveryResponseReaderWithItsArguments() throws Throwable {
        try (LocalServer server = new LocalServer()) {
            HttpURLConnection answered = open(server.uri("/users/7").toURL());
            answered.getResponseCode();

            assertEquals(200, hook.delegate(answered, "getResponseCode", new Object[0]));
            assertEquals(answered.getHeaderField("Content-Length"),
                    hook.delegate(answered, "getHeaderField", new Object[] {"Content-Length"}));
            assertEquals(answered.getHeaderField(0), hook.delegate(answered, "getHeaderField", new Object[] {0}));
            assertEquals((long) answered.getContentLengthLong(),
                    hook.delegate(answered, "getHeaderFieldLong", new Object[] {"Content-Length", -1L}));
            try (InputStream body = (InputStream) hook.delegate(answered, "getInputStream", new Object[0])) {
                assertTrue(body.readAllBytes().length > 0);
            }
            IOException missing = assertThrows(IOException.class, () -> hook.delegate(
                    open(server.uri("/missing/1").toURL()), "getInputStream", new Object[0]));
            assertTrue(missing.getMessage().contains("/missing/1"), "the connection's own exception: " + missing);
        }
    }

    @Test
    void connectionsThatAreNotTheJdksAreLeftAlone() throws Throwable {
        HttpURLConnection foreign = new HttpURLConnection(new URL("http://127.0.0.1:1/")) {
            @Override
            public void disconnect() {}

            @Override
            public boolean usingProxy() {
                return false;
            }

            @Override
            public void connect() {}
        };

        Object outer = hook.enter(foreign);
        hook.exit(foreign, outer, "getResponseCode", -1, null);

        assertTrue(telemetry.spans().isEmpty());
        assertTrue(foreign.getRequestProperties().isEmpty(), "no header injected");
    }

    private static HttpURLConnection open(URL url) throws IOException {
        return (HttpURLConnection) url.openConnection();
    }
}
