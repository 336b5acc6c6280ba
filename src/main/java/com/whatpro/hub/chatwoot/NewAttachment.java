package com.whatpro.hub.chatwoot;

import java.util.Arrays;

/** A file to upload with a message. */
public record NewAttachment(String fileName, String contentType, byte[] content) {

    public NewAttachment {
        if (fileName.isBlank()) {
            throw new IllegalArgumentException("file name must not be blank");
        }
        if (contentType.isBlank()) {
            throw new IllegalArgumentException("content type must not be blank");
        }
        content = content.clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NewAttachment that
                && fileName.equals(that.fileName)
                && contentType.equals(that.contentType)
                && Arrays.equals(content, that.content);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * fileName.hashCode() + contentType.hashCode()) + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "NewAttachment[fileName=" + fileName + ", contentType=" + contentType + ", " + content.length + " bytes]";
    }
}
