package dev.callsight.agent.instrumentation.logback;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.callsight.agent.bootstrap.Hooks;
import dev.callsight.agent.core.InstrumentationModule;
import dev.callsight.agent.core.client.OutboundCalls;
import dev.callsight.agent.core.context.LogCorrelation;
import java.util.List;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;


/**
 * Logback (through SLF4J or directly): every logging event's MDC, as layouts ({@code %X{trace_id}}),
 * encoders and appenders read it, holds the IDs of the span current when the event was made.
 * The application's MDC is never changed, and a trace_id the application put there itself wins.
 * An event made while a span is current takes its MDC snapshot at once, on the logging thread,
 * so an asynchronous appender sees that span's IDs too.
 */
public final class LogbackModule implements InstrumentationModule {

    @Override
    public String name() {
        return "logback";
    }

    /** Context crosses threads and log lines get ids from the first traced call on; nothing earlier is missed. */
    @Override
    public List<String> gatedTypes() {
        return List.of();
    }

    @Override
    public void publish(OutboundCalls calls) {
        Hooks.install(new LogCorrelation());
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder) {
        return builder
                .type(named("ch.qos.logback.classic.spi.LoggingEvent"))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(LogbackModule.class.getClassLoader())
                        .advice(named("getMDCPropertyMap").and(takesArguments(0)), MdcAdvice.class.getName())
                        .advice(isConstructor().and(not(takesArguments(0))), CreatedAdvice.class.getName()));
    }

    /** The event's MDC with the current span's IDs, kept in the event so later reads agree. */
    public static final class MdcAdvice {

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void onExit(
                @Advice.FieldValue(value = "mdcPropertyMap", readOnly = false) Map<String, String> field,
                @Advice.Return(readOnly = false) Map<String, String> returned) {
            Map<String, String> withIds = Hooks.logs().withTraceIds(returned);
            if (withIds != returned) {
                field = withIds;
                returned = withIds;
            }
        }
    }

    /** A new event while a span is current: its MDC (with the IDs) is taken now, on the logging thread. */
    public static final class CreatedAdvice {

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void onExit(@Advice.This ILoggingEvent event) {
            if (Hooks.logs().spanCurrent()) {
                event.getMDCPropertyMap();
            }
        }
    }
}
