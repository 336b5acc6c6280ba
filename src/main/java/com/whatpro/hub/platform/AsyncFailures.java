package com.whatpro.hub.platform;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aop.interceptor.AsyncUncaughtExceptionHandler;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.AsyncConfigurer;

/**
 * Logs the failure of an {@code @Async} listener, each of which runs after a commit from the event publication
 * registry, and says that it is not lost: the registry runs it again (docs/operations.md, "Work after a commit").
 */
@Configuration(proxyBeanMethods = false)
class AsyncFailures implements AsyncConfigurer {

    private static final Logger log = LoggerFactory.getLogger(AsyncFailures.class);

    @Override
    public AsyncUncaughtExceptionHandler getAsyncUncaughtExceptionHandler() {
        return (error, method, parameters) -> log.error("{}.{} failed; its event is kept and runs again later",
                method.getDeclaringClass().getSimpleName(), method.getName(), error);
    }
}
