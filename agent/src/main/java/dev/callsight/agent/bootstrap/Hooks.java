package dev.callsight.agent.bootstrap;

import java.util.function.Function;

/**
 * The agent's single bootstrap point. Advice inlined into JDK classes can only reach classes
 * the bootstrap loader sees, so this package is injected there and the agent, loaded by the
 * system class loader, publishes its hooks here once at startup. Until then every hook does
 * nothing. The JDK's own libraries have one hook each; a library the application brings may be
 * loaded many times over (nested jars, web apps, two versions), so its hook is found per
 * instrumented class ({@link PerOrigin}).
 */
public final class Hooks {

    private static volatile UrlConnectionHook urlConnection = UrlConnectionHook.NONE;
    private static volatile JdkHttpClientHook jdkHttpClient = JdkHttpClientHook.NONE;
    private static final PerOrigin<OkHttpHook> okHttp = new PerOrigin<>(OkHttpHook.NONE);
    private static final PerOrigin<ApacheClassicHook> apache4 = new PerOrigin<>(ApacheClassicHook.NONE);
    private static final PerOrigin<ApacheClassicHook> apache5Classic = new PerOrigin<>(ApacheClassicHook.NONE);
    private static final PerOrigin<ApacheAsyncHook> apache5Async = new PerOrigin<>(ApacheAsyncHook.NONE);
    private static final PerOrigin<ReactorNettyClientHook> reactorNettyClient =
            new PerOrigin<>(ReactorNettyClientHook.NONE);
    private static final PerOrigin<ReactorNettyServerHook> reactorNettyServer =
            new PerOrigin<>(ReactorNettyServerHook.NONE);
    private static final PerOrigin<WebFluxHook> webFlux = new PerOrigin<>(WebFluxHook.NONE);
    private static final PerOrigin<ServerHook> javaxServlet = new PerOrigin<>(ServerHook.NONE);
    private static final PerOrigin<ServerHook> jakartaServlet = new PerOrigin<>(ServerHook.NONE);
    private static volatile ServerHook jdkHttpServer = ServerHook.NONE;
    private static volatile ContextHook context = ContextHook.NONE;
    private static volatile LogHook logs = LogHook.NONE;

    private Hooks() {}

    public static UrlConnectionHook urlConnection() {
        return urlConnection;
    }

    public static JdkHttpClientHook jdkHttpClient() {
        return jdkHttpClient;
    }

    public static OkHttpHook okHttp(Class<?> origin) {
        return okHttp.get(origin);
    }

    public static ApacheClassicHook apache4(Class<?> origin) {
        return apache4.get(origin);
    }

    public static ApacheClassicHook apache5Classic(Class<?> origin) {
        return apache5Classic.get(origin);
    }

    public static ApacheAsyncHook apache5Async(Class<?> origin) {
        return apache5Async.get(origin);
    }

    public static ReactorNettyClientHook reactorNettyClient(Class<?> origin) {
        return reactorNettyClient.get(origin);
    }

    public static ReactorNettyServerHook reactorNettyServer(Class<?> origin) {
        return reactorNettyServer.get(origin);
    }

    public static void installReactorNettyClient(Function<Class<?>, ReactorNettyClientHook> glue) {
        reactorNettyClient.install(glue);
    }

    public static void installReactorNettyServer(Function<Class<?>, ReactorNettyServerHook> glue) {
        reactorNettyServer.install(glue);
    }

    public static WebFluxHook webFlux(Class<?> origin) {
        return webFlux.get(origin);
    }

    public static void installWebFlux(Function<Class<?>, WebFluxHook> glue) {
        webFlux.install(glue);
    }

    public static ServerHook javaxServlet(Class<?> origin) {
        return javaxServlet.get(origin);
    }

    public static ServerHook jakartaServlet(Class<?> origin) {
        return jakartaServlet.get(origin);
    }

    public static ServerHook jdkHttpServer() {
        return jdkHttpServer;
    }

    public static void installJavaxServlet(Function<Class<?>, ServerHook> glue) {
        javaxServlet.install(glue);
    }

    public static void installJakartaServlet(Function<Class<?>, ServerHook> glue) {
        jakartaServlet.install(glue);
    }

    public static void installJdkHttpServer(ServerHook hook) {
        jdkHttpServer = hook;
    }

    public static ContextHook context() {
        return context;
    }

    public static LogHook logs() {
        return logs;
    }

    public static void install(UrlConnectionHook hook) {
        urlConnection = hook;
    }

    public static void install(JdkHttpClientHook hook) {
        jdkHttpClient = hook;
    }

    public static void installOkHttp(Function<Class<?>, OkHttpHook> glue) {
        okHttp.install(glue);
    }

    public static void installApache4(Function<Class<?>, ApacheClassicHook> glue) {
        apache4.install(glue);
    }

    public static void installApache5(Function<Class<?>, ApacheClassicHook> classic,
            Function<Class<?>, ApacheAsyncHook> async) {
        apache5Classic.install(classic);
        apache5Async.install(async);
    }

    public static void install(ContextHook hook) {
        context = hook;
    }

    public static void install(LogHook hook) {
        logs = hook;
    }
}
