package dev.callsight.agent.core;

import static net.bytebuddy.matcher.ElementMatchers.named;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.pool.TypePool;

/**
 * Runs, on a second core while the SDK is built, the Byte Buddy work that installing the agent
 * does first: generating the class behind its transformer and inlining advice into a type read
 * from a class file. The results are thrown away; what remains is Byte Buddy's classes loaded and
 * linked, which the installation would otherwise load one after the other on the application's
 * main thread. Nothing else may use Byte Buddy until {@link #await} returns: two threads running
 * its static initialisers at once could deadlock.
 */
final class ByteBuddyWarmUp {

    private ByteBuddyWarmUp() {}

    static Thread start() {
        Thread thread = InternalThread.create(ByteBuddyWarmUp::run, "callsight-warm-up");
        thread.start();
        return thread;
    }

    static void await(Thread warmUp) {
        try {
            warmUp.join();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void run() {
        try {
            new AgentBuilder.Default().makeRaw();
            ClassFileLocator locator = ClassFileLocator.ForClassLoader.of(ByteBuddyWarmUp.class.getClassLoader());
            TypePool pool = TypePool.Default.of(locator);
            new ByteBuddy().with(TypeValidation.DISABLED)
                    .redefine(pool.describe(Sample.class.getName()).resolve(), locator)
                    .visit(Advice.to(pool.describe(SampleAdvice.class.getName()).resolve(), locator).on(named("run")))
                    .make();
        } catch (RuntimeException | LinkageError notWarmed) {
            // Only speed is lost: the installation loads what it needs itself.
        }
    }

    /** A type for the advice to go into; never loaded by the warm-up, only read. */
    static final class Sample {

        int run(int value) {
            return value + 1;
        }
    }

    /** Advice with what the agent's advice uses most: an entry value, the arguments and the return value. */
    static final class SampleAdvice {

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object onEnter(@Advice.Argument(0) int value) {
            return value;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void onExit(@Advice.Enter Object entered, @Advice.Return(readOnly = false) int returned,
                @Advice.Thrown Throwable thrown) {
            returned = returned + 0;
        }
    }
}
