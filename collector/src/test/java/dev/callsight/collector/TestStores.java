package dev.callsight.collector;

import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.ParameterDeclarations;
import org.opentest4j.TestAbortedException;

/**
 * Runs a parameterized test once per supported store: H2, and PostgreSQL from Debian's {@code postgresql}
 * package, one server for the whole run, started on first use. Without PostgreSQL its runs are skipped, except
 * under CI, which installs it, where they fail.
 */
public final class TestStores implements ArgumentsProvider {

    private static final Namespace NAMESPACE = Namespace.create(TestStores.class);

    @Override
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
        return Stream.of(Arguments.of(TestStore.h2()), Arguments.of(postgres(context)));
    }

    private static TestStore postgres(ExtensionContext context) {
        Optional<Path> binaries = PostgresServer.binaries();
        if (binaries.isEmpty()) {
            return TestStore.unavailable("PostgreSQL", "PostgreSQL not found; install Debian's postgresql package");
        }
        PostgresServer server = context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(PostgresServer.class,
                type -> {
                    try {
                        return PostgresServer.start(binaries.get());
                    } catch (Exception e) {
                        throw new IllegalStateException("cannot start PostgreSQL: " + e.getMessage(), e);
                    }
                }, PostgresServer.class);
        return TestStore.postgres(server);
    }

    public static RuntimeException missing(String reason) {
        if ("true".equals(System.getenv("CI"))) {
            return new IllegalStateException("CI must run this test: " + reason);
        }
        return new TestAbortedException(reason);
    }
}
