package dev.callsight.collector.secure;

import java.nio.file.Path;
import java.time.Duration;

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
