package dev.callsight.agent.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callsight.agent.core.http.UrlRedactor;
import java.net.URI;
import java.net.URL;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientRequestTest {

    /** url.full written from a target's parts is the text the redactor makes of the whole URI, whichever way it goes. */
    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1:8080/items/42",
        "https://api.example.com/v1/orders",
        "http://example.com",
        "http://example.com:80/",
        "http://[::1]:9000/a/b",
        "http://[::1]/",
        "http://user:secret@example.com/private",
        "http://example.com/search?q=shoes&token=abc",
        "http://example.com/page#section",
        "http://example.com/a%20b/c"
    })
    void urlFullFromPartsMatchesTheRedactedUri(String target) throws Exception {
        URL url = new URL(target);
        ClientRequest request = new ClientRequest("GET", url.getProtocol(), url.getHost(), url.getPort(), url.getPath(),
                url.getQuery() == null && url.getUserInfo() == null && url.getRef() == null, () -> URI.create(target),
                null, false);
        assertEquals(UrlRedactor.redact(URI.create(target)), request.urlFull());
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "[::1]"})
    void anIpv6HostWithoutBracketsGetsThem(String host) {
        assertEquals("http://[::1]:8080/x", UrlRedactor.plain("http", host, 8080, "/x"));
    }
}
