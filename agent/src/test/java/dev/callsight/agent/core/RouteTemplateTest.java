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
            "/sessions/eyJhbGciOiJIUzI1NiJ9Abc123, /sessions/{id}",
            "/keys/dGhpcyBpcyBhIHRva2VuMTIz, /keys/{id}",
            "/release-notes-for-version-two, /release-notes-for-version-two",
            "/mail/jane.doe@example.com/inbox, /mail/{id}/inbox",
            "/mail/jane%40example.org, /mail/{id}",
            "/reports/2026-01-31, /reports/{id}",
            "/reports/2026-01-31T10:15:30Z, /reports/{id}",
            "/reports/2026-01-31T10%3A15%3A30Z, /reports/{id}",
            "/v1/2026-plan, /v1/2026-plan",
            "123, /{id}",
            "users/123, /users/{id}",
            "users/list, /users/list",
            "/a//7/, /a//{id}/",
            "/1/b/c/d/e/f/g/h/i/j/k/l/m, /{id}/b/c/d/e/f/g/h/i/j/k/l/…",
            "/a@b/x.y, /a@b/x.y",
            "/a/b/c/d/e/f/g/h/i/j/k/l, /a/b/c/d/e/f/g/h/i/j/k/l",
    })
    void collapsesIdentifiers(String path, String expected) {
        assertEquals(expected, RouteTemplate.of(path));
    }
}
