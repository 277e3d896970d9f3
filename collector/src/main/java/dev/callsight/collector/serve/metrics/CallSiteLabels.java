package dev.callsight.collector.serve.metrics;

import dev.callsight.collector.aggregate.CallSite;
import java.util.ArrayList;
import java.util.List;

/** The labels every per-call series starts with, so duration and policy event series join on the same names. */
final class CallSiteLabels {

    static final List<String> NAMES = List.of("service_name", "server_address", "server_port", "http_route",
            "http_request_method");

    private CallSiteLabels() {
    }

    /** {@link #NAMES} followed by more label names. */
    static List<String> namesWith(List<String> more) {
        List<String> names = new ArrayList<>(NAMES);
        names.addAll(more);
        return List.copyOf(names);
    }

    /** The values of {@link #NAMES} followed by more values. */
    static List<String> valuesWith(CallSite site, List<String> more) {
        List<String> values = new ArrayList<>(List.of(site.serviceName(), site.serverAddress(),
                Integer.toString(site.serverPort()), site.route(), site.method()));
        values.addAll(more);
        return values;
    }
}
