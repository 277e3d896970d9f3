package dev.callsight.collector.secure;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.Cookie;
import io.undertow.server.handlers.CookieImpl;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Lets a request through only with the collector's bearer token; anything else gets 401 with
 * {@code WWW-Authenticate: Bearer}. On the web port a browser, which cannot add a header to a page load, gets a
 * login form instead: posting the token to {@code /login} sets it as an HttpOnly, SameSite=Strict cookie that the
 * web port accepts in place of the header. The OTLP port accepts the header only.
 */
public final class TokenGuard implements HttpHandler {

    public static final String LOGIN_PATH = "/login";
    static final String COOKIE = "callsight_token";
    private static final int MAX_FORM_BYTES = 4096;
    private static final HttpString CONTENT_SECURITY_POLICY = HttpString.tryFromString("Content-Security-Policy");
    private static final String LOGIN_CSP =
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";

    private final BearerToken token;
    private final boolean browserLogin;
    private final boolean secureCookie;
    private final HttpHandler next;

    /**
     * @param browserLogin whether this port serves the login form and accepts the login cookie (the web port)
     * @param secureCookie whether the port is HTTPS, so the cookie is marked {@code Secure}
     */
    public TokenGuard(BearerToken token, boolean browserLogin, boolean secureCookie, HttpHandler next) {
        this.token = token;
        this.browserLogin = browserLogin;
        this.secureCookie = secureCookie;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (browserLogin && exchange.getRequestPath().equals(LOGIN_PATH)) {
            login(exchange);
            return;
        }
        if (authorized(exchange)) {
            next.handleRequest(exchange);
            return;
        }
        unauthorized(exchange, "missing or invalid bearer token");
    }

    private boolean authorized(HttpServerExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return token.matches(header.substring(7).strip());
        }
        if (browserLogin) {
            Cookie cookie = exchange.getRequestCookie(COOKIE);
            return cookie != null && token.matches(cookie.getValue());
        }
        return false;
    }

    private void login(HttpServerExchange exchange) {
        if (exchange.getRequestMethod().equals(Methods.GET)) {
            sendForm(exchange, 200, "");
            return;
        }
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, "GET, POST");
            sendText(exchange, 405, "use GET or POST on " + LOGIN_PATH);
            return;
        }
        if (exchange.getRequestContentLength() > MAX_FORM_BYTES) {
            exchange.setPersistent(false);
            sendText(exchange, 413, "login form over " + MAX_FORM_BYTES + " bytes");
            return;
        }
        exchange.getRequestReceiver().receiveFullString((done, form) -> {
            if (token.matches(formField(form, "token"))) {
                CookieImpl cookie = new CookieImpl(COOKIE, token.value());
                cookie.setPath("/").setHttpOnly(true).setSameSiteMode("Strict").setSecure(secureCookie);
                done.setResponseCookie(cookie);
                done.setStatusCode(303);
                done.getResponseHeaders().put(Headers.LOCATION, "/ui/");
                done.endExchange();
            } else {
                sendForm(done, 401, "<p class=\"error\">That token is not valid.</p>");
            }
        }, (failed, e) -> sendText(failed, 400, "cannot read the login form: " + e.getMessage()),
                StandardCharsets.UTF_8);
    }

    /** The value of one field of an application/x-www-form-urlencoded body, or null. */
    private static String formField(String form, String name) {
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                try {
                    return URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8).strip();
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private void unauthorized(HttpServerExchange exchange, String message) {
        String accept = exchange.getRequestHeaders().getFirst(Headers.ACCEPT);
        if (browserLogin && accept != null && accept.contains("text/html")) {
            sendForm(exchange, 401, "");
        } else {
            sendText(exchange, 401, message);
        }
    }

    private static void sendForm(HttpServerExchange exchange, int status, String notice) {
        if (status == 401) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"callsight\"");
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        exchange.getResponseHeaders().put(CONTENT_SECURITY_POLICY, LOGIN_CSP);
        exchange.getResponseSender().send("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>callsight: log in</title>
                <style>body{font-family:sans-serif;margin:4em auto;max-width:28em}.error{color:#b00}</style></head>
                <body><h1>callsight</h1><p>This collector needs its access token (the content of its
                <code>--token-file</code>).</p>%s
                <form method="post" action="%s"><input type="password" name="token" autocomplete="current-password"
                autofocus required aria-label="token"> <button type="submit">Log in</button></form></body></html>
                """.formatted(notice, LOGIN_PATH), StandardCharsets.UTF_8);
    }

    private static void sendText(HttpServerExchange exchange, int status, String message) {
        if (status == 401) {
            exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer realm=\"callsight\"");
        }
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        exchange.getResponseSender().send(message + "\n", StandardCharsets.UTF_8);
    }
}
