package com.whatpro.hub.chatwoot;

import org.jspecify.annotations.Nullable;

/**
 * A file attached to a Chatwoot message.
 *
 * @param fileType Chatwoot's kind of file: {@code image}, {@code audio}, {@code video}, {@code file}, {@code location}, …
 * @param dataUrl where the file can be downloaded
 */
public record ChatwootAttachment(
        long id, String fileType, String dataUrl, @Nullable String thumbUrl, @Nullable Long fileSize) {
}
