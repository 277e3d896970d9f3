package dev.callsight.agent.core;

/**
 * Per-thread nesting depth of instrumented calls for one client library. Clients call
 * themselves (HttpClient.send calls sendAsync; getResponseCode calls getInputStream; a facade
 * delegates to its implementation), and only the outermost call may start or end a span.
 */
public final class CallDepth {

    private final ThreadLocal<int[]> depth = ThreadLocal.withInitial(() -> new int[1]);

    /** Returns the depth before this call: 0 means this is the outermost call. */
    public int enter() {
        return depth.get()[0]++;
    }

    /** Whether the call now ending on this thread is the outermost; asked before {@link #exit}. */
    public boolean outermost() {
        return depth.get()[0] == 1;
    }

    public void exit() {
        int[] d = depth.get();
        if (d[0] > 0) {
            d[0]--;
        }
    }
}
