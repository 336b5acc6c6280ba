package com.whatpro.hub.identity;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.whatpro.hub.platform.Ids;
import com.whatpro.hub.platform.KeyMaterial;

import org.springframework.stereotype.Component;

/**
 * Short-lived access tokens: HS256 JWTs carrying the user ({@code sub}) and the session
 * ({@code sid}), signed with a key derived from the master key so every node accepts them.
 */
@Component
class AccessTokens {

    private static final String ISSUER = "whatpro-hub";

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final IdentitySettings settings;
    private final Clock clock;

    AccessTokens(KeyMaterial keys, IdentitySettings settings, Clock clock) throws JOSEException {
        var key = keys.derive("access-token-signing");
        this.signer = new MACSigner(key);
        this.verifier = new MACVerifier(key);
        this.settings = settings;
        this.clock = clock;
    }

    record Claims(UUID userId, UUID sessionId) {
    }

    record Issued(String token, long expiresInSeconds) {
    }

    Issued issue(UUID userId, UUID sessionId) {
        var now = clock.instant();
        var claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(userId.toString())
                .claim("sid", sessionId.toString())
                .jwtID(Ids.newId().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(settings.accessTokenTtl())))
                .build();
        var jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return new Issued(jwt.serialize(), settings.accessTokenTtl().toSeconds());
    }

    /** The claims of a valid, unexpired token of ours; empty for anything else. */
    Optional<Claims> verify(String token) {
        try {
            var jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            var claims = jwt.getJWTClaimsSet();
            var expiry = claims.getExpirationTime();
            if (!ISSUER.equals(claims.getIssuer()) || expiry == null || !expiry.toInstant().isAfter(clock.instant())) {
                return Optional.empty();
            }
            return Optional.of(new Claims(UUID.fromString(claims.getSubject()),
                    UUID.fromString(claims.getStringClaim("sid"))));
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    Instant now() {
        return clock.instant();
    }
}
