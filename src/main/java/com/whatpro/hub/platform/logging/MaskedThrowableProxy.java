package com.whatpro.hub.platform.logging;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import org.jspecify.annotations.Nullable;

/**
 * An exception as it may be logged: class names and stack frames as they were, messages (of the causes and
 * suppressed exceptions too) masked. It is a {@link ThrowableProxy}, so encoders that print the {@link Throwable}
 * itself get a masked copy of it.
 */
final class MaskedThrowableProxy extends ThrowableProxy {

    private final ThrowableProxy original;
    private final @Nullable IThrowableProxy cause;
    private final IThrowableProxy[] suppressed;

    MaskedThrowableProxy(ThrowableProxy original) {
        super(MaskedThrowable.of(original.getThrowable()));
        this.original = original;
        this.cause = masked(original.getCause());
        var originalSuppressed = original.getSuppressed();
        this.suppressed = new IThrowableProxy[originalSuppressed.length];
        for (int i = 0; i < originalSuppressed.length; i++) {
            suppressed[i] = Objects.requireNonNull(masked(originalSuppressed[i]));
        }
    }

    /** Whether any message in the exception, its causes or suppressed ones, holds something to mask. */
    static boolean needed(IThrowableProxy proxy) {
        return needed(proxy, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static boolean needed(@Nullable IThrowableProxy proxy, Set<IThrowableProxy> seen) {
        if (proxy == null || !seen.add(proxy)) {
            return false;
        }
        if (changes(proxy.getMessage()) || changes(proxy.getOverridingMessage()) || needed(proxy.getCause(), seen)) {
            return true;
        }
        for (var one : proxy.getSuppressed()) {
            if (needed(one, seen)) {
                return true;
            }
        }
        return false;
    }

    private static boolean changes(@Nullable String text) {
        return !Objects.equals(SecretMasking.mask(text), text);
    }

    private static @Nullable IThrowableProxy masked(@Nullable IThrowableProxy proxy) {
        return proxy instanceof ThrowableProxy throwable ? new MaskedThrowableProxy(throwable) : proxy;
    }

    @Override
    public @Nullable String getMessage() {
        return SecretMasking.mask(original.getMessage());
    }

    @Override
    public @Nullable String getOverridingMessage() {
        return SecretMasking.mask(original.getOverridingMessage());
    }

    @Override
    public String getClassName() {
        return original.getClassName();
    }

    @Override
    public StackTraceElementProxy[] getStackTraceElementProxyArray() {
        return original.getStackTraceElementProxyArray();
    }

    @Override
    public int getCommonFrames() {
        return original.getCommonFrames();
    }

    @Override
    public boolean isCyclic() {
        return original.isCyclic();
    }

    @Override
    public @Nullable IThrowableProxy getCause() {
        return cause;
    }

    @Override
    public IThrowableProxy[] getSuppressed() {
        return suppressed;
    }

    /** A stand-in for an exception that prints like it, with its messages masked. */
    static final class MaskedThrowable extends Throwable {

        private final String className;

        private MaskedThrowable(String className, @Nullable String message) {
            super(message);
            this.className = className;
        }

        static Throwable of(Throwable original) {
            return copy(original, new IdentityHashMap<>());
        }

        private static Throwable copy(Throwable original, IdentityHashMap<Throwable, Throwable> copies) {
            var known = copies.get(original);
            if (known != null) {
                return known;
            }
            var cause = original.getCause();
            var copy = new MaskedThrowable(original.getClass().getName(), SecretMasking.mask(original.getMessage()));
            copies.put(original, copy);
            if (cause != null && cause != original) {
                copy.initCause(copy(cause, copies));
            }
            copy.setStackTrace(original.getStackTrace());
            for (var one : original.getSuppressed()) {
                copy.addSuppressed(copy(one, copies));
            }
            return copy;
        }

        @Override
        public String toString() {
            var message = getLocalizedMessage();
            return message == null ? className : className + ": " + message;
        }
    }
}
