package dev.callsight.collector.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvFileSource;
import org.junit.jupiter.params.provider.CsvSource;

/** The shared table of path shapes ({@code route-shapes.csv}, also the agent's), then what only the collector does. */
class RouteShapesTest {

    @ParameterizedTest
    @CsvFileSource(resources = "/route-shapes.csv")
    void collapsesIdentifiersAsTheAgentDoes(String route, String expected) {
        assertEquals(expected, RouteShapes.collapse(route));
    }

    @ParameterizedTest
    @CsvSource({
            "/users/{id}, /users/{id}",
            "/search?q=1, /search",
            "'', ''",
    })
    void keepsTemplatesAndDropsTheQuery(String route, String expected) {
        assertEquals(expected, RouteShapes.collapse(route));
    }
}
