package dev.callsight.e2e.support;

import dev.callsight.e2e.app.Apache4App;
import dev.callsight.e2e.app.Apache5App;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** The Apache HttpClient releases the tests run against, each with the application that uses it. */
public final class ApacheLibraries {

    /** One release of a library, the application that uses it and the clients it offers. */
    public record Library(String release, Class<?> app, List<String> clients) {
        @Override
        public String toString() {
            return release;
        }

        public InstrumentedApp.Result run(Map<String, String> environment, List<String> jvmOptions, List<AppCall> calls)
                throws Exception {
            return run(Path.of(System.getProperty("java.home")), environment, jvmOptions, calls);
        }

        public InstrumentedApp.Result run(Path javaHome, Map<String, String> environment, List<String> jvmOptions,
                List<AppCall> calls) throws Exception {
            return InstrumentedApp.run(javaHome, environment, jvmOptions, ClientLibraries.jarsOf(release), app,
                    AppCall.arguments(calls));
        }
    }

    private ApacheLibraries() {}

    /** Every copied release of httpclient (4.5) and httpclient5, as test arguments. */
    public static Stream<Arguments> all() {
        return libraries().stream().map(Arguments::of);
    }

    /** Every release on every JDK the agent must work on that this machine has. */
    public static Stream<Arguments> onEveryJdk() {
        List<Library> libraries = libraries();
        return Jvm.javaHomes().stream().flatMap(javaHome -> libraries.stream().map(library -> Arguments.of(library, javaHome)));
    }

    private static List<Library> libraries() {
        List<Library> libraries = new ArrayList<>();
        ClientLibraries.releasesOf("httpclient").forEach(release ->
                libraries.add(new Library(release, Apache4App.class, List.of("apache4"))));
        ClientLibraries.releasesOf("httpclient5").forEach(release ->
                libraries.add(new Library(release, Apache5App.class, List.of("apache5", "apache5-async"))));
        return libraries;
    }
}
