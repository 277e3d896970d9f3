package dev.callsight.e2e.boot3;

import dev.callsight.e2e.orders.Upstream;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/**
 * A Spring Boot 3 service as users write one: Spring MVC on the embedded Tomcat, {@link OrdersController} calling an
 * upstream through the library each request names. Start it with {@code --server.port=0}; it prints
 * {@code listening|PORT} once it accepts requests.
 */
@SpringBootApplication
public class OrdersApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrdersApplication.class, args);
    }

    @Bean
    Upstream upstream() {
        return new Upstream();
    }

    /** Spring's RestClient on Apache HttpClient 5, with the same timeouts as every other library. */
    @Bean
    RestClient restClient() {
        return RestClient.builder().requestFactory(new HttpComponentsClientHttpRequestFactory(Upstream.apache5Client()))
                .build();
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> announcePort() {
        return event -> {
            System.out.println("listening|" + event.getWebServer().getPort());
            System.out.flush();
        };
    }
}
