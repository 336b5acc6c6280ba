package com.whatpro.hub.providers;

import java.net.URI;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A message in a one-to-one chat of the provider's number: received from a contact, or sent by the number itself
 * from the phone ({@code fromMe}). Group messages are not reported.
 *
 * @param providerMessageId the provider's id of the message, unique per number; duplicates of a webhook carry the
 *        same id
 * @param from the contact's phone in E.164 ({@code +5511999999999}): the sender, or, when {@code fromMe}, the
 *        contact the number wrote to; null when the provider named the contact only by its LID
 * @param lid the contact's LID ({@code 123456789012345@lid}, see {@link Lids}) when the provider gave it; with
 *        {@code from} it tells which phone is behind the LID
 * @param senderName the contact's display name when the provider gives it; null when {@code fromMe}
 * @param text the text of the message; for a kind of message that cannot be bridged as such (location, contact card,
 *        reaction, order…), a description of it such as {@code [location] -23.5,-46.6}; null for media, whose caption
 *        is in {@code media}
 * @param media the attached media, if any
 * @param timestamp when the message was sent
 * @param fromMe whether the number itself sent the message (from the phone or another linked device)
 */
public record InboundMessage(
        String providerMessageId,
        @Nullable String from,
        @Nullable String lid,
        @Nullable String senderName,
        @Nullable String text,
        @Nullable Media media,
        Instant timestamp,
        boolean fromMe) implements ProviderEvent {

    public InboundMessage {
        if (from == null && lid == null) {
            throw new IllegalArgumentException("a message needs the contact's phone or LID");
        }
    }

    /** A message from a contact known by phone only. */
    public InboundMessage(String providerMessageId, String from, @Nullable String senderName, @Nullable String text,
            @Nullable Media media, Instant timestamp, boolean fromMe) {
        this(providerMessageId, from, null, senderName, text, media, timestamp, fromMe);
    }

    /**
     * Media of an inbound message, reachable either at a URL or by asking the provider for its media id.
     *
     * @param url where the file can be downloaded, when the provider gives a usable URL
     * @param providerMediaId the provider's handle to download the file with (Cloud API media id; for Evolution and
     *        uazapi the message id)
     */
    public record Media(
            @Nullable URI url,
            @Nullable String providerMediaId,
            @Nullable String mimeType,
            @Nullable String caption,
            @Nullable String fileName) {

        public Media {
            if (url == null && providerMediaId == null) {
                throw new IllegalArgumentException("media needs a URL or a provider media id");
            }
        }
    }
}
