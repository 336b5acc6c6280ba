package com.whatpro.hub.platform;

import java.util.List;
import java.util.Map;

import com.whatpro.hub.platform.security.Public;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A route that exists only in the test classpath, to exercise what the framework does with bad input. */
@RestController
@io.swagger.v3.oas.annotations.Hidden
@Public
class ProbeController {

    private final JdbcClient jdbc;

    ProbeController(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    record Probe(@NotBlank String displayName, @Min(1) int wipLimit, @Size(max = 3) List<String> labels) {
    }

    @PostMapping(path = "/api/v1/probe", consumes = "application/json")
    Map<String, Object> accept(@Valid @RequestBody Probe probe) {
        return Map.of("display_name", probe.displayName());
    }

    @GetMapping("/api/v1/probe/{number}")
    Map<String, Object> number(@PathVariable long number) {
        return Map.of("number", number);
    }

    /** A value the database refuses as data, as if a check at the edge were missing. */
    @GetMapping("/api/v1/probe/data/{kind}")
    Map<String, Object> data(@PathVariable String kind) {
        var statement = switch (kind) {
            case "cast" -> jdbc.sql("select cast(:value as integer)").param("value", "forty-two");
            case "division" -> jdbc.sql("select 1 / (cast(:value as integer) - 1)").param("value", 1);
            case "time" -> jdbc.sql("select cast(:value as timestamptz)").param("value", "300000-01-01 00:00:00+00");
            case "nul" -> jdbc.sql("select cast(:value as text)").param("value", "a\u0000b");
            default -> jdbc.sql("select * from no_such_table_for_the_probe");
        };
        return Map.of("value", String.valueOf(statement.query().singleValue()));
    }

    /** A missing connection that reaches the handlers inside another error. */
    @GetMapping("/api/v1/probe/wrapped-no-connection")
    Map<String, Object> wrappedNoConnection() {
        throw new IllegalStateException("the work failed",
                new CannotGetJdbcConnectionException("Failed to obtain JDBC Connection"));
    }

    @GetMapping("/api/v1/probe/fault")
    Map<String, Object> fault() {
        throw new IllegalStateException("internal detail that must not leak");
    }
}
