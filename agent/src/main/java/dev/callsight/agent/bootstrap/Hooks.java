package dev.callsight.agent.bootstrap;

/**
 * The agent's single bootstrap point. Advice inlined into JDK classes can only reach classes
 * the bootstrap loader sees, so this package is injected there and the agent, loaded by the
 * system class loader, publishes its hooks here once at startup. Until then every hook does
 * nothing.
 */
public final class Hooks {

    private static volatile UrlConnectionHook urlConnection = UrlConnectionHook.NONE;
    private static volatile JdkHttpClientHook jdkHttpClient = JdkHttpClientHook.NONE;
    private static volatile OkHttpHook okHttp = OkHttpHook.NONE;
    private static volatile ApacheClassicHook apache4 = ApacheClassicHook.NONE;
    private static volatile ApacheClassicHook apache5Classic = ApacheClassicHook.NONE;
    private static volatile ApacheAsyncHook apache5Async = ApacheAsyncHook.NONE;
    private static volatile ServerHook javaxServlet = ServerHook.NONE;
    private static volatile ServerHook jakartaServlet = ServerHook.NONE;
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

    public static OkHttpHook okHttp() {
        return okHttp;
    }

    public static ApacheClassicHook apache4() {
        return apache4;
    }

    public static ApacheClassicHook apache5Classic() {
        return apache5Classic;
    }

    public static ApacheAsyncHook apache5Async() {
        return apache5Async;
    }

    public static ServerHook javaxServlet() {
        return javaxServlet;
    }

    public static ServerHook jakartaServlet() {
        return jakartaServlet;
    }

    public static ServerHook jdkHttpServer() {
        return jdkHttpServer;
    }

    public static void installJavaxServlet(ServerHook hook) {
        javaxServlet = hook;
    }

    public static void installJakartaServlet(ServerHook hook) {
        jakartaServlet = hook;
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

    public static void install(OkHttpHook hook) {
        okHttp = hook;
    }

    public static void installApache4(ApacheClassicHook hook) {
        apache4 = hook;
    }

    public static void installApache5(ApacheClassicHook classic, ApacheAsyncHook async) {
        apache5Classic = classic;
        apache5Async = async;
    }

    public static void install(ContextHook hook) {
        context = hook;
    }

    public static void install(LogHook hook) {
        logs = hook;
    }
}
