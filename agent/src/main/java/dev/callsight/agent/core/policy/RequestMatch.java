package dev.callsight.agent.core.policy;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which requests a policy is for. Host: exact, {@code *} for any, or {@code *.example.com} for
 * any subdomain, case-insensitive; an optional port. Path: a glob where {@code *} matches
 * within one segment and {@code **} across segments. Methods: any when empty.
 */
public final class RequestMatch {

    public static final RequestMatch ANY = new RequestMatch("*", 0, "/**", Set.of());

    private final String host;
    private final int port;
    private final String path;
    private final Pattern pathPattern;
    /** "/**": every path, decided without running the pattern on each call. */
    private final boolean anyPath;
    private final Set<String> methods;

    /** @param port 0 for any port */
    public RequestMatch(String host, int port, String path, Set<String> methods) {
        this.host = host.toLowerCase(Locale.ROOT);
        this.port = port;
        this.path = path;
        this.pathPattern = globToPattern(path);
        this.anyPath = "/**".equals(path);
        this.methods = Set.copyOf(methods);
    }

    public boolean matches(String method, String requestHost, int requestPort, String requestPath) {
        return (methods.isEmpty() || methods.contains(method))
                && (port == 0 || port == requestPort)
                && hostMatches(requestHost == null ? "" : requestHost.toLowerCase(Locale.ROOT))
                && (anyPath || pathPattern.matcher(requestPath == null || requestPath.isEmpty() ? "/" : requestPath).matches());
    }

    /** True for the catch-all {@code host: "*"} with no other condition. */
    public boolean matchesEverything() {
        return "*".equals(host) && port == 0 && "/**".equals(path) && methods.isEmpty();
    }

    private boolean hostMatches(String requestHost) {
        if ("*".equals(host)) {
            return true;
        }
        if (host.startsWith("*.")) {
            return requestHost.endsWith(host.substring(1));
        }
        return host.equals(requestHost);
    }

    private static Pattern globToPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (glob.startsWith("/**", i) && i + 3 == glob.length()) {
                // "/charge/**" also matches "/charge" itself.
                regex.append("(/.*)?");
                i += 3;
            } else if (glob.startsWith("**", i)) {
                regex.append(".*");
                i += 2;
            } else if (c == '*') {
                regex.append("[^/]*");
                i++;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return Pattern.compile(regex.toString());
    }

    @Override
    public String toString() {
        return "host=" + host + (port == 0 ? "" : ":" + port) + " path=" + path + (methods.isEmpty() ? "" : " methods=" + methods);
    }
}
