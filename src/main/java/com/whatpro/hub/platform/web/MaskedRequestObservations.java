package com.whatpro.hub.platform.web;

import com.whatpro.hub.platform.logging.SecretMasking;

import io.micrometer.common.KeyValue;
import org.springframework.http.server.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;

/**
 * Spring's observation of every request ({@code http.server.requests}: the metric and, with
 * {@code WHATPRO_OTLP_ENDPOINT}, the exported span) with its {@code http.url} masked as the access log masks it
 * ({@link SecretMasking}): the secret segment of a webhook URL never reaches the trace backend. The span's name and
 * the metric's {@code uri} are the path pattern ({@code …/{secret}}), never the path.
 */
@Component
class MaskedRequestObservations extends DefaultServerRequestObservationConvention {

    @Override
    protected KeyValue httpUrl(ServerRequestObservationContext context) {
        var url = super.httpUrl(context);
        var masked = SecretMasking.mask(url.getValue());
        return masked == null || masked.equals(url.getValue()) ? url : KeyValue.of(url.getKey(), masked);
    }
}
