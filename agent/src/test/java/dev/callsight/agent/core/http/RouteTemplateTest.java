package dev.callsight.agent.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;

/** The shared table of path shapes ({@code route-shapes.csv}, also the collector's), then what only the agent does. */
class RouteTemplateTest {

    @ParameterizedTest
    @CsvFileSource(resources = "/route-shapes.csv")
    void collapsesIdentifiersAsTheCollectorDoes(String path, String expected) {
        assertEquals(expected, RouteTemplate.of(path));
    }

    @ParameterizedTest
    @CsvSource({
            "'', /",
            "/, /",
            "123, /{id}",
            "users/123, /users/{id}",
            "users/list, /users/list",
    })
    void givesEveryPathALeadingSlash(String path, String expected) {
        assertEquals(expected, RouteTemplate.of(path));
    }
}
