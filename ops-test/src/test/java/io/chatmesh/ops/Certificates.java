package io.chatmesh.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/** PEM files as Envoy reads them: a mesh identity is what Mesh's checks expect of the certificate it presents. */
final class Certificates {

    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    /** GeneralName type of a URI in subjectAltName. */
    private static final int URI_NAME = 6;

    private Certificates() {}

    /** Issued by the CA, naming exactly the identity as URI SAN, for servers and clients, with the key beside it. */
    static void assertMeshIdentity(Path certificateFile, Path keyFile, Path caFile, String identity) throws Exception {
        X509Certificate certificate = certificate(certificateFile);
        X509Certificate ca = certificate(caFile);
        certificate.verify(ca.getPublicKey());
        certificate.checkValidity();
        List<String> uris = certificate.getSubjectAlternativeNames().stream()
                .filter(name -> (Integer) name.get(0) == URI_NAME).map(name -> (String) name.get(1)).toList();
        assertThat(uris).as("%s URI SAN", certificateFile).containsExactly(identity);
        assertThat(certificate.getExtendedKeyUsage()).as("%s usages", certificateFile).contains(SERVER_AUTH, CLIENT_AUTH);
        assertKeyPair(certificateFile, keyFile);
    }

    /** The key signs what the certificate's public key verifies. */
    static void assertKeyPair(Path certificateFile, Path keyFile) throws Exception {
        X509Certificate certificate = certificate(certificateFile);
        PrivateKey key = KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm())
                .generatePrivate(new PKCS8EncodedKeySpec(pem(keyFile, "PRIVATE KEY")));
        byte[] data = "chatmesh".getBytes();
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(data);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(data);
        assertThat(verifier.verify(signature)).as("%s belongs to %s", keyFile, certificateFile).isTrue();
    }

    static X509Certificate certificate(Path file) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Files.readAllBytes(file)));
    }

    private static byte[] pem(Path file, String type) throws Exception {
        String text = Files.readString(file);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        assertThat(text).as("%s is a PEM %s", file, type).contains(begin, end);
        String body = text.substring(text.indexOf(begin) + begin.length(), text.indexOf(end));
        return Base64.getMimeDecoder().decode(body);
    }
}
