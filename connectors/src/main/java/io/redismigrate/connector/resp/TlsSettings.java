package io.redismigrate.connector.resp;

import java.io.Serializable;

/**
 * How a {@code rediss://} connection is secured: file paths only (the files are read when a connection is opened,
 * so rotated certificates apply to the next connection), never key material.
 *
 * @param caCertFile PEM file of the CA certificates to trust (one or more); null: the JVM's default trust store
 * @param certFile   PEM client certificate (optionally followed by its intermediates) for servers with
 *                   {@code tls-auth-clients}; null: none. Given together with {@code keyFile}.
 * @param keyFile    PEM private key of {@code certFile} (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted); null: none
 * @param skipVerify trust any certificate and skip the host name check (open to impersonation)
 */
public record TlsSettings(String caCertFile, String certFile, String keyFile, boolean skipVerify) implements Serializable {
    /** The JVM's trust store, host names verified, no client certificate. */
    public static final TlsSettings DEFAULTS = new TlsSettings(null, null, null, false);

    public TlsSettings {
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("a TLS client certificate needs its key and a key its certificate");
        }
    }

    /** Whether a client certificate is configured. */
    public boolean hasClientCertificate() {
        return certFile != null;
    }
}
