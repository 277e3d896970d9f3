package dev.callsight.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTemplateTest {

    @ParameterizedTest
    @CsvSource({
            "'', /",
            "/, /",
            "/users, /users",
            "/users/123, /users/{id}",
            "/users/123/orders/456, /users/{id}/orders/{id}",
            "/items/3f2504e0-4f89-11d3-9a0c-0305e82c3301, /items/{id}",
            "/blobs/a3f9c1d2e4b5a6978877, /blobs/{id}",
            "/v2/api, /v2/api",
            "/deadbeefdeadbeefdeadbeef, /deadbeefdeadbeefdeadbeef",
            "/users/, /users/",
            "/a/b/c/d/e/f/g/h/i/j/k/l/m/n, /a/b/c/d/e/f/g/h/i/j/k/l/…",
    })
    void collapsesIdentifiers(String path, String expected) {
        assertEquals(expected, RouteTemplate.of(path));
    }
}
