package dev.callsight.agent.core.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /** What the call-site cache looks routes up by, without building them, agrees with the route built. */
    @ParameterizedTest
    @CsvFileSource(resources = "/route-shapes.csv")
    void theRoutesHashAndMatchAgreeWithTheRouteBuilt(String path, String expected) {
        for (String variant : new String[] {path, path.substring(1), path + "/", "/a/b/c/d/e/f/g/h/i/j/k" + path}) {
            String route = RouteTemplate.of(variant);
            assertEquals(route.hashCode(), RouteTemplate.hashOf(variant), variant);
            assertTrue(RouteTemplate.matches(route, variant), variant);
            assertFalse(RouteTemplate.matches(route + "x", variant), variant);
            assertFalse(RouteTemplate.matches(route.substring(0, route.length() - 1), variant), variant);
        }
        String longer = path + "/extra";
        assertEquals(RouteTemplate.of(longer).equals(expected), RouteTemplate.matches(expected, longer), longer);
    }
}
