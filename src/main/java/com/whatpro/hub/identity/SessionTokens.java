package com.whatpro.hub.identity;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.KeyMaterial;

import org.jspecify.annotations.Nullable;

/**
 * HS256 JWTs naming a user ({@code sub}) and a session ({@code sid}) under one issuer, signed with a key
 * derived from the master key for that purpose: the API's access tokens and the web session cookie. A token that
 * verified once is remembered (by its exact text) with its claims and expiry, so a client's next requests skip the
 * parsing and the HMAC; the expiry is still checked on every use, and the session behind it is still read on every
 * request by the caller.
 */
final class SessionTokens {

    private static final int REMEMBERED_TOKENS = 10_000;

    private record Verified(AccessTokens.Claims claims, Instant expiry) {
    }

    private final String issuer;
    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Cache<String, Verified> verified = Caffeine.newBuilder().maximumSize(REMEMBERED_TOKENS)
            .executor(Runnable::run).build();

    SessionTokens(KeyMaterial keys, String keyPurpose, String issuer) {
        this.issuer = issuer;
        var key = keys.derive(keyPurpose);
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    String sign(UUID userId, UUID sessionId, Instant issuedAt, Instant expiresAt) {
        var claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(userId.toString())
                .claim("sid", sessionId.toString())
                .jwtID(Ids.newId().toString())
                .issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(expiresAt))
                .build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** The claims of a valid token of this issuer still unexpired at {@code now}; empty for anything else. */
    Optional<AccessTokens.Claims> verify(String token, Instant now) {
        var known = verified.getIfPresent(token);
        if (known == null) {
            known = parse(token);
            if (known == null) {
                return Optional.empty();
            }
            verified.put(token, known);
        }
        if (!known.expiry().isAfter(now)) {
            verified.invalidate(token);
            return Optional.empty();
        }
        return Optional.of(known.claims());
    }

    private @Nullable Verified parse(String token) {
        if (!compactJws(token)) {
            return null;
        }
        try {
            var jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return null;
            }
            var claims = jwt.getJWTClaimsSet();
            var expiry = claims.getExpirationTime();
            if (!issuer.equals(claims.getIssuer()) || expiry == null) {
                return null;
            }
            return new Verified(new AccessTokens.Claims(UUID.fromString(claims.getSubject()),
                    UUID.fromString(claims.getStringClaim("sid"))), expiry.toInstant());
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }

    /** Three dot-separated parts, as every token we sign has; anything else is refused without a parse exception. */
    private static boolean compactJws(String token) {
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        return first > 0 && second > first + 1 && second < token.length() - 1 && token.indexOf('.', second + 1) < 0;
    }
}
