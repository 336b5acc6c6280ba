package com.whatpro.hub.webapp;

import java.util.Locale;
import java.util.Objects;

import com.whatpro.hub.platform.web.BusyPages;

import jakarta.servlet.ServletException;
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
import org.springframework.web.servlet.LocaleResolver;
import org.springframework.web.servlet.ModelAndView;
import org.thymeleaf.spring6.view.ThymeleafViewResolver;

/**
 * Errors of the pages answer as pages in the person's language (404, 403, 500...), with the
 * navigation when they are signed in. The JSON API keeps answering with problem details. A page
 * that found no free database connection, in a page controller or before one ({@link BusyPages}),
 * is a 503 that asks to try again in a moment.
 */
@ControllerAdvice(assignableTypes = {PagesController.class, AdminPagesController.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class ErrorPages implements BusyPages {

    private static final Logger log = LoggerFactory.getLogger(ErrorPages.class);
    private static final String VIEW = "app/error";

    private final Pages pages;
    private final LocaleResolver locales;
    private final ThymeleafViewResolver views;

    ErrorPages(Pages pages, LocaleResolver locales, ThymeleafViewResolver views) {
        this.pages = pages;
        this.locales = locales;
        this.views = views;
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
        if (BusyPages.noConnection(e)) {
            log.warn("Page {}: no database connection was free in time: {}", request.getRequestURI(), e.toString());
            return busy(request, response, locale);
        }
        log.error("Page {} failed", request.getRequestURI(), e);
        return page(HttpStatus.INTERNAL_SERVER_ERROR, request, response, locale);
    }

    /**
     * The busy page of a request that failed before a page controller ran, or in the Dashboard App's controller. The
     * pages' scripts ask for JSON and get the {@code busy} problem they can read.
     */
    @Override
    public boolean answered(HttpServletRequest request, HttpServletResponse response) throws ServletException {
        if (!WebAppSecurity.PAGES.matches(request) || asksForJson(request)) {
            return false;
        }
        var locale = locales.resolveLocale(request);
        var page = busy(request, response, locale);
        try {
            Objects.requireNonNull(views.resolveViewName(VIEW, locale)).render(page.getModel(), request, response);
        } catch (Exception e) {
            throw new ServletException("The busy page could not be shown", e);
        }
        return true;
    }

    private static boolean asksForJson(HttpServletRequest request) {
        var accept = request.getHeader("Accept");
        return accept != null && accept.contains("json") && !accept.contains("text/html");
    }

    /** Without the navigation, which would need the database too. */
    private ModelAndView busy(HttpServletRequest request, HttpServletResponse response, Locale locale) {
        response.setHeader("Retry-After", Long.toString(BusyPages.RETRY_AFTER_SECONDS));
        Htmx.reloadOnError(request, response);
        var model = new ExtendedModelMap();
        pages.language(model, locale, "/app");
        return page(HttpStatus.SERVICE_UNAVAILABLE, "503", model, response);
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
        return page(status, key, model, response);
    }

    private static ModelAndView page(HttpStatus status, String key, ExtendedModelMap model,
            HttpServletResponse response) {
        model.addAttribute("status", status.value());
        model.addAttribute("titleKey", "error." + key + ".title");
        model.addAttribute("textKey", "error." + key + ".text");
        response.setStatus(status.value());
        var page = new ModelAndView(VIEW, model);
        page.setStatus(status);
        return page;
    }
}
