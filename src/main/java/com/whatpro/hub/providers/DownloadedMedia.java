package com.whatpro.hub.providers;

import java.util.Arrays;

/**
 * The file of an inbound message's media, as downloaded through its provider. The array is not copied: files are up
 * to several megabytes and pass through few hands.
 *
 * @param fileName the name the file came with, or one made from the media id and its type ({@code 65463453.jpg})
 * @param mimeType the file's type without parameters, e.g. {@code image/jpeg}
 */
public record DownloadedMedia(String fileName, String mimeType, byte[] content) {

    public DownloadedMedia {
        if (fileName.isBlank() || mimeType.isBlank()) {
            throw new IllegalArgumentException("a downloaded file needs a name and a type");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DownloadedMedia that && fileName.equals(that.fileName)
                && mimeType.equals(that.mimeType) && Arrays.equals(content, that.content);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * fileName.hashCode() + mimeType.hashCode()) + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "DownloadedMedia[fileName=" + fileName + ", mimeType=" + mimeType + ", " + content.length + " bytes]";
    }
}
