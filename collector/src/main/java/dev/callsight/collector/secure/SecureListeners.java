package dev.callsight.collector.secure;

import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.SetHeaderHandler;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Builds the collector's two listeners with the same guards: the bind address, TLS when configured, the bearer
 * token when configured, CORS only for the configured origin, and limits on header size, body size (the web
 * port's; the OTLP receiver bounds its own) and on how slowly a request may arrive.
 */
public final class SecureListeners {

    /** Far above any real request's headers (an OTLP exporter sends well under 1 KiB), far below Undertow's 1 MiB. */
    static final int MAX_HEADER_BYTES = 64 * 1024;
    /** The web port takes no bodies but the login form. */
    static final long MAX_WEB_BODY_BYTES = 64 * 1024;
    /** An idle keep-alive connection is closed after this long. */
    private static final int IDLE_TIMEOUT_MILLIS = 120_000;

    private final String bindAddress;
    private final SecurityConfig config;
    private final Optional<BearerToken> token;
    private final Optional<SSLContext> tls;

    private SecureListeners(String bindAddress, SecurityConfig config, Optional<BearerToken> token,
            Optional<SSLContext> tls) {
        this.bindAddress = bindAddress;
        this.config = config;
        this.token = token;
        this.tls = tls;
    }

    /**
     * Reads the token and TLS files, and warns on {@code warnings} when the ports would be open to other machines
     * without a token, or would carry the token in clear text.
     *
     * @throws IllegalStateException when a file cannot be read or is not what it should be
     */
    public static SecureListeners create(String bindAddress, SecurityConfig config, PrintStream warnings) {
        Optional<BearerToken> token = Optional.ofNullable(config.tokenFile()).map(BearerToken::read);
        Optional<SSLContext> tls = config.tls()
                ? Optional.of(PemTls.serverContext(config.tlsCertificate(), config.tlsKey())) : Optional.empty();
        if (!isLoopback(bindAddress)) {
            if (token.isEmpty()) {
                warnings.println("callsight: WARNING: listening on " + bindAddress + " without --token-file:"
                        + " anyone who can reach the ports can send data to the collector and read every trace and"
                        + " metric. Set --token-file FILE (and --tls-cert/--tls-key), or --bind 127.0.0.1.");
            } else if (tls.isEmpty()) {
                warnings.println("callsight: WARNING: listening on " + bindAddress + " without TLS: the token and"
                        + " all data cross the network in clear text. Set --tls-cert and --tls-key.");
            }
        }
        return new SecureListeners(bindAddress, config, token, tls);
    }

    /** {@code https} with TLS, else {@code http}. */
    public String scheme() {
        return tls.isPresent() ? "https" : "http";
    }

    /** The OTLP port: the token only as a header, no body limit here (the receiver answers 413 itself). */
    public Undertow otlp(int port, HttpHandler handler) {
        return listener(port, guard(handler, false), Long.MAX_VALUE);
    }

    /** The web port: the token as a header or as the login form's cookie. */
    public Undertow web(int port, HttpHandler handler) {
        return listener(port, guard(handler, true), MAX_WEB_BODY_BYTES);
    }

    private HttpHandler guard(HttpHandler routes, boolean web) {
        HttpHandler guarded = token.<HttpHandler>map(t -> new TokenGuard(t, web, tls.isPresent(), routes))
                .orElse(routes);
        if (config.corsOrigin() != null) {
            guarded = new CorsHandler(config.corsOrigin(), guarded);
        }
        // No answer is meant to be sniffed into HTML: span data appears in JSON and plain text.
        guarded = new SetHeaderHandler(guarded, "X-Content-Type-Options", "nosniff");
        return new RequestDeadline(config.readTimeout(), guarded);
    }

    private Undertow listener(int port, HttpHandler handler, long maxEntityBytes) {
        int readTimeout = (int) Math.min(Integer.MAX_VALUE, config.readTimeout().toMillis());
        Undertow.Builder builder = Undertow.builder()
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, maxEntityBytes)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, readTimeout)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, IDLE_TIMEOUT_MILLIS)
                .setHandler(handler);
        if (tls.isPresent()) {
            builder.addHttpsListener(port, bindAddress, tls.get());
        } else {
            builder.addHttpListener(port, bindAddress);
        }
        return builder.build();
    }

    private static boolean isLoopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
