package dev.callsight.agent.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.callsight.testing.AtOnce;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StripedWindowTest {

    private static final long NOW = 7_000_000_000_000L;

    @Test
    void countsFromManyThreadsAddUpExactly() throws Exception {
        StripedWindow window = new StripedWindow(Duration.ofSeconds(30).toNanos());
        int threads = 8;
        int adds = 20_000;
        AtOnce.run(threads, Duration.ofSeconds(30), () -> {
            for (int i = 0; i < adds; i++) {
                window.add(NOW, 1, i % 10 == 0 ? 1 : 0);
            }
            return null;
        });
        assertEquals((long) threads * adds, window.first(NOW));
        assertEquals((long) threads * adds / 10, window.second(NOW));
    }

    @Test
    void everyStripeForgetsWhatLeftTheWindowAndWhatWasCleared() throws Exception {
        StripedWindow window = new StripedWindow(Duration.ofSeconds(10).toNanos());
        Thread other = new Thread(() -> window.add(NOW, 5, 2));
        other.start();
        other.join(10_000);
        window.add(NOW, 3, 1);
        assertEquals(8, window.first(NOW));
        assertEquals(3, window.second(NOW));
        assertEquals(0, window.first(NOW + Duration.ofSeconds(11).toNanos()), "both stripes' counts left the window");
        window.clear();
        assertEquals(0, window.first(NOW));
    }
}
