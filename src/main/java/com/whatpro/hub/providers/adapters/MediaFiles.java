package com.whatpro.hub.providers.adapters;

import com.whatpro.hub.providers.InboundMessage;
import com.whatpro.hub.providers.ProviderRejected;
import com.whatpro.hub.providers.ProviderType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What the adapters share in downloading inbound media: ids, types, names and base64 answers. */
final class MediaFiles {

    private static final String UNKNOWN_TYPE = "application/octet-stream";
    private static final Map<String, String> EXTENSIONS = Map.ofEntries(
            Map.entry("image/jpeg", "jpg"), Map.entry("image/png", "png"), Map.entry("image/webp", "webp"),
            Map.entry("image/gif", "gif"), Map.entry("video/mp4", "mp4"), Map.entry("video/3gpp", "3gp"),
            Map.entry("audio/ogg", "ogg"), Map.entry("audio/mpeg", "mp3"), Map.entry("audio/mp4", "m4a"),
            Map.entry("audio/aac", "aac"), Map.entry("audio/amr", "amr"), Map.entry("application/pdf", "pdf"),
            Map.entry("text/plain", "txt"), Map.entry("application/zip", "zip"),
            Map.entry("application/msword", "doc"), Map.entry("application/vnd.ms-excel", "xls"),
            Map.entry("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
            Map.entry("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
            Map.entry("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"));

    private MediaFiles() {
    }

    static String id(InboundMessage.Media media) {
        if (media.providerMediaId() == null) {
            throw new IllegalArgumentException("the media has no provider media id to download it by");
        }
        return media.providerMediaId();
    }

    /** The first type given, without parameters ({@code audio/ogg; codecs=opus} is {@code audio/ogg}). */
    static String type(@Nullable String... candidates) {
        for (String candidate : candidates) {
            String type = candidate == null ? "" : candidate.split(";")[0].strip().toLowerCase(Locale.ROOT);
            if (type.matches("[a-z0-9.+-]+/[a-z0-9.+-]+")) {
                return type;
            }
        }
        return UNKNOWN_TYPE;
    }

    /** The first name given, or the media id with the extension of its type. */
    static String name(String mediaId, String type, @Nullable String... names) {
        for (String name : names) {
            if (name != null && !name.isBlank()) {
                return name.strip();
            }
        }
        return mediaId.replaceAll("[^A-Za-z0-9._-]", "_") + "." + EXTENSIONS.getOrDefault(type, "bin");
    }

    /** The file in a base64 answer field, which may come as a {@code data:} URI. */
    static byte[] decode(ProviderType provider, @Nullable String base64, String field, long maxBytes) {
        if (base64 == null) {
            throw new ProviderRejected(provider, 200, null, "the answer carries no file (" + field + ")");
        }
        String data = base64.startsWith("data:") ? base64.substring(base64.indexOf(',') + 1) : base64;
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(data.strip());
        } catch (IllegalArgumentException e) {
            throw new ProviderRejected(provider, 200, null, "the answer's " + field + " is not base64");
        }
        if (bytes.length > maxBytes) {
            throw new ProviderRejected(provider, 200, null, "the file is larger than the limit of " + maxBytes
                    + " bytes");
        }
        return nonEmpty(provider, bytes);
    }

    static byte[] nonEmpty(ProviderType provider, byte[] file) {
        if (file.length == 0) {
            throw new ProviderRejected(provider, 200, null, "the file is empty");
        }
        return file;
    }

    /** A URL from a provider's answer; null when it is no absolute http(s) URL. */
    static @Nullable URI url(@Nullable String text) {
        if (text == null) {
            return null;
        }
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return uri.isAbsolute() && uri.getHost() != null && (scheme.equals("https") || scheme.equals("http"))
                    ? uri : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
