package dev.callsight.collector.secure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How both listeners guard themselves. A null {@code tokenFile} means no token is asked for; null TLS files mean
 * plain HTTP; a null {@code corsOrigin} means no CORS headers at all.
 *
 * @param readTimeout how long a client may take to send a request's headers, and then its body
 */
public record SecurityConfig(Path tokenFile, Path tlsCertificate, Path tlsKey, String corsOrigin,
        Duration readTimeout) {

    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);
    public static final SecurityConfig DEFAULT = new SecurityConfig(null, null, null, null, DEFAULT_READ_TIMEOUT);

    public SecurityConfig {
        if ((tlsCertificate == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        if (readTimeout == null || readTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new IllegalArgumentException("read timeout must be at least 100ms: " + readTimeout);
        }
        if (corsOrigin != null && (corsOrigin.equals("*") || !corsOrigin.matches("https?://[^/\\s]+"))) {
            throw new IllegalArgumentException("--cors-origin must be one origin such as https://app.example.com: "
                    + corsOrigin);
        }
    }

    /**
     * The variables an OpenTelemetry SDK (the agent) needs to export to a collector guarded by this config: the
     * token as a header, and the collector's own certificate as the one to trust.
     */
    public Map<String, String> exporterEnvironment() {
        Map<String, String> environment = new HashMap<>();
        if (tokenFile != null) {
            environment.put("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20" + BearerToken.read(tokenFile).value());
        }
        if (tlsCertificate != null) {
            environment.put("OTEL_EXPORTER_OTLP_CERTIFICATE", tlsCertificate.toAbsolutePath().toString());
        }
        return environment;
    }

    public boolean tls() {
        return tlsCertificate != null;
    }

    public SecurityConfig withToken(Path file) {
        return new SecurityConfig(file, tlsCertificate, tlsKey, corsOrigin, readTimeout);
    }

    public SecurityConfig withTls(Path certificate, Path key) {
        return new SecurityConfig(tokenFile, certificate, key, corsOrigin, readTimeout);
    }

    public SecurityConfig withCorsOrigin(String origin) {
        return new SecurityConfig(tokenFile, tlsCertificate, tlsKey, origin, readTimeout);
    }

    public SecurityConfig withReadTimeout(Duration timeout) {
        return new SecurityConfig(tokenFile, tlsCertificate, tlsKey, corsOrigin, timeout);
    }
}
