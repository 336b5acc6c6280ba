package com.whatpro.hub.webapp;

import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.ui.ExtendedModelMap;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;

/**
 * Errors of the pages answer as pages in the person's language (404, 403, 500...), with the
 * navigation when they are signed in. The JSON API keeps answering with problem details.
 */
@ControllerAdvice(assignableTypes = {PagesController.class, AdminPagesController.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class ErrorPages {

    private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);

    private final Pages pages;

    ErrorPages(Pages pages) {
        this.pages = pages;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ModelAndView malformedPath(HttpServletRequest request, HttpServletResponse response, Locale locale) {
        return page(HttpStatus.NOT_FOUND, request, response, locale);
    }

    @ExceptionHandler(Exception.class)
    ModelAndView failed(Exception e, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        if (e instanceof ErrorResponse refused) {
            var status = HttpStatus.resolve(refused.getStatusCode().value());
            return page(status == null ? HttpStatus.INTERNAL_SERVER_ERROR : status, request, response, locale);
        }
        log.error("Page {} failed", request.getRequestURI(), e);
        return page(HttpStatus.INTERNAL_SERVER_ERROR, request, response, locale);
    }

    private ModelAndView page(HttpStatus status, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        var model = new ExtendedModelMap();
        var user = SignedIn.user(request);
        if (user.isPresent()) {
            pages.frame(model, user.get(), locale, "/app");
        } else {
            pages.language(model, locale, "/app");
        }
        var known = status == HttpStatus.NOT_FOUND || status == HttpStatus.FORBIDDEN || status.is5xxServerError();
        var key = status.is5xxServerError() ? "500" : known ? Integer.toString(status.value()) : "400";
        model.addAttribute("status", status.value());
        model.addAttribute("titleKey", "error." + key + ".title");
        model.addAttribute("textKey", "error." + key + ".text");
        response.setStatus(status.value());
        var page = new ModelAndView("app/error", model);
        page.setStatus(status);
        return page;
    }
}
