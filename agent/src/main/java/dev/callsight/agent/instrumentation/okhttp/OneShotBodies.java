package dev.callsight.agent.instrumentation.okhttp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import okhttp3.RequestBody;

/**
 * Whether a request body can be sent again. OkHttp's own retries and redirects re-send a body
 * unless it says it is one-shot; RequestBody.isOneShot() appeared in 3.14, so on older releases,
 * which have no one-shot bodies of their own, every body counts as replayable. The method is
 * looked up by name because the oldest supported release has no such type member to link to.
 */
final class OneShotBodies {

    private final MethodHandle isOneShot = lookUp();

    boolean replayable(RequestBody body) {
        if (body == null || isOneShot == null) {
            return true;
        }
        try {
            return !(boolean) isOneShot.invoke(body);
        } catch (Throwable unexpected) {
            return false;
        }
    }

    private static MethodHandle lookUp() {
        try {
            return MethodHandles.publicLookup().findVirtual(RequestBody.class, "isOneShot",
                    MethodType.methodType(boolean.class));
        } catch (NoSuchMethodException | IllegalAccessException olderRelease) {
            return null;
        }
    }
}
