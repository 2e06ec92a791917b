package io.redismigrate.connector.resp;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The trust and key managers of a {@link TlsSettings}, loaded from its files. Kept per settings while the files'
 * modification times and sizes stay the same, so a rotated file is read again at the next connection.
 */
final class TlsMaterial {
    private static final Map<TlsSettings, TlsMaterial> CACHE = new ConcurrentHashMap<>();

    /** Checks the chain (not the host name: that is the socket's endpoint identification); null with skipVerify. */
    final X509ExtendedTrustManager trust;
    /** The client certificate and key, or null. */
    final X509ExtendedKeyManager key;
    /** The CA certificates given, for messages; empty for the JVM's trust store. */
    final List<X509Certificate> cas;
    private final List<Object> stamps;

    private TlsMaterial(X509ExtendedTrustManager trust, X509ExtendedKeyManager key, List<X509Certificate> cas, List<Object> stamps) {
        this.trust = trust;
        this.key = key;
        this.cas = cas;
        this.stamps = stamps;
    }

    /** The managers for {@code s}; an IOException names the file that cannot be used. */
    static TlsMaterial of(TlsSettings s) throws IOException {
        List<Object> stamps = stamps(s);
        TlsMaterial cached = CACHE.get(s);
        if (cached != null && cached.stamps.equals(stamps)) return cached;
        TlsMaterial loaded = load(s, stamps);
        CACHE.put(s, loaded);
        return loaded;
    }

    private static TlsMaterial load(TlsSettings s, List<Object> stamps) throws IOException {
        try {
            List<X509Certificate> cas = s.caCertFile() == null ? List.of() : Pem.certificates(Paths.get(s.caCertFile()));
            X509ExtendedTrustManager trust = s.skipVerify() ? null : trustManager(cas);
            X509ExtendedKeyManager key = s.hasClientCertificate() ? keyManager(s) : null;
            return new TlsMaterial(trust, key, cas, stamps);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS (" + e.getMessage() + ")", e);
        }
    }

    private static X509ExtendedTrustManager trustManager(List<X509Certificate> cas) throws GeneralSecurityException, IOException {
        KeyStore store = null; // null: the JVM's default trust store
        if (!cas.isEmpty()) {
            store = emptyStore();
            for (int i = 0; i < cas.size(); i++) store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        for (TrustManager m : f.getTrustManagers()) {
            if (m instanceof X509ExtendedTrustManager) return (X509ExtendedTrustManager) m;
        }
        throw new GeneralSecurityException("no X.509 trust manager in this JVM");
    }

    private static X509ExtendedKeyManager keyManager(TlsSettings s) throws GeneralSecurityException, IOException {
        List<X509Certificate> chain = Pem.certificates(Paths.get(s.certFile()));
        KeyStore store = emptyStore();
        char[] password = new char[0];
        store.setKeyEntry("client", Pem.privateKey(Paths.get(s.keyFile())), password, chain.toArray(new X509Certificate[0]));
        KeyManagerFactory f = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        f.init(store, password);
        for (KeyManager m : f.getKeyManagers()) {
            if (m instanceof X509ExtendedKeyManager) return (X509ExtendedKeyManager) m;
        }
        throw new GeneralSecurityException("no X.509 key manager in this JVM");
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    /** Modification time and size of each file, so a change is noticed without reading the files. */
    private static List<Object> stamps(TlsSettings s) {
        List<Object> out = new ArrayList<>();
        for (String f : new String[] {s.caCertFile(), s.certFile(), s.keyFile()}) {
            if (f == null) continue;
            Path p = Paths.get(f);
            try {
                out.add(Files.getLastModifiedTime(p).toMillis());
                out.add(Files.size(p));
            } catch (IOException e) {
                out.add(-1L); // missing now: load() reports it
            }
        }
        return out;
    }
}
