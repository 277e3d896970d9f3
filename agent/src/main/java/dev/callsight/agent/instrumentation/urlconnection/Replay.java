package dev.callsight.agent.instrumentation.urlconnection;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ProtocolException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

/**
 * What it takes to send a connection's request again on a new connection: read before it
 * connects, since a connection refuses to tell its request headers afterwards. The credentials
 * it never tells ({@code Authorization}, {@code Proxy-Authorization}) come from the glue, which
 * saw the application set them.
 */
final class Replay {

    private final URL url;
    private final String method;
    private final Map<String, List<String>> headers;
    private final Map<String, List<String>> credentials;
    private final int connectTimeout;
    private final int readTimeout;
    private final boolean followRedirects;
    private final boolean useCaches;
    private final long ifModifiedSince;
    private final boolean allowUserInteraction;
    private final SSLSocketFactory sslSocketFactory;
    private final HostnameVerifier hostnameVerifier;

    /** @throws IllegalStateException when the connection is already connected */
    Replay(HttpURLConnection connection, Map<String, List<String>> credentials) {
        this.url = connection.getURL();
        this.method = connection.getRequestMethod();
        // The JDK's connections, the only ones the glue sees, hand out a new unmodifiable map each time: no copy needed.
        this.headers = connection.getRequestProperties();
        this.credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
        this.connectTimeout = connection.getConnectTimeout();
        this.readTimeout = connection.getReadTimeout();
        this.followRedirects = connection.getInstanceFollowRedirects();
        this.useCaches = connection.getUseCaches();
        this.ifModifiedSince = connection.getIfModifiedSince();
        this.allowUserInteraction = connection.getAllowUserInteraction();
        HttpsURLConnection https = connection instanceof HttpsURLConnection ? (HttpsURLConnection) connection : null;
        this.sslSocketFactory = https == null ? null : https.getSSLSocketFactory();
        this.hostnameVerifier = https == null ? null : https.getHostnameVerifier();
    }

    static boolean isCredential(String header) {
        return "Authorization".equalsIgnoreCase(header) || "Proxy-Authorization".equalsIgnoreCase(header);
    }

    /** A new, unconnected connection for the same request (direct: the glue resends nothing that went through a proxy). */
    HttpURLConnection open() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) url.openConnection();
        try {
            connection.setRequestMethod(method);
        } catch (ProtocolException unsupported) {
            throw new IOException(unsupported);
        }
        addAll(connection, headers);
        addAll(connection, credentials);
        connection.setConnectTimeout(connectTimeout);
        connection.setReadTimeout(readTimeout);
        connection.setInstanceFollowRedirects(followRedirects);
        connection.setUseCaches(useCaches);
        connection.setIfModifiedSince(ifModifiedSince);
        connection.setAllowUserInteraction(allowUserInteraction);
        if (connection instanceof HttpsURLConnection && sslSocketFactory != null) {
            ((HttpsURLConnection) connection).setSSLSocketFactory(sslSocketFactory);
            ((HttpsURLConnection) connection).setHostnameVerifier(hostnameVerifier);
        }
        return connection;
    }

    private static void addAll(HttpURLConnection connection, Map<String, List<String>> headers) {
        headers.forEach((name, values) -> {
            if (name != null) {
                values.forEach(value -> connection.addRequestProperty(name, value));
            }
        });
    }
}
