package dev.callsight.e2e.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A Spring Boot 3 reactive service as users write one: WebFlux on Reactor Netty, {@link ItemsController} calling an
 * upstream through WebClient. Start it with {@code --server.port=0}; it prints {@code listening|PORT} once it accepts
 * requests.
 */
@SpringBootApplication
public class ItemsApplication {

    public static void main(String[] args) {
        SpringApplication.run(ItemsApplication.class, args);
    }

    @Bean
    WebClient webClient(WebClient.Builder builder) {
        return builder.build();
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> announcePort() {
        return event -> {
            System.out.println("listening|" + event.getWebServer().getPort());
            System.out.flush();
        };
    }
}
