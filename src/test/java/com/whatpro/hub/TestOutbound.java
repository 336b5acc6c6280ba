package com.whatpro.hub;

import com.whatpro.hub.platform.outbound.OutboundPolicy;

/** The outbound policy of tests whose fakes (WireMock) listen on loopback. */
public final class TestOutbound {

    /** The setting behind WHATPRO_OUTBOUND_ALLOWED in tests: loopback, where the fakes are. */
    public static final String LOOPBACK_SETTING = "127.0.0.0/8,::1";

    public static final OutboundPolicy LOOPBACK = OutboundPolicy.allowing(LOOPBACK_SETTING.split(","));

    private TestOutbound() {
    }
}
