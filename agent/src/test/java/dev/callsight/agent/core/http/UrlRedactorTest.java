package dev.callsight.agent.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UrlRedactorTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://example.com|http://example.com/",
            "https://user:secret@example.com:8443/a?b=1#frag|https://REDACTED:REDACTED@example.com:8443/a?b=1",
            "http://h/p?sig=abc&x=1&Signature=zz&token=t|http://h/p?sig=REDACTED&x=1&Signature=REDACTED&token=REDACTED",
            "http://h/p?flag&api_key=k|http://h/p?flag&api_key=REDACTED",
            "http://h/p?a=%20b|http://h/p?a=%20b",
            "http://h:8080/items/1|http://h:8080/items/1",
            "http://h:/items/1|http://h/items/1",
            "http://h/items/1#top|http://h/items/1",
            "http://[::1]:9/a%20b|http://[::1]:9/a%20b",
            "HTTP://Example.COM:80|HTTP://Example.COM:80/",
    })
    void redactsCredentialsAndSensitiveQueryValues(String url, String expected) {
        assertEquals(expected, UrlRedactor.redact(URI.create(url)));
    }
}
