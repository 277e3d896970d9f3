package dev.callsight.e2e.boot3;

import dev.callsight.e2e.orders.Upstream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * {@code GET /orders/{orderId}/items?via=LIBRARY&target=URL}: calls the target through that library and answers with
 * the upstream's status and body, or 502 and the exception when the call fails. {@code apache5} goes through Spring's
 * RestClient; the other libraries as {@link Upstream} calls them.
 */
@RestController
class OrdersController {

    private final Upstream upstream;
    private final RestClient restClient;

    OrdersController(Upstream upstream, RestClient restClient) {
        this.upstream = upstream;
        this.restClient = restClient;
    }

    @GetMapping("/orders/{orderId}/items")
    ResponseEntity<String> items(@PathVariable("orderId") String orderId, @RequestParam("via") String via,
            @RequestParam("target") String target) {
        try {
            if ("apache5".equals(via)) {
                return restClient.get().uri(URI.create(target)).exchange((request, response) -> text(
                        response.getStatusCode().value(),
                        new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8)));
            }
            Upstream.Answer answer = upstream.get(via, target);
            return text(answer.status(), answer.body());
        } catch (IOException | RuntimeException failed) {
            return text(502, Upstream.failure(failed));
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return text(502, Upstream.failure(interrupted));
        }
    }

    private static ResponseEntity<String> text(int status, String body) {
        return ResponseEntity.status(status).contentType(MediaType.TEXT_PLAIN).body(body);
    }
}
