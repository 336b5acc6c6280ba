package com.whatpro.hub.platform.logging;

import java.util.ArrayList;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.GenericApplicationListener;
import org.springframework.core.ResolvableType;

/**
 * Puts {@link SecretMasking} in front of every log appender, whatever the configuration made them (Spring Boot's
 * plain or structured console, a {@code logback-spring.xml}, a file): right after Spring Boot has configured logging
 * (and again once the context is prepared and started, in case it was configured again), each appender of each
 * logger is wrapped in a {@link MaskingAppender}. Registered in {@code META-INF/spring.factories}, so it runs before
 * any bean exists.
 */
public final class LogMasking implements GenericApplicationListener {

    @Override
    public boolean supportsEventType(ResolvableType eventType) {
        var type = eventType.getRawClass();
        return type != null && (ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(type)
                || ApplicationPreparedEvent.class.isAssignableFrom(type)
                || ApplicationStartedEvent.class.isAssignableFrom(type));
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        install();
    }

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    /** Wraps every appender not wrapped yet; safe to call again. */
    public static void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            install(context);
        }
    }

    static void install(LoggerContext context) {
        for (var logger : context.getLoggerList()) {
            var unwrapped = new ArrayList<Appender<ILoggingEvent>>();
            logger.iteratorForAppenders().forEachRemaining(appender -> {
                if (!(appender instanceof MaskingAppender)) {
                    unwrapped.add(appender);
                }
            });
            for (var appender : unwrapped) {
                var masking = new MaskingAppender(appender);
                masking.start();
                logger.addAppender(masking);
                logger.detachAppender(appender);
            }
        }
    }
}
