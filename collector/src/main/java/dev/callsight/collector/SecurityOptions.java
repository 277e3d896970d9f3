package dev.callsight.collector;

import dev.callsight.collector.secure.SecurityConfig;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The flags that guard both ports: token, TLS, CORS and the read timeout. */
public final class SecurityOptions {

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "File holding a bearer token (e.g. from: openssl rand -hex 32) every request on both ports "
                    + "must carry as 'Authorization: Bearer TOKEN'; browsers log in with a form. Default: no token.")
    private Path tokenFile;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain (leaf first) to serve both ports over HTTPS; needs --tls-key.")
    private Path tlsCertificate;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "PEM PKCS#8 private key (BEGIN PRIVATE KEY, unencrypted) of --tls-cert.")
    private Path tlsKey;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "The one browser origin allowed to call both ports across origins, e.g. "
                    + "https://app.example.com. Default: no CORS headers.")
    private String corsOrigin;

    @Option(names = "--read-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "30s",
            description = "How long a client may take to send a request's headers, and then its body, before the "
                    + "connection is cut (default: ${DEFAULT-VALUE}).")
    private Duration readTimeout;

    SecurityConfig toConfig() {
        return new SecurityConfig(tokenFile, tlsCertificate, tlsKey, corsOrigin, readTimeout);
    }
}
