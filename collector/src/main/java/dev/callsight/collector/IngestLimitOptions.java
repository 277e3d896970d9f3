package dev.callsight.collector;

import dev.callsight.collector.ingest.IngestLimits;
import picocli.CommandLine.Option;

/** The flags that bound ingest load and cardinality, part of {@link CollectorOptions}. */
final class IngestLimitOptions {

    @Option(names = "--max-pending-requests", paramLabel = "N",
            defaultValue = "" + IngestLimits.DEFAULT_MAX_PENDING_REQUESTS,
            description = "Most OTLP requests being read, decoded or stored at once; more get 429 with Retry-After "
                    + "(default: ${DEFAULT-VALUE}).")
    private int maxPendingRequests;

    @Option(names = "--max-pending-bytes", paramLabel = "SIZE", defaultValue = "128MiB",
            converter = ByteSizeConverter.class,
            description = "Most OTLP request bytes being read, decoded or stored at once, counting gzip or unsized "
                    + "bodies at --max-body-size; more get 429 with Retry-After (default: ${DEFAULT-VALUE}).")
    private long maxPendingBytes;

    @Option(names = "--max-routes-per-peer", paramLabel = "N",
            defaultValue = "" + IngestLimits.DEFAULT_MAX_ROUTES_PER_PEER,
            description = "Distinct routes kept per service and peer; later ones are counted under the route "
                    + IngestLimits.OVERFLOW_ROUTE + " (default: ${DEFAULT-VALUE}).")
    private int maxRoutesPerPeer;

    @Option(names = "--max-peers-per-service", paramLabel = "N",
            defaultValue = "" + IngestLimits.DEFAULT_MAX_PEERS_PER_SERVICE,
            description = "Distinct peers (host:port) kept per service; later ones are counted under the peer "
                    + IngestLimits.OVERFLOW_PEER + ":0 (default: ${DEFAULT-VALUE}).")
    private int maxPeersPerService;

    @Option(names = "--max-attribute-length", paramLabel = "CHARS",
            defaultValue = "" + IngestLimits.DEFAULT_MAX_ATTRIBUTE_LENGTH,
            description = "Characters kept of each stored span attribute value; longer values are cut and end in "
                    + "'…[truncated]' (default: ${DEFAULT-VALUE}).")
    private int maxAttributeLength;

    IngestLimits toLimits() {
        return new IngestLimits(maxPendingRequests, maxPendingBytes, maxRoutesPerPeer, maxPeersPerService,
                maxAttributeLength);
    }
}
