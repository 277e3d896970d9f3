package dev.callsight.agent.bootstrap;

/** Called by advice inlined into Reactor Netty's HttpServer.handle, as the application installs its handler. */
public interface ReactorNettyServerHook {

    ReactorNettyServerHook NONE = handler -> handler;

    /** The handler to install in place of the application's: one that traces each request it handles. */
    Object handler(Object handler);
}
