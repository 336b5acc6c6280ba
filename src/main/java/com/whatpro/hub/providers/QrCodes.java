package com.whatpro.hub.providers;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;

/** QR codes as clients show them: a {@code data:image/png;base64,…} URL, drawn with ZXing when a provider gives only the text. */
final class QrCodes {

    static final String PNG_DATA_URL = "data:image/png;base64,";
    private static final int SIZE = 300;

    private QrCodes() {
    }

    /** The image of {@code qrCode}: kept when it already is a PNG data URL, else the text drawn as a QR code. */
    static String dataUrl(String qrCode) {
        if (qrCode.startsWith(PNG_DATA_URL)) {
            return qrCode;
        }
        try {
            var matrix = new QRCodeWriter().encode(qrCode, BarcodeFormat.QR_CODE, SIZE, SIZE,
                    Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.L, EncodeHintType.MARGIN, 2));
            var image = new BufferedImage(matrix.getWidth(), matrix.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
            for (int y = 0; y < matrix.getHeight(); y++) {
                for (int x = 0; x < matrix.getWidth(); x++) {
                    image.setRGB(x, y, matrix.get(x, y) ? 0xFF000000 : 0xFFFFFFFF);
                }
            }
            var png = new ByteArrayOutputStream();
            ImageIO.write(image, "png", png);
            return PNG_DATA_URL + Base64.getEncoder().encodeToString(png.toByteArray());
        } catch (WriterException e) {
            throw new IllegalArgumentException("the provider's QR code cannot be drawn: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
