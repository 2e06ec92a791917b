package io.redismigrate.connector.resp;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS on one connection: wraps the connected socket with the {@link TlsSettings}' managers, host name check
 * ({@code HTTPS} endpoint identification, which also matches IP addresses against IP SANs) and SNI, handshakes at
 * once and turns a failure into one line naming the cause and the option that fixes it. The managers are wrapped
 * per connection to record what went wrong: a chain that is trusted but names another host, an untrusted chain, a
 * server that asked for a client certificate.
 */
final class TlsHandshake {
    private final RedisEndpoint endpoint;
    private final String role;
    private final TlsSettings settings;
    private volatile X509Certificate[] presented;
    private volatile boolean nameMismatch;
    private volatile CertificateException untrusted;
    private volatile boolean clientCertificateRequested;

    TlsHandshake(RedisEndpoint endpoint, String role) {
        this.endpoint = endpoint;
        this.role = role;
        this.settings = endpoint.tlsSettings() != null ? endpoint.tlsSettings() : TlsSettings.DEFAULTS;
    }

    /** The TLS socket over {@code plain}, handshake done; closes {@code plain} on failure. */
    SSLSocket wrap(Socket plain, int timeoutMs) throws RedisAccessException {
        TlsMaterial material;
        try {
            material = TlsMaterial.of(settings);
        } catch (IOException e) {
            close(plain);
            throw new RedisAccessException(prefix() + "cannot use the TLS files (" + e.getMessage() + "); check the --"
                    + role + "-tls-* options");
        }
        String host = unbracketed(endpoint.host());
        SSLSocket ssl;
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new RecordingKeyManager(material.key)},
                    new TrustManager[] {new RecordingTrustManager(material.trust)}, null);
            ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, host, endpoint.port(), true);
        } catch (GeneralSecurityException | IOException e) {
            close(plain);
            throw new RedisAccessException(prefix() + "cannot set up TLS (" + e.getMessage() + ")");
        }
        try {
            SSLParameters p = ssl.getSSLParameters();
            if (!settings.skipVerify()) p.setEndpointIdentificationAlgorithm("HTTPS");
            if (!isIpLiteral(host)) {
                try {
                    p.setServerNames(List.of(new SNIHostName(host)));
                } catch (IllegalArgumentException e) {
                    // not a valid SNI name (say, an underscore): connect without SNI
                }
            }
            ssl.setSSLParameters(p);
            ssl.startHandshake();
            return ssl;
        } catch (IOException e) {
            close(ssl);
            throw new RedisAccessException(explain(e, timeoutMs));
        }
    }

    /**
     * Explains a failure of the first exchange after the handshake, or returns null: with TLS 1.3 a server that
     * rejects the client (no or unknown client certificate) says so only after the client's handshake is done.
     */
    String explainAfterHandshake(IOException e) {
        if (clientCertificateRequested && !settings.hasClientCertificate()) return clientCertificateRequired();
        if (clientCertificateRequested && e instanceof SSLException) return clientCertificateRefused(e);
        return null;
    }

    private String explain(IOException e, int timeoutMs) {
        if (nameMismatch) {
            return prefix() + "TLS certificate does not match the host name " + unbracketed(endpoint.host())
                    + " (certificate names: " + names(presented[0]) + "); connect by a name the certificate has, or fix"
                    + " the certificate (--" + role + "-tls-skip-verify disables the check)";
        }
        if (untrusted != null) return prefix() + "TLS certificate not trusted (" + whyUntrusted() + "); " + trustFix();
        if (e instanceof SocketTimeoutException) {
            return prefix() + "no TLS handshake answer within " + timeoutMs + " ms; is this the server's tls-port"
                    + " (a port without TLS takes redis://)?";
        }
        String m = String.valueOf(e.getMessage());
        if (m.contains("Unsupported or unrecognized SSL message") || m.contains("plaintext connection")) {
            return prefix() + "does not answer TLS; use the server's tls-port, or redis:// for a port without TLS";
        }
        String after = explainAfterHandshake(e);
        if (after != null) return after;
        return prefix() + "TLS handshake failed (" + m + ")";
    }

    private String clientCertificateRequired() {
        return prefix() + "the server requires a client certificate (tls-auth-clients); pass --" + role
                + "-tls-cert FILE and --" + role + "-tls-key FILE";
    }

    private String clientCertificateRefused(IOException e) {
        return prefix() + "the server refused the client certificate " + settings.certFile() + " (" + e.getMessage()
                + "); use one signed by a CA the server trusts (its tls-ca-cert-file)";
    }

    private String whyUntrusted() {
        for (Throwable t = untrusted; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException) return "expired: " + t.getMessage();
            if (t instanceof CertificateNotYetValidException) return "not yet valid: " + t.getMessage();
        }
        X509Certificate[] chain = presented;
        String issuer = chain == null || chain.length == 0 ? "?" : chain[chain.length - 1].getIssuerX500Principal().getName();
        return "issued by " + issuer + ", " + (settings.caCertFile() == null
                ? "which is not in the JVM's trust store" : "not by a CA in " + settings.caCertFile());
    }

    private String trustFix() {
        for (Throwable t = untrusted; t != null; t = t.getCause()) {
            if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException) {
                return "renew the server's certificate";
            }
        }
        return "pass the CA with --" + role + "-tls-ca-cert FILE";
    }

    private String prefix() {
        return role + " " + endpoint + ": ";
    }

    /** The certificate's subject alternative names ({@code DNS:…}, {@code IP:…}), else its subject. */
    static String names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> san : c.getSubjectAlternativeNames()) {
                    int type = (Integer) san.get(0);
                    if (type == 2) out.add("DNS:" + san.get(1));
                    if (type == 7) out.add("IP:" + san.get(1));
                }
            }
        } catch (CertificateParsingException e) {
            // fall back to the subject
        }
        return out.isEmpty() ? "none, subject " + c.getSubjectX500Principal().getName() : String.join(", ", out);
    }

    static boolean isIpLiteral(String host) {
        return host.contains(":") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Delegates to the real check (none with skipVerify) and records why it failed. */
    private final class RecordingTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;

        RecordingTrustManager(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            presented = chain;
            if (delegate == null) return;
            try {
                delegate.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                record(chain, authType, e);
                throw e;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            presented = chain;
            if (delegate == null) return;
            try {
                delegate.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                record(chain, authType, e);
                throw e;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            presented = chain;
            if (delegate != null) delegate.checkServerTrusted(chain, authType);
        }

        /** The two-argument check has no host name check: if it passes, only the name was wrong. */
        private void record(X509Certificate[] chain, String authType, CertificateException e) {
            try {
                delegate.checkServerTrusted(chain, authType);
                nameMismatch = true;
            } catch (CertificateException chainProblem) {
                untrusted = chainProblem;
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate == null ? new X509Certificate[0] : delegate.getAcceptedIssuers();
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            throw new CertificateException("client side only");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client side only");
        }
    }

    /**
     * Records that the server asked for a client certificate and offers the configured one whatever CA names the
     * server lists (as redis-cli does: the operator chose it).
     */
    private final class RecordingKeyManager extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate;

        RecordingKeyManager(X509ExtendedKeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            clientCertificateRequested = true;
            return delegate == null ? null : delegate.chooseClientAlias(keyType, null, socket);
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            clientCertificateRequested = true;
            return delegate == null ? null : delegate.chooseEngineClientAlias(keyType, null, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate == null ? null : delegate.getClientAliases(keyType, null);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate == null ? null : delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate == null ? null : delegate.getPrivateKey(alias);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
