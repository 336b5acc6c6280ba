package com.whatpro.hub.providers;

import com.whatpro.hub.platform.ApiProblem;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;

/** What a client is told when a provider refuses or cannot be reached during a request it made. */
final class ProviderProblems {

    private ProviderProblems() {
    }

    /** @param secrets what the provider may quote from the request (a webhook URL, a key): never passed on */
    static ApiProblem of(ProviderException e, String... secrets) {
        var detail = e.getMessage();
        for (var secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                detail = detail.replace(secret, "(redacted)");
            }
        }
        if (e instanceof ProviderRejected && ProviderAdapter.Unsupported.CODE.equals(e.providerCode())) {
            return new ApiProblem(HttpStatus.UNPROCESSABLE_CONTENT, "unsupported", "Not supported", detail + ".");
        }
        if (e instanceof ProviderRejected) {
            return new ApiProblem(HttpStatus.BAD_GATEWAY, "provider-rejected", "The provider refused", detail,
                    List.of(), Map.of("provider_status", e.httpStatus()));
        }
        return new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "provider-unavailable", "The provider is unavailable",
                detail);
    }
}
