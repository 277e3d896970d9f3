package dev.callsight.e2e;

/**
 * The e2e classes run one after another, in the main lane, but for those marked {@code @Execution(CONCURRENT)} and
 * {@code @ResourceLock(SECOND)}: long classes that mostly wait (the demo's SLO windows, JVM starts) or whose figures
 * nobody reads (the benchmark scripts' smoke test). They run one after another too, each with its methods in order,
 * in a second lane beside the first, so the suite takes about the longer of the two lanes on the 2 cores.
 */
final class E2eLanes {

    static final String SECOND = "e2e-second-lane";

    private E2eLanes() {
    }
}
