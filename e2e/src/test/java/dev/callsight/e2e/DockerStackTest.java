package dev.callsight.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.callsight.e2e.support.Jvm;
import dev.callsight.e2e.support.Programs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The docker stack's files as far as they can be checked without a Docker engine: compose accepts the file, every
 * file it mounts or the Dockerfile copies exists, ports are published on loopback only, and Prometheus and
 * Alertmanager accept their configurations (with the generated rules). The images' programs are tested elsewhere.
 */
@Timeout(120)
class DockerStackTest {

    private static final Pattern BIND_MOUNT = Pattern.compile("(?m)^\\s+- (/[^:]+):/");
    private static final Pattern PUBLISHED = Pattern.compile("(?m)^\\s+- (\\S+):(\\d+):\\d+/tcp$");
    private static final Pattern COPY = Pattern.compile("(?m)^COPY (?!--from)(\\S+) ");

    private static Path repository() {
        return Jvm.dashboards().getParent();
    }

    @Test
    void composeAcceptsTheStackAndEverythingItMountsExists() throws Exception {
        Path compose = Programs.require("docker-compose", "docker-compose");
        Path file = repository().resolve("docker/docker-compose.yml");
        Programs.Run config = Programs.run(List.of(compose.toString(), "-f", file.toString(), "config"));
        assertEquals(0, config.exitCode(), config.output());

        Matcher services = Pattern.compile("(?m)^  (\\w+):$").matcher(config.output().split("(?m)^volumes:")[0]);
        List<String> names = new ArrayList<>();
        while (services.find()) {
            names.add(services.group(1));
        }
        assertEquals(List.of("alertmanager", "collector", "demo", "grafana", "jaeger", "prometheus"), names);

        Matcher mount = BIND_MOUNT.matcher(config.output());
        int mounts = 0;
        while (mount.find()) {
            assertTrue(Files.exists(Path.of(mount.group(1))), "mounted but missing: " + mount.group(1));
            mounts++;
        }
        assertEquals(6, mounts, config.output());

        Matcher published = PUBLISHED.matcher(config.output());
        List<String> ports = new ArrayList<>();
        while (published.find()) {
            assertEquals("127.0.0.1", published.group(1), "published beyond loopback: " + published.group());
            ports.add(published.group(2));
        }
        assertEquals(List.of("9093", "4318", "9318", "3000", "16686", "9090"), ports);
    }

    @Test
    void theDockerfileCopiesOnlyWhatTheRepositoryHolds() throws Exception {
        Matcher copy = COPY.matcher(Files.readString(repository().resolve("docker/Dockerfile")));
        List<String> sources = new ArrayList<>();
        while (copy.find()) {
            sources.add(copy.group(1));
            assertTrue(Files.exists(repository().resolve(copy.group(1))), "COPY of a missing " + copy.group(1));
        }
        assertEquals(List.of(".", "dashboards/prometheus/slos.yaml"), sources);
    }

    @Test
    void prometheusAndAlertmanagerAcceptTheirConfigurations() throws Exception {
        Path promtool = Programs.require("promtool", "prometheus");
        Path amtool = Programs.require("amtool", "prometheus-alertmanager");
        Path prometheusConfig = repository().resolve("docker/prometheus/prometheus.yml");
        Programs.Run prometheus = Programs.run(List.of(promtool.toString(), "check", "config",
                prometheusConfig.toString()));
        assertEquals(0, prometheus.exitCode(), prometheus.output());
        // The rules promtool found through the config are the generated ones (52: two SLOs of 21 recording rules,
        // four burn tiers and a no-data alert each).
        assertTrue(prometheus.output().contains("slo-rules.yml\n  SUCCESS: 52 rules found"), prometheus.output());

        Programs.Run alertmanager = Programs.run(List.of(amtool.toString(), "check-config",
                repository().resolve("docker/alertmanager/alertmanager.yml").toString()));
        assertEquals(0, alertmanager.exitCode(), alertmanager.output());
        assertTrue(alertmanager.output().contains("1 inhibit rules"), "a ticket is silenced while its page fires: "
                + alertmanager.output());
    }
}
