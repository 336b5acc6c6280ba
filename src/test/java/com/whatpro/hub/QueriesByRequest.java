package com.whatpro.hub;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.slf4j.MDC;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * What each HTTP request asked of the database: the service's {@link DataSource} is wrapped so that every connection
 * checked out and every statement prepared on the request's thread is recorded under its request id (the MDC value
 * the request id filter sets, chosen by the test with {@code X-Request-Id}). Work on other threads (workers,
 * batched writes) is not attributed to any request.
 */
@TestConfiguration(proxyBeanMethods = false)
public class QueriesByRequest {

    private static final Map<String, List<String>> CALLS = new ConcurrentHashMap<>();

    /** What the request with this id asked of the database: "connection", then the SQL of each statement. */
    public static List<String> of(String requestId) {
        return List.copyOf(CALLS.getOrDefault(requestId, List.of()));
    }

    @Bean
    static BeanPostProcessor recordingDataSource() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof DataSource dataSource && !Proxy.isProxyClass(bean.getClass())
                        ? proxy(dataSource, DataSource.class, AutoCloseable.class) : bean;
            }
        };
    }

    private static void record(String call) {
        var request = MDC.get("request_id");
        if (request != null) {
            CALLS.computeIfAbsent(request, id -> new CopyOnWriteArrayList<>()).add(call);
        }
    }

    private static Object proxy(Object target, Class<?>... types) {
        InvocationHandler handler = (proxy, method, args) -> {
            var result = invoke(method, target, args);
            if (result instanceof Connection connection && method.getName().equals("getConnection")) {
                record("connection");
                return proxy(connection, Connection.class);
            }
            if (method.getName().startsWith("prepare") && args != null && args.length > 0
                    && args[0] instanceof String sql) {
                record(sql);
            } else if (method.getName().equals("createStatement")) {
                record("(statement)");
            }
            return result;
        };
        return Proxy.newProxyInstance(QueriesByRequest.class.getClassLoader(), types, handler);
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
