package com.whatpro.hub.platform.logging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.ThrowableProxy;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * A logging event as it may be written: the original with its message (arguments already filled in), exception
 * messages, MDC values and key-value pairs masked by {@link SecretMasking}.
 */
final class MaskedEvent implements ILoggingEvent {

    private final ILoggingEvent original;
    private final String message;
    private final @Nullable IThrowableProxy throwable;
    private final Map<String, String> mdc;
    private final @Nullable List<KeyValuePair> keyValuePairs;

    private MaskedEvent(ILoggingEvent original, String message, @Nullable IThrowableProxy throwable,
            Map<String, String> mdc, @Nullable List<KeyValuePair> keyValuePairs) {
        this.original = original;
        this.message = message;
        this.throwable = throwable;
        this.mdc = mdc;
        this.keyValuePairs = keyValuePairs;
    }

    /** The event itself when nothing in it needs masking, else a masked copy. */
    static ILoggingEvent of(ILoggingEvent event) {
        var formatted = event.getFormattedMessage();
        var message = SecretMasking.mask(formatted);
        var throwable = event.getThrowableProxy() instanceof ThrowableProxy proxy && MaskedThrowableProxy.needed(proxy)
                ? new MaskedThrowableProxy(proxy) : event.getThrowableProxy();
        var mdc = maskedMdc(event.getMDCPropertyMap());
        var pairs = maskedPairs(event.getKeyValuePairs());
        if (Objects.equals(message, formatted) && throwable == event.getThrowableProxy()
                && mdc == event.getMDCPropertyMap() && pairs == event.getKeyValuePairs()) {
            return event;
        }
        return new MaskedEvent(event, Objects.requireNonNullElse(message, ""), throwable, mdc, pairs);
    }

    private static Map<String, String> maskedMdc(Map<String, String> mdc) {
        if (mdc == null || mdc.values().stream().allMatch(value -> Objects.equals(SecretMasking.mask(value), value))) {
            return mdc;
        }
        var masked = new LinkedHashMap<String, String>();
        mdc.forEach((key, value) -> masked.put(key, SecretMasking.mask(value)));
        return masked;
    }

    private static @Nullable List<KeyValuePair> maskedPairs(@Nullable List<KeyValuePair> pairs) {
        if (pairs == null || pairs.stream().allMatch(pair -> !(pair.value instanceof String text)
                || Objects.equals(SecretMasking.mask(text), text))) {
            return pairs;
        }
        return pairs.stream().map(pair -> pair.value instanceof String text
                ? new KeyValuePair(pair.key, SecretMasking.mask(text)) : pair).toList();
    }

    @Override
    public String getThreadName() {
        return original.getThreadName();
    }

    @Override
    public Level getLevel() {
        return original.getLevel();
    }

    @Override
    public String getMessage() {
        return message;
    }

    @Override
    public Object @Nullable [] getArgumentArray() {
        return null;
    }

    @Override
    public String getFormattedMessage() {
        return message;
    }

    @Override
    public String getLoggerName() {
        return original.getLoggerName();
    }

    @Override
    public LoggerContextVO getLoggerContextVO() {
        return original.getLoggerContextVO();
    }

    @Override
    public @Nullable IThrowableProxy getThrowableProxy() {
        return throwable;
    }

    @Override
    public StackTraceElement[] getCallerData() {
        return original.getCallerData();
    }

    @Override
    public boolean hasCallerData() {
        return original.hasCallerData();
    }

    @Override
    public List<Marker> getMarkerList() {
        return original.getMarkerList();
    }

    @Override
    public Map<String, String> getMDCPropertyMap() {
        return mdc;
    }

    @Override
    @SuppressWarnings("deprecation")
    public Map<String, String> getMdc() {
        return mdc;
    }

    @Override
    public long getTimeStamp() {
        return original.getTimeStamp();
    }

    @Override
    public int getNanoseconds() {
        return original.getNanoseconds();
    }

    @Override
    public java.time.Instant getInstant() {
        return original.getInstant();
    }

    @Override
    public long getSequenceNumber() {
        return original.getSequenceNumber();
    }

    @Override
    public @Nullable List<KeyValuePair> getKeyValuePairs() {
        return keyValuePairs;
    }

    @Override
    public void prepareForDeferredProcessing() {
        original.prepareForDeferredProcessing();
    }
}
