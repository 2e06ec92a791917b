package io.redismigrate.connector.resp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM files with the JDK alone: certificates ({@code BEGIN CERTIFICATE}, several per file) and unencrypted private
 * keys as PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1
 * ({@code BEGIN EC PRIVATE KEY}); the last two are rewrapped as PKCS#8. Error messages name the file, never
 * its content.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String CONVERT = "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem";
    // DER of the OIDs rsaEncryption (1.2.840.113549.1.1.1) and id-ecPublicKey (1.2.840.10045.2.1)
    private static final byte[] RSA_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    private Pem() {}

    /** Every certificate of a PEM file, in file order; at least one. */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(file)) {
                if (b.label.equals("CERTIFICATE")) {
                    out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der)));
                }
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": not a valid PEM certificate (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) throw new IOException(file + ": no certificate (-----BEGIN CERTIFICATE-----) in it");
        return out;
    }

    /** The private key of a PEM file. */
    public static PrivateKey privateKey(Path file) throws IOException {
        for (Block b : blocks(file)) {
            switch (b.label) {
                case "PRIVATE KEY":
                    return pkcs8(file, b.der, "RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS");
                case "RSA PRIVATE KEY":
                    if (b.encrypted) break;
                    return pkcs8(file, wrap(sequence(RSA_OID, new byte[] {0x05, 0x00}), b.der), "RSA");
                case "EC PRIVATE KEY":
                    if (b.encrypted) break;
                    return pkcs8(file, wrap(sequence(EC_OID, ecCurve(file, b.der)), b.der), "EC");
                case "ENCRYPTED PRIVATE KEY":
                    break;
                default:
                    continue;
            }
            throw new IOException(file + ": the private key is encrypted, which is not supported; " + CONVERT);
        }
        throw new IOException(file + ": no private key (-----BEGIN PRIVATE KEY-----) in it");
    }

    private static PrivateKey pkcs8(Path file, byte[] der, String... algorithms) throws IOException {
        for (String algorithm : algorithms) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                // try the next algorithm
            }
        }
        throw new IOException(file + ": unreadable private key (not " + String.join(", ", algorithms) + "); " + CONVERT);
    }

    /** PKCS#8 PrivateKeyInfo: SEQUENCE { INTEGER 0, algorithm, OCTET STRING key }. */
    private static byte[] wrap(byte[] algorithm, byte[] key) {
        return sequence(new byte[] {0x02, 0x01, 0x00}, algorithm, tlv(0x04, key));
    }

    /** The named-curve OID of a SEC1 ECPrivateKey: SEQUENCE { INTEGER 1, OCTET STRING, [0] OID, [1] BIT STRING }. */
    private static byte[] ecCurve(Path file, byte[] der) throws IOException {
        int p = header(der, 0)[0];
        while (p < der.length) {
            int[] h = header(der, p);
            if ((der[p] & 0xff) == 0xa0) return Arrays.copyOfRange(der, h[0], h[0] + h[1]);
            p = h[0] + h[1];
        }
        throw new IOException(file + ": the EC key does not name its curve; " + CONVERT);
    }

    /** {offset of the content, content length} of the DER element at {@code p}. */
    private static int[] header(byte[] der, int p) throws IOException {
        if (p + 1 >= der.length) throw new IOException("truncated DER");
        int len = der[p + 1] & 0xff;
        int q = p + 2;
        if (len >= 0x80) {
            int n = len & 0x7f;
            len = 0;
            for (int i = 0; i < n; i++) len = (len << 8) | (der[q++] & 0xff);
        }
        if (q + len > der.length) throw new IOException("truncated DER");
        return new int[] {q, len};
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) body.writeBytes(p);
        return tlv(0x30, body.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private record Block(String label, byte[] der, boolean encrypted) {}

    private static List<Block> blocks(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IOException(file + " does not exist");
        } catch (IOException e) {
            throw new IOException(file + ": cannot read it (" + e.getMessage() + ")");
        }
        List<Block> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String body = m.group(2);
            if (body.contains("Proc-Type:") && body.contains("ENCRYPTED")) {
                out.add(new Block(m.group(1), new byte[0], true)); // RFC 1421 encryption headers: not decoded
                continue;
            }
            try {
                out.add(new Block(m.group(1), Base64.getMimeDecoder().decode(body.trim()), false));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": broken PEM block " + m.group(1) + " (bad base64)");
            }
        }
        return out;
    }
}
