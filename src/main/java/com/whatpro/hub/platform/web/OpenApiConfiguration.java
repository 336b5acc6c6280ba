package com.whatpro.hub.platform.web;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;

import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenAPI document at /v3/api-docs: snake_case schemas, as the API really speaks, and the
 * two ways to authenticate.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    /** springdoc reads models with its own (Jackson 2) mapper; give it our naming. */
    @Bean
    ModelResolver snakeCaseModelResolver() {
        return new ModelResolver(Json.mapper().copy().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    }

    @Bean
    OpenAPI whatProOpenApi() {
        return new OpenAPI()
                .info(new Info().title("WhatPro Hub API").version("v1")
                        .description("WhatsApp providers, Chatwoot and a Kanban CRM for many tenants. Errors are RFC 9457 "
                                + "problems; lists are {items, next_cursor}; JSON is snake_case."))
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer")
                                .bearerFormat("JWT or wph_ API key"))
                        .addSecuritySchemes("api_key", new SecurityScheme().type(SecurityScheme.Type.APIKEY)
                                .in(SecurityScheme.In.HEADER).name("X-API-Key")))
                .addSecurityItem(new SecurityRequirement().addList("bearer"))
                .addSecurityItem(new SecurityRequirement().addList("api_key"));
    }
}
