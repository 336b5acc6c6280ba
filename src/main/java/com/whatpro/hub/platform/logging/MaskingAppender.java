package com.whatpro.hub.platform.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

/** Hands every event to the appender it wraps with its secrets masked ({@link MaskedEvent}). */
final class MaskingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private final Appender<ILoggingEvent> delegate;

    MaskingAppender(Appender<ILoggingEvent> delegate) {
        this.delegate = delegate;
        setName(delegate.getName());
        setContext(delegate.getContext());
    }

    Appender<ILoggingEvent> delegate() {
        return delegate;
    }

    @Override
    protected void append(ILoggingEvent event) {
        delegate.doAppend(MaskedEvent.of(event));
    }

    @Override
    public void stop() {
        super.stop();
        delegate.stop();
    }
}
