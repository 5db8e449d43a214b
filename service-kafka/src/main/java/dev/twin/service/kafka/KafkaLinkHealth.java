package dev.twin.service.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness DOWN while the Kafka broker does not answer, with the reason and how long, and how many records wait to
 * be re-sent (the router's routed requests, the merger's results and dead letters); UP again by itself once the
 * broker answers (no restart: a new process would not help).
 */
@Readiness
@ApplicationScoped
public class KafkaLinkHealth implements HealthCheck {
    private final KafkaLink link;
    private final Redelivery redelivery;

    public KafkaLinkHealth(KafkaLink link, Redelivery redelivery) {
        this.link = link;
        this.redelivery = redelivery;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("kafka-broker").status(link.up()).withData("status", link.status())
                .withData("waiting-to-resend", redelivery.waiting()).build();
    }
}
