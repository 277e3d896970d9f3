package dev.callsight.e2e.webflux;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * {@code GET /orders/{orderId}/items?target=URL}: calls the target through WebClient and answers with the upstream's
 * status and body, or 502 and the class of the failure's root cause (WebClient wraps it) when the call fails.
 */
@RestController
class ItemsController {

    private final WebClient webClient;

    ItemsController(WebClient webClient) {
        this.webClient = webClient;
    }

    @GetMapping("/orders/{orderId}/items")
    Mono<ResponseEntity<String>> items(@PathVariable("orderId") String orderId, @RequestParam("target") String target) {
        return webClient.get().uri(target)
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                        .map(body -> text(response.statusCode().value(), body)))
                .onErrorResume(failed -> Mono.just(text(502, rootCause(failed).getClass().getName())));
    }

    private static Throwable rootCause(Throwable failed) {
        Throwable cause = failed;
        for (int depth = 0; depth < 10 && cause.getCause() != null; depth++) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static ResponseEntity<String> text(int status, String body) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(body);
    }
}
