package com.whatpro.hub.kanban;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the board event stream ({@code whatpro.kanban.events.*}): how often an idle stream
 * sends a heartbeat, how long one connection lives before the client reconnects (and is
 * authorised again), and how many events per board are kept for {@code Last-Event-ID} resumes.
 */
@ConfigurationProperties("whatpro.kanban")
record KanbanSettings(@DefaultValue Events events) {

    record Events(
            @DefaultValue("15s") Duration heartbeat,
            @DefaultValue("10m") Duration connectionTimeout,
            @DefaultValue("1000") int replay,
            @DefaultValue("24h") Duration retention,
            @DefaultValue("512") int queue) {
    }
}
