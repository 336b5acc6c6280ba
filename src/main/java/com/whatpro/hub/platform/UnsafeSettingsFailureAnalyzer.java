package com.whatpro.hub.platform;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints an unsafe setting as what is wrong and what to set, not as a stack trace. */
final class UnsafeSettingsFailureAnalyzer extends AbstractFailureAnalyzer<UnsafeSettingsException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnsafeSettingsException cause) {
        return new FailureAnalysis("WhatPro Hub refuses these settings:" + System.lineSeparator() + cause.getMessage(),
                "Set " + cause.setting() + " (see the configuration table in docs/configuration.md).", cause);
    }
}
