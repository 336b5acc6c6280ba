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

    /** Several refused settings at once, one per line. */
    UnsafeSettingsException(java.util.List<UnsafeSettingsException> problems) {
        super(String.join(System.lineSeparator(), problems.stream().map(p -> "  - " + p.getMessage()).toList()));
        this.setting = String.join(", ", problems.stream().map(UnsafeSettingsException::setting).toList());
    }

    public String setting() {
        return setting;
    }
}
