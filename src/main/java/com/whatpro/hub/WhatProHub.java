package com.whatpro.hub;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.modulith.Modulithic;

@Modulithic(sharedModules = "platform")
// users sign in through the identity module only: no generated in-memory user, no "generated security password"
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class WhatProHub {

    public static void main(String[] args) {
        SpringApplication.run(WhatProHub.class, args);
    }
}
