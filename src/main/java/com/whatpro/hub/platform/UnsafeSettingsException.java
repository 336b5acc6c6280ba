package com.whatpro.hub.platform;

/**
 * A setting that would make the service unsafe or unable to run; the message names it.
 */
public final class UnsafeSettingsException extends RuntimeException {

    private final String setting;

    public UnsafeSettingsException(String setting, String problem) {
        super(setting + ": " + problem);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
