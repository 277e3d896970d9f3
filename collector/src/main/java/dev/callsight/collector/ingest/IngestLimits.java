package dev.callsight.collector.ingest;

/**
 * Bounds that keep one collector alive under load and against clients that send too much or too varied data.
 *
 * @param maxPendingRequests OTLP requests admitted at once (reading, decoding, waiting for or holding the writer);
 *        more get 429
 * @param maxPendingBytes request bytes admitted at once, counting each request by its Content-Length, or by the
 *        body-size limit when it is gzip-compressed or has no length; more get 429
 * @param maxRoutesPerPeer distinct routes kept per service and peer; later ones fold into {@link #OVERFLOW_ROUTE}
 * @param maxPeersPerService distinct peers kept per service; later ones fold into the peer
 *        {@link #OVERFLOW_PEER}:0
 * @param maxAttributeLength characters kept of a stored string attribute value; longer ones are cut and marked
 */
public record IngestLimits(int maxPendingRequests, long maxPendingBytes, int maxRoutesPerPeer,
        int maxPeersPerService, int maxAttributeLength) {

    public static final int DEFAULT_MAX_PENDING_REQUESTS = 64;
    public static final long DEFAULT_MAX_PENDING_BYTES = 128L * 1024 * 1024;
    public static final int DEFAULT_MAX_ROUTES_PER_PEER = 500;
    public static final int DEFAULT_MAX_PEERS_PER_SERVICE = 200;
    public static final int DEFAULT_MAX_ATTRIBUTE_LENGTH = 4096;
    public static final IngestLimits DEFAULTS = new IngestLimits(DEFAULT_MAX_PENDING_REQUESTS,
            DEFAULT_MAX_PENDING_BYTES, DEFAULT_MAX_ROUTES_PER_PEER, DEFAULT_MAX_PEERS_PER_SERVICE,
            DEFAULT_MAX_ATTRIBUTE_LENGTH);

    /** The route that calls beyond {@code maxRoutesPerPeer} are counted under. */
    public static final String OVERFLOW_ROUTE = "{overflow}";
    /** The peer address that calls beyond {@code maxPeersPerService} are counted under. */
    public static final String OVERFLOW_PEER = "{overflow}";

    public IngestLimits {
        positive("maxPendingRequests", maxPendingRequests);
        positive("maxPendingBytes", maxPendingBytes);
        positive("maxRoutesPerPeer", maxRoutesPerPeer);
        positive("maxPeersPerService", maxPeersPerService);
        if (maxAttributeLength < 16) {
            throw new IllegalArgumentException("maxAttributeLength must be at least 16: " + maxAttributeLength);
        }
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
