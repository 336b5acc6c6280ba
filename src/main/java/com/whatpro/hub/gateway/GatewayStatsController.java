package com.whatpro.hub.gateway;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.whatpro.hub.platform.security.Callers;
import com.whatpro.hub.platform.security.Permission;
import com.whatpro.hub.platform.security.Requires;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/accounts/{accountId}/gateway/stats")
@Tag(name = "Gateway")
class GatewayStatsController {

    private final Jobs jobs;

    GatewayStatsController(Jobs jobs) {
        this.jobs = jobs;
    }

    /**
     * The account's queue: jobs waiting and running, dead letters, the age of its oldest unfinished job, and the jobs
     * finished and buried in the last five minutes.
     */
    record StatsView(long pending, long running, long deadLetters, long oldestPendingSeconds,
            @JsonProperty("delivered_last_5m") long deliveredLast5m,
            @JsonProperty("failed_last_5m") long failedLast5m) {
    }

    @GetMapping
    @Requires(Permission.GATEWAY_MANAGE)
    @Operation(summary = "How the account's gateway queue stands: pending, running, dead letters, oldest age, "
            + "recent outcomes")
    StatsView stats(@PathVariable long accountId) {
        var stats = jobs.stats(Callers.requiredAccess().account());
        return new StatsView(stats.pending(), stats.running(), stats.deadLetters(), stats.oldestPendingSeconds(),
                stats.deliveredLast5m(), stats.failedLast5m());
    }
}
