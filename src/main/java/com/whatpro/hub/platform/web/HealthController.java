package com.whatpro.hub.platform.web;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The probes orchestrators call: liveness (the process works) and readiness (its database and
 * Redis answer), on the main port whatever the management port is.
 */
@RestController
@Tag(name = "Service")
class HealthController {

    private final HealthEndpoint health;
    private final List<Degradation> degradations;

    HealthController(HealthEndpoint health, ObjectProvider<Degradation> degradations) {
        this.health = health;
        this.degradations = degradations.orderedStream().toList();
    }

    @GetMapping("/health/live")
    @Operation(summary = "Liveness: 200 while the process can serve")
    ResponseEntity<Map<String, Object>> live() {
        return answer(health.healthForPath("liveness"), Map.of());
    }

    @GetMapping("/health/ready")
    @Operation(summary = "Readiness: 200 when the database and Redis answer, else 503; "
            + "`degraded` names what the node does in a reduced way meanwhile")
    ResponseEntity<Map<String, Object>> ready() {
        var degraded = new LinkedHashMap<String, String>();
        degradations.forEach(d -> d.degraded().ifPresent(why -> degraded.put(d.name(), why)));
        return answer(health.healthForPath("readiness"), degraded);
    }

    private static ResponseEntity<Map<String, Object>> answer(HealthDescriptor descriptor, Map<String, String> degraded) {
        var status = descriptor == null ? Status.UNKNOWN : descriptor.getStatus();
        var body = new LinkedHashMap<String, Object>();
        body.put("status", status.getCode());
        if (descriptor instanceof CompositeHealthDescriptor composite && composite.getComponents() != null) {
            var checks = new LinkedHashMap<String, String>();
            composite.getComponents().forEach((name, component) -> checks.put(name, component.getStatus().getCode()));
            body.put("checks", checks);
        }
        if (!degraded.isEmpty()) {
            body.put("degraded", degraded);
        }
        var code = Status.UP.equals(status) ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE;
        return ResponseEntity.status(code).cacheControl(CacheControl.noStore()).body(body);
    }
}
