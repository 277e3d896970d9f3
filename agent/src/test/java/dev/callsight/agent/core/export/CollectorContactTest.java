package dev.callsight.agent.core.export;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CollectorContactTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void theAgentsOwnClientSetUpDoesNotCountAgainstTheExit() {
        CollectorContact contact = new CollectorContact();
        contact.beginExit();
        contact.settingUp();

        assertTrue(contact.worthWaiting(3 * SECOND), "still building its client after 3 s");
        assertFalse(contact.worthWaiting(5 * SECOND), "5 s whatever happens");

        contact.setUp();
        assertTrue(contact.worthWaiting(3 * SECOND), "the 2 s count from the client's set-up");
        contact.sent();
        assertTrue(contact.worthWaiting(3 * SECOND), "an export just sent");
    }

    @Test
    void aFailedExportEndsTheWaitEvenWhileAClientIsBuilt() {
        CollectorContact contact = new CollectorContact();
        contact.sent();
        contact.failed();
        contact.beginExit();
        contact.settingUp();

        assertTrue(contact.worthWaiting(TimeUnit.MILLISECONDS.toNanos(50)));
        assertFalse(contact.worthWaiting(TimeUnit.MILLISECONDS.toNanos(150)));
    }
}
