package dev.callsight.agent;

import dev.callsight.agent.core.InstrumentationModule;
import dev.callsight.agent.core.ServerModule;
import dev.callsight.agent.instrumentation.apache4.Apache4Module;
import dev.callsight.agent.instrumentation.apache5.Apache5Module;
import dev.callsight.agent.instrumentation.executors.ExecutorsModule;
import dev.callsight.agent.instrumentation.jakartaservlet.JakartaServletModule;
import dev.callsight.agent.instrumentation.javaxservlet.JavaxServletModule;
import dev.callsight.agent.instrumentation.jdkhttp.JdkHttpClientModule;
import dev.callsight.agent.instrumentation.jdkhttpserver.JdkHttpServerModule;
import dev.callsight.agent.instrumentation.logback.LogbackModule;
import dev.callsight.agent.instrumentation.okhttp.OkHttpModule;
import dev.callsight.agent.instrumentation.reactornetty.ReactorNettyClientModule;
import dev.callsight.agent.instrumentation.reactornetty.ReactorNettyServerModule;
import dev.callsight.agent.instrumentation.urlconnection.UrlConnectionModule;
import dev.callsight.agent.instrumentation.webflux.WebFluxModule;
import java.util.List;

/** Every client and server library the agent instruments; adding a library adds its module here. */
public final class Instrumentations {

    private Instrumentations() {}

    public static List<InstrumentationModule> all() {
        return List.of(new JdkHttpClientModule(), new UrlConnectionModule(), new OkHttpModule(), new Apache4Module(),
                new Apache5Module(), new ReactorNettyClientModule(), new ExecutorsModule(), new LogbackModule());
    }

    public static List<ServerModule> servers() {
        return List.of(new JavaxServletModule(), new JakartaServletModule(), new JdkHttpServerModule(),
                new ReactorNettyServerModule(), new WebFluxModule());
    }
}
