package com.whatpro.hub;

import java.util.ArrayList;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Another instance of the service on the same database and Redis, as a second node of a cluster. Extra arguments
 * ({@code --key=value}) take the place of the test infrastructure's settings of the same key.
 */
public final class SecondNode implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private SecondNode(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static SecondNode start(String... extraArguments) {
        var arguments = new ArrayList<String>();
        var overridden = java.util.Arrays.stream(extraArguments).map(argument -> argument.split("=", 2)[0]).toList();
        TestInfrastructure.properties().forEach((key, value) -> {
            if (!overridden.contains("--" + key)) {
                arguments.add("--" + key + "=" + value);
            }
        });
        arguments.add("--server.port=0");
        arguments.add("--spring.main.banner-mode=off");
        arguments.addAll(java.util.List.of(extraArguments));
        return new SecondNode(new SpringApplicationBuilder(WhatProHub.class).run(arguments.toArray(String[]::new)));
    }

    public TestHttp http() {
        return TestHttp.at(port());
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
