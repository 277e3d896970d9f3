package dev.callsight.e2e.support;

import java.util.Arrays;
import java.util.List;

/**
 * A call a test application made that got a response, as it printed it:
 * {@code result|client|METHOD|url|status[|details...]|millis} (OkHttp's app puts the protocol among the details).
 */
public record AppResult(String client, String method, String url, int status, List<String> details, long millis) {

    static AppResult parse(String line) {
        String[] fields = line.split("\\|");
        if (fields.length < 6 || !fields[0].equals("result")) {
            throw new IllegalArgumentException("not a result line: " + line);
        }
        return new AppResult(fields[1], fields[2], fields[3], Integer.parseInt(fields[4]),
                List.copyOf(Arrays.asList(fields).subList(5, fields.length - 1)), Long.parseLong(fields[fields.length - 1]));
    }

    @Override
    public String toString() {
        return client + "|" + method + "|" + url + "|" + status + (details.isEmpty() ? "" : "|" + String.join("|", details))
                + "|" + millis;
    }
}
