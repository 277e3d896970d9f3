package dev.callsight.collector.aggregate;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the number of distinct call sites bounded whatever clients send: per service at most {@code maxPeers}
 * peers, and per service and peer at most {@code maxRoutes} routes. Sites beyond either bound are counted under
 * an overflow peer or route instead, so rollups, the store and {@code /metrics} stay bounded while call counts
 * stay complete. Routes are collapsed by {@link RouteShapes} first. Likewise a service's first
 * {@link #MAX_ERROR_TYPES} {@code error.type} values are kept and later ones counted as {@link #OTHER_ERROR_TYPE},
 * the semantic conventions' name for an error type not known.
 */
public final class CallSiteLimiter {

    /** Told of every folded point and, once per service (and peer, for routes), of the first one. */
    public interface OverflowListener {
        /** @param kind {@code route}, {@code peer} or {@code error_type} */
        void overflowed(String kind, boolean first, String what);
    }

    static final int MAX_ERROR_TYPES = 100;
    static final String OTHER_ERROR_TYPE = "_OTHER";

    private final int maxRoutes;
    private final int maxPeers;
    private final String overflowRoute;
    private final String overflowPeer;
    private final OverflowListener listener;
    private final Map<String, Map<Peer, Set<String>>> known = new HashMap<>();
    private final Set<ServicePeer> routesOverflowed = new HashSet<>();
    private final Set<String> peersOverflowed = new HashSet<>();
    private final Map<String, Set<String>> errorTypes = new HashMap<>();

    public CallSiteLimiter(int maxRoutes, int maxPeers, String overflowRoute, String overflowPeer,
            OverflowListener listener) {
        this.maxRoutes = maxRoutes;
        this.maxPeers = maxPeers;
        this.overflowRoute = overflowRoute;
        this.overflowPeer = overflowPeer;
        this.listener = listener;
    }

    /** Counts calls already in the store as known, so a restart does not admit a new set of routes. */
    public synchronized void seed(List<CallKey> calls) {
        for (CallKey call : calls) {
            seedSite(call.site());
            errorTypes.computeIfAbsent(call.serviceName(), service -> new HashSet<>()).add(call.errorType());
        }
    }

    /** Counts call sites already in the store as known. */
    public synchronized void seedSites(List<CallSite> sites) {
        sites.forEach(this::seedSite);
    }

    private void seedSite(CallSite site) {
        known.computeIfAbsent(site.serviceName(), service -> new HashMap<>())
                .computeIfAbsent(new Peer(site.serverAddress(), site.serverPort()), peer -> new HashSet<>())
                .add(site.route());
    }

    public synchronized CallSite limit(CallSite site) {
        String service = site.serviceName();
        Map<Peer, Set<String>> peers = known.computeIfAbsent(service, s -> new HashMap<>());
        Peer peer = new Peer(site.serverAddress(), site.serverPort());
        if (!peers.containsKey(peer) && peers.size() >= maxPeers) {
            listener.overflowed("peer", peersOverflowed.add(service), "service '" + service + "' has more than "
                    + maxPeers + " peers; further peers are counted under " + overflowPeer + ":0");
            peer = new Peer(overflowPeer, 0);
        }
        Set<String> routes = peers.computeIfAbsent(peer, p -> new HashSet<>());
        String route = RouteShapes.collapse(site.route());
        if (!routes.contains(route)) {
            if (routes.size() >= maxRoutes && !route.equals(overflowRoute)) {
                listener.overflowed("route", routesOverflowed.add(new ServicePeer(service, peer)), "service '" + service + "' peer "
                        + peer.address() + ":" + peer.port() + " has more than " + maxRoutes
                        + " routes; further routes are counted under " + overflowRoute);
                route = overflowRoute;
            }
            routes.add(route);
        }
        return new CallSite(service, peer.address(), peer.port(), route, site.method(), site.kind());
    }

    public DurationPoint limit(DurationPoint point) {
        CallKey call = limit(point.call());
        return new DurationPoint(point.streamId(), call, point.startUnixNano(), point.timeUnixNano(),
                point.cumulative(), point.count(), point.sumSeconds(), point.boundsSeconds(), point.bucketCounts(),
                point.exemplars().stream().map(e -> new DurationExemplar(call, e.valueSeconds(), e.timeUnixNano(),
                        e.traceIdHex(), e.spanIdHex())).toList());
    }

    public CallEventPoint limit(CallEventPoint point) {
        CallEventKey key = point.key();
        return new CallEventPoint(point.streamId(),
                new CallEventKey(limit(key.site()), key.event(), key.cause(), key.qualifier()),
                point.startUnixNano(), point.timeUnixNano(), point.cumulative(), point.value());
    }

    private CallKey limit(CallKey call) {
        return CallKey.of(limit(call.site()), call.statusCode(), limitErrorType(call.serviceName(), call.errorType()));
    }

    private synchronized String limitErrorType(String service, String errorType) {
        Set<String> types = errorTypes.computeIfAbsent(service, s -> new HashSet<>());
        if (types.contains(errorType)) {
            return errorType;
        }
        if (types.size() >= MAX_ERROR_TYPES) {
            listener.overflowed("error_type", types.add(OTHER_ERROR_TYPE), "service '" + service + "' has more than "
                    + MAX_ERROR_TYPES + " error types; further ones are counted as " + OTHER_ERROR_TYPE);
            return OTHER_ERROR_TYPE;
        }
        types.add(errorType);
        return errorType;
    }

    private record Peer(String address, int port) {}

    private record ServicePeer(String service, Peer peer) {}
}
