package io.gripcast.auth;

import static io.gripcast.auth.GripSigResult.Status.ALGORITHM_NOT_ALLOWED;
import static io.gripcast.auth.GripSigResult.Status.BAD_SIGNATURE;
import static io.gripcast.auth.GripSigResult.Status.EXPIRED;
import static io.gripcast.auth.GripSigResult.Status.MALFORMED;
import static io.gripcast.auth.GripSigResult.Status.MISSING;
import static io.gripcast.auth.GripSigResult.Status.NOT_YET_VALID;
import static io.gripcast.auth.GripSigResult.Status.VALID;
import static io.gripcast.auth.GripSigResult.Status.WRONG_ISSUER;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gripcast.config.GripConfigException;
import io.gripcast.config.GripUrl;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GripSigVerifierTest {

  // Real Grip-Sig headers captured from Pushpin 1.36.0 (Debian package) in front of a test origin.
  // Default config: sig_key=changeme, sig_iss=pushpin. Captured at epoch second 1795748048.
  static final String PUSHPIN_CHANGEME = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9"
      + ".eyJleHAiOjE3OTU3NTE2NDksImlzcyI6InB1c2hwaW4ifQ.3xz6rHs4wuOCOHPVcPhWWD_eR_BKsy_JH64I1W_3prs";
  static final Instant PUSHPIN_CHANGEME_EXP = Instant.ofEpochSecond(1_795_751_649L);
  // sig_key=base64:<KEY_B64> (a key with '+' and '/'), sig_iss=realm1; captured at 1795748062.
  static final String KEY_B64 = "qWjc/cTEsIJnqh2rPZeUbYBvSj9+G1Ue1ZRY/ZKNrVk=";
  static final String PUSHPIN_BASE64 = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9"
      + ".eyJleHAiOjE3OTU3NTE2NjIsImlzcyI6InJlYWxtMSJ9.IfYporIWDoj9Ntq9kK-dsHnn_NWtS6P0QgX39u_4x7Y";
  // sig_key=file:<PKCS#8 EC P-256 private key>, sig_iss=fastly:SVC123 (Fastly's shape); captured at
  // 1795748056. Pushpin 1.36 signs ES256 only with a PKCS#8 key file: with a SEC1 "EC PRIVATE KEY"
  // it logs "failed to sign request" and sends no Grip-Sig at all.
  static final String PUSHPIN_ES256 = "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9"
      + ".eyJleHAiOjE3OTU3NTE2NTYsImlzcyI6ImZhc3RseTpTVkMxMjMifQ"
      + ".RPWPmAaGb3ERH-fK3OuT4jM_vpmSE6feC56EBwe_YJF_Yyn935FL0j4aY8OelfSfb8fJzhoU0WR5TZqrUQ9U9w";
  static final String PUSHPIN_ES256_PUBLIC_PEM = "-----BEGIN PUBLIC KEY-----\n"
      + "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/rlS6a81FyGiC5+j5E+iKvPQWaCI\n"
      + "uwHpdRUAyPCmBTSTQNkcovMBYxmBjBcEdxVUicHdPJ4tCPxDAgQxtNlq6A==\n"
      + "-----END PUBLIC KEY-----\n";
  // Fastly's published Grip-Sig key (spec §2.4)
  static final String FASTLY_JWK = "{\"kty\":\"EC\",\"crv\":\"P-256\","
      + "\"x\":\"CKo5A1ebyFcnmVV8SE5On-8G81JyBjSvcrx4VLetWCg\",\"y\":\"7gwJqaU6N8TP88--twjkwoB36f-pT3QsmI46nPhjO7M\"}";

  static final Instant T0 = Instant.ofEpochSecond(1_795_748_100L); // after all captures, before all exps

  static KeyPair ec;
  static KeyPair otherEc;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    ec = gen.generateKeyPair();
    otherEc = gen.generateKeyPair();
  }

  static Clock at(Instant t) {
    return Clock.fixed(t, ZoneOffset.UTC);
  }

  static GripSigVerifier hmac(String key) {
    return GripSigVerifier.builder().verifyKey(key).clock(at(T0)).build();
  }

  static String pem(java.security.PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
        .encodeToString(key.getEncoded()) + "\n-----END PUBLIC KEY-----\n";
  }

  static String jwk(ECPublicKey key) {
    return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + coordinate(key.getW().getAffineX())
        + "\",\"y\":\"" + coordinate(key.getW().getAffineY()) + "\"}";
  }

  private static String coordinate(BigInteger v) {
    byte[] raw = v.toByteArray();
    byte[] fixed = new byte[32];
    int n = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - n, fixed, 32 - n, n);
    return Tokens.b64url(fixed);
  }

  // ---- real Pushpin tokens ----

  @Test
  void pushpinDefaultChangemeTokenIsValidAndFlagged() {
    GripSigVerifier v = hmac("changeme");
    GripSigResult r = v.verify(PUSHPIN_CHANGEME);
    assertEquals(VALID, r.status(), r.detail());
    assertTrue(r.isValid());
    assertEquals(Optional.of("pushpin"), r.issuer());
    assertEquals(Optional.of(PUSHPIN_CHANGEME_EXP), r.expiresAt());
    assertEquals("HS256", v.algorithm());
    assertTrue(v.isWeakKey());
    assertTrue(v.usesPushpinDefaultKey());
  }

  @Test
  void pushpinTokenChecksExpiryAgainstTheClock() {
    GripSigVerifier.Builder b = GripSigVerifier.builder().verifyKey("changeme");
    assertEquals(VALID, b.clock(at(PUSHPIN_CHANGEME_EXP.minusMillis(1))).build().verify(PUSHPIN_CHANGEME).status());
    assertEquals(EXPIRED, b.clock(at(PUSHPIN_CHANGEME_EXP)).build().verify(PUSHPIN_CHANGEME).status(),
        "RFC 7519: valid only before exp");
    assertEquals(EXPIRED, b.clock(at(PUSHPIN_CHANGEME_EXP.plusSeconds(1))).build().verify(PUSHPIN_CHANGEME).status());
    assertEquals(VALID, b.clock(at(PUSHPIN_CHANGEME_EXP.plusSeconds(10))).clockSkew(Duration.ofSeconds(30)).build()
        .verify(PUSHPIN_CHANGEME).status(), "within the allowed skew");
  }

  @Test
  void wrongKeyIsBadSignature() {
    assertEquals(BAD_SIGNATURE, hmac("changemf").verify(PUSHPIN_CHANGEME).status());
    assertEquals(BAD_SIGNATURE, hmac("changeme").verify(PUSHPIN_BASE64).status());
  }

  @Test
  void expiredTokenWithWrongKeyIsBadSignatureNotExpired() {
    GripSigVerifier v = GripSigVerifier.builder().verifyKey("wrong").clock(at(PUSHPIN_CHANGEME_EXP.plusSeconds(60)))
        .build();
    assertEquals(BAD_SIGNATURE, v.verify(PUSHPIN_CHANGEME).status(), "the signature is checked before claims");
  }

  @Test
  void issuerIsCheckedWhenConfigured() {
    GripSigVerifier.Builder b = GripSigVerifier.builder().verifyKey("changeme").clock(at(T0));
    assertEquals(VALID, b.expectedIssuer("pushpin").build().verify(PUSHPIN_CHANGEME).status());
    GripSigResult wrong = b.expectedIssuer("fastly:SVC123").build().verify(PUSHPIN_CHANGEME);
    assertEquals(WRONG_ISSUER, wrong.status());
    assertTrue(wrong.detail().contains("'pushpin'") && wrong.detail().contains("fastly:SVC123"), wrong.detail());
    assertEquals(Optional.empty(), wrong.issuer(), "nothing from an invalid token is reported as fact");
  }

  @Test
  void pushpinBase64KeyTokenIsValidFromAKeyWithPlusAndSlash() {
    assertEquals(VALID, hmac("base64:" + KEY_B64).verify(PUSHPIN_BASE64).status());
    // and through a GRIP URL, unencoded, with js-grip's shortcut: the JWT key doubles as verify key
    GripSigVerifier v = GripSigVerifier.forEndpoint(GripUrl.parse(
        "https://grip.example.com/realm/realm1?iss=realm1&key=base64:" + KEY_B64 + "&verify-iss=realm1")).orElseThrow();
    GripSigVerifier clocked = GripSigVerifier.builder().hmacKey(Base64.getDecoder().decode(KEY_B64))
        .expectedIssuer("realm1").clock(at(T0)).build();
    assertEquals("HS256", v.algorithm());
    assertFalse(v.isWeakKey());
    assertEquals(Optional.of("realm1"), v.expectedIssuer());
    assertEquals(VALID, clocked.verify(PUSHPIN_BASE64).status());
  }

  @Test
  void pushpinEs256TokenIsValidWithThePemOrJwkPublicKey() throws Exception {
    GripSigVerifier fromPem = GripSigVerifier.builder().verifyKey(PUSHPIN_ES256_PUBLIC_PEM)
        .expectedIssuer("fastly:SVC123").clock(at(T0)).build();
    assertEquals("ES256", fromPem.algorithm());
    GripSigResult r = fromPem.verify(PUSHPIN_ES256);
    assertEquals(VALID, r.status(), r.detail());
    assertEquals(Optional.of("fastly:SVC123"), r.issuer());

    ECPublicKey pub = (ECPublicKey) java.security.KeyFactory.getInstance("EC").generatePublic(
        new java.security.spec.X509EncodedKeySpec(Base64.getMimeDecoder().decode(
            PUSHPIN_ES256_PUBLIC_PEM.replaceAll("-----[A-Z ]+-----", ""))));
    GripSigVerifier fromJwk = GripSigVerifier.builder().verifyKey(jwk(pub)).clock(at(T0)).build();
    assertEquals(VALID, fromJwk.verify(PUSHPIN_ES256).status());
    GripSigVerifier fromKey = GripSigVerifier.builder().publicKey(pub).clock(at(T0)).build();
    assertEquals(VALID, fromKey.verify(PUSHPIN_ES256).status());
    // base64-wrapped PEM, as js-grip allows
    String wrapped = "base64:" + Base64.getEncoder().encodeToString(PUSHPIN_ES256_PUBLIC_PEM.getBytes(StandardCharsets.US_ASCII));
    assertEquals(VALID, GripSigVerifier.builder().verifyKey(wrapped).clock(at(T0)).build().verify(PUSHPIN_ES256).status());
  }

  @Test
  void endpointWithVerifyKeyFromEnvironment() {
    GripSigVerifier v = GripSigVerifier.forEndpoint(GripUrl.fromEnvironment(Map.of(
        "GRIP_URL", "https://api.fastly.com/service/SVC123?key=TOKEN&verify-iss=fastly:SVC123",
        "GRIP_VERIFY_KEY", PUSHPIN_ES256_PUBLIC_PEM))).orElseThrow();
    assertEquals("ES256", v.algorithm());
    assertEquals(Optional.of("fastly:SVC123"), v.expectedIssuer());
    // this verifier uses the system clock, so check something time-independent: the algorithm pin
    assertEquals(ALGORITHM_NOT_ALLOWED, v.verify(PUSHPIN_CHANGEME).status());
  }

  @Test
  void endpointsWithoutAVerifyKeyGiveNoVerifier() {
    assertEquals(Optional.empty(), GripSigVerifier.forEndpoint(GripUrl.parse("http://localhost:5561")));
    assertEquals(Optional.empty(), GripSigVerifier.forEndpoint(GripUrl.parse("https://api.fastly.com/service/S?key=T")));
  }

  // ---- Fastly's JWK ----

  @Test
  void fastlyJwkPinsEs256() {
    GripSigVerifier v = GripSigVerifier.builder().verifyKey(FASTLY_JWK).expectedIssuer("fastly:SVC123")
        .clock(at(T0)).build();
    assertEquals("ES256", v.algorithm());
    assertFalse(v.isWeakKey());
    assertEquals(BAD_SIGNATURE, v.verify(PUSHPIN_ES256).status(), "signed by another EC key");
    assertEquals(ALGORITHM_NOT_ALLOWED, v.verify(PUSHPIN_CHANGEME).status());
  }

  // ---- generated keys, tokens signed with plain JCA ----

  @Test
  void es256TokenFromGeneratedKeyPair() {
    long exp = T0.getEpochSecond() + 3600;
    String token = Tokens.signed("ES256", "SHA256withECDSAinP1363Format", ec.getPrivate(), Tokens.claims("pushpin", exp));
    GripSigVerifier v = GripSigVerifier.builder().verifyKey(pem(ec.getPublic())).clock(at(T0)).build();
    GripSigResult r = v.verify(token);
    assertEquals(VALID, r.status(), r.detail());
    assertEquals(Optional.of(Instant.ofEpochSecond(exp)), r.expiresAt());
    GripSigVerifier other = GripSigVerifier.builder().publicKey(otherEc.getPublic()).clock(at(T0)).build();
    assertEquals(BAD_SIGNATURE, other.verify(token).status());
    assertEquals(VALID, GripSigVerifier.builder().verifyKey(jwk((ECPublicKey) ec.getPublic())).clock(at(T0)).build()
        .verify(token).status());
  }

  @Test
  void hs256TokenAgainstEcKeyIsRefusedEvenWhenSignedWithThePublicKeyText() {
    // the key-confusion attack: HMAC keyed with the (public) PEM text
    String pemText = pem(ec.getPublic());
    String token = Tokens.hs256(pemText.getBytes(StandardCharsets.US_ASCII), "{\"alg\":\"HS256\"}",
        Tokens.claims("pushpin", T0.getEpochSecond() + 60));
    GripSigResult r = GripSigVerifier.builder().verifyKey(pemText).clock(at(T0)).build().verify(token);
    assertEquals(ALGORITHM_NOT_ALLOWED, r.status());
    assertTrue(r.detail().contains("'HS256'") && r.detail().contains("ES256"), r.detail());
  }

  @Test
  void es256TokenAgainstSharedSecretIsRefused() {
    String token = Tokens.signed("ES256", "SHA256withECDSAinP1363Format", ec.getPrivate(),
        Tokens.claims("pushpin", T0.getEpochSecond() + 60));
    assertEquals(ALGORITHM_NOT_ALLOWED, hmac("changeme").verify(token).status());
  }

  @Test
  void algNoneIsRefusedInAnySpelling() {
    String claims = Tokens.b64url(Tokens.claims("pushpin", T0.getEpochSecond() + 60));
    for (String alg : new String[] {"none", "None", "NONE", "nOnE"}) {
      String token = Tokens.b64url("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + claims + ".";
      assertEquals(ALGORITHM_NOT_ALLOWED, hmac("changeme").verify(token).status(), alg);
      assertEquals(ALGORITHM_NOT_ALLOWED, GripSigVerifier.builder().verifyKey(FASTLY_JWK).clock(at(T0)).build()
          .verify(token).status(), alg);
    }
  }

  @Test
  void otherHmacAlgorithmsAreRefused() {
    String claims = Tokens.claims("pushpin", T0.getEpochSecond() + 60);
    String hs512ish = Tokens.hs256("changeme".getBytes(StandardCharsets.UTF_8), "{\"alg\":\"HS512\"}", claims);
    assertEquals(ALGORITHM_NOT_ALLOWED, hmac("changeme").verify(hs512ish).status());
  }

  @Test
  void rs256WithAnRsaPublicKey() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    KeyPair rsa = gen.generateKeyPair();
    String token = Tokens.signed("RS256", "SHA256withRSA", rsa.getPrivate(), Tokens.claims("p", T0.getEpochSecond() + 60));
    GripSigVerifier v = GripSigVerifier.builder().verifyKey(pem(rsa.getPublic())).clock(at(T0)).build();
    assertEquals("RS256", v.algorithm());
    assertEquals(VALID, v.verify(token).status());
  }

  @Test
  void es384ForAP384Key() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp384r1"));
    KeyPair p384 = gen.generateKeyPair();
    String token = Tokens.signed("ES384", "SHA384withECDSAinP1363Format", p384.getPrivate(),
        Tokens.claims("p", T0.getEpochSecond() + 60));
    GripSigVerifier v = GripSigVerifier.builder().publicKey(p384.getPublic()).clock(at(T0)).build();
    assertEquals("ES384", v.algorithm());
    assertEquals(VALID, v.verify(token).status());
  }

  // ---- HS256 tokens built by hand ----

  @Test
  void hs256TokensBuiltByHand() {
    long future = T0.getEpochSecond() + 60;
    GripSigVerifier v = hmac("changeme");
    assertEquals(VALID, v.verify(Tokens.hs256("changeme", Tokens.claims("x", future))).status());
    assertEquals(EXPIRED, v.verify(Tokens.hs256("changeme", Tokens.claims("x", T0.getEpochSecond() - 1))).status());
    assertEquals(NOT_YET_VALID, v.verify(Tokens.hs256("changeme",
        "{\"iss\":\"x\",\"exp\":" + future + ",\"nbf\":" + future + "}")).status());
    GripSigResult noExp = v.verify(Tokens.hs256("changeme", "{\"iss\":\"x\"}"));
    assertEquals(MALFORMED, noExp.status());
    assertTrue(noExp.detail().contains("exp"), noExp.detail());
    // a token without iss is fine unless an issuer is expected
    assertEquals(VALID, v.verify(Tokens.hs256("changeme", "{\"exp\":" + future + "}")).status());
    assertEquals(WRONG_ISSUER, GripSigVerifier.builder().verifyKey("changeme").expectedIssuer("pushpin").clock(at(T0))
        .build().verify(Tokens.hs256("changeme", "{\"exp\":" + future + "}")).status());
  }

  @Test
  void tamperedClaimsAreBadSignature() {
    String[] parts = PUSHPIN_CHANGEME.split("\\.");
    String forged = parts[0] + "." + Tokens.b64url(Tokens.claims("admin", 1_795_751_649L)) + "." + parts[2];
    assertEquals(BAD_SIGNATURE, hmac("changeme").verify(forged).status());
  }

  @Test
  void missingAndMalformedTokens() {
    GripSigVerifier v = hmac("changeme");
    assertEquals(MISSING, v.verify(null).status());
    assertEquals(MISSING, v.verify("").status());
    assertEquals(MISSING, v.verify("  ").status());
    String header = Tokens.b64url("{\"alg\":\"HS256\"}");
    for (String bad : new String[] {"abc", "a.b", "a.b.c.d", ".x.y", "!!!.x.y", Tokens.b64url("notjson") + ".x.y",
        Tokens.b64url("[1]") + ".x.y", Tokens.b64url("{\"typ\":\"JWT\"}") + ".x.y",
        Tokens.b64url("{\"alg\":5}") + ".x.y", header + ".!!!.abc", header + "." + Tokens.b64url("{}") + ".",
        "x".repeat(9000) + ".a.b"}) {
      GripSigResult r = v.verify(bad);
      assertEquals(MALFORMED, r.status(), bad.length() > 80 ? "long token" : bad);
      assertFalse(r.detail().isEmpty());
    }
    // a correctly signed payload that is not JSON claims
    String notClaims = Tokens.hs256("changeme".getBytes(StandardCharsets.UTF_8), "{\"alg\":\"HS256\"}", "hello");
    assertEquals(MALFORMED, v.verify(notClaims).status());
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    assertEquals(VALID, hmac("changeme").verify("  " + PUSHPIN_CHANGEME + "\r\n").status());
  }

  @Test
  void neverThrowsOnMutatedTokens() {
    GripSigVerifier v = hmac("changeme");
    Random random = new Random(42);
    char[] alphabet = "ABCxyz019-_.=+/ {}\"".toCharArray();
    for (int i = 0; i < 2000; i++) {
      char[] t = PUSHPIN_CHANGEME.toCharArray();
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        t[random.nextInt(t.length)] = alphabet[random.nextInt(alphabet.length)];
      }
      String mutated = new String(t, 0, 1 + random.nextInt(t.length));
      GripSigResult r = v.verify(mutated);
      assertNotNull(r.status());
      if (r.isValid()) {
        // only a change in the unused low bits of the last base64 character can keep it valid
        assertEquals(PUSHPIN_CHANGEME.substring(0, PUSHPIN_CHANGEME.length() - 1),
            mutated.substring(0, mutated.length() - 1), mutated);
      }
    }
  }

  @Test
  void mintedJwtRoundTrips() {
    Auth.Jwt jwt = Auth.jwt("realm1", "changeme");
    String token = jwt.mint(T0, Duration.ofMinutes(10));
    GripSigVerifier v = GripSigVerifier.builder().verifyKey("changeme").expectedIssuer("realm1").clock(at(T0)).build();
    GripSigResult r = v.verify(token);
    assertEquals(VALID, r.status(), r.detail());
    assertEquals(Optional.of(T0.plusSeconds(600)), r.expiresAt());
  }

  // ---- bad verify keys ----

  @Test
  void badVerifyKeysAreConfigErrorsThatLeakNothing() throws Exception {
    KeyPairGenerator rsaGen = KeyPairGenerator.getInstance("RSA");
    rsaGen.initialize(1024);
    String smallRsa = pem(rsaGen.generateKeyPair().getPublic());
    String privatePem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(ec.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----";
    String secretOct = "{\"kty\":\"oct\",\"k\":\"S3CRET\",\"bogus\":";
    for (String[] c : new String[][] {
        {privatePem, "PUBLIC key"},
        {"-----BEGIN PUBLIC KEY-----\nS3CRET!!\n-----END PUBLIC KEY-----", "invalid base64"},
        {"-----BEGIN PUBLIC KEY-----\nUzNDUkVU\n", "END"},
        {"-----BEGIN RSA PUBLIC KEY-----\nUzNDUkVU\n-----END RSA PUBLIC KEY-----", "openssl"},
        {"-----BEGIN PUBLIC KEY-----\nUzNDUkVU\n-----END PUBLIC KEY-----", "neither an EC nor an RSA"},
        {smallRsa, "2048"},
        {secretOct, "JWK"},
        {"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"S3CRET\",\"y\":\"S3CRET\"}", "JWK"},
        {"base64:S3CRET*", "not valid base64"},
        {"", "empty"}}) {
      GripConfigException e = assertThrows(GripConfigException.class, () -> GripSigVerifier.of(c[0]), c[0]);
      assertEquals("verify-key", e.part());
      assertTrue(e.getMessage().contains(c[1]), "<" + c[1] + "> in: " + e.getMessage());
      assertFalse(e.getMessage().contains("S3CRET") || e.getMessage().contains("UzNDUkVU"), e.getMessage());
      String body = Base64.getEncoder().encodeToString(ec.getPrivate().getEncoded());
      assertFalse(e.getMessage().contains(body.substring(0, 20)), e.getMessage());
      assertEquals(null, e.getCause());
    }
  }

  @Test
  void jwkOctKeyIsAnHmacSecretAndPrivateJwkUsesItsPublicHalf() {
    String oct = "{\"kty\":\"oct\",\"k\":\"" + Tokens.b64url("changeme") + "\"}";
    GripSigVerifier v = GripSigVerifier.builder().verifyKey(oct).clock(at(T0)).build();
    assertEquals("HS256", v.algorithm());
    assertTrue(v.usesPushpinDefaultKey());
    assertEquals(VALID, v.verify(PUSHPIN_CHANGEME).status());

    java.security.interfaces.ECPrivateKey priv = (java.security.interfaces.ECPrivateKey) ec.getPrivate();
    String publicJwk = jwk((ECPublicKey) ec.getPublic());
    String privateJwk = publicJwk.substring(0, publicJwk.length() - 1) + ",\"d\":\"" + coordinate(priv.getS()) + "\"}";
    String token = Tokens.signed("ES256", "SHA256withECDSAinP1363Format", ec.getPrivate(),
        Tokens.claims("p", T0.getEpochSecond() + 60));
    GripSigVerifier fromPrivate = GripSigVerifier.builder().verifyKey(privateJwk).clock(at(T0)).build();
    assertEquals("ES256", fromPrivate.algorithm());
    assertEquals(VALID, fromPrivate.verify(token).status());
  }

  @Test
  void binarySecretThatStartsWithABraceIsStillASecret() {
    byte[] key = {'{', 0x01, (byte) 0xfe, 0x7f};
    String token = Tokens.hs256(key, "{\"alg\":\"HS256\"}", Tokens.claims("p", T0.getEpochSecond() + 60));
    GripSigVerifier v = GripSigVerifier.builder().verifyKey("base64:" + Base64.getEncoder().encodeToString(key))
        .clock(at(T0)).build();
    assertEquals(VALID, v.verify(token).status());
    assertEquals(VALID, GripSigVerifier.builder().hmacKey(Arrays.copyOf(key, key.length)).clock(at(T0)).build()
        .verify(token).status());
  }

  @Test
  void toStringAndDetailsShowNoSecretOrToken() {
    GripSigVerifier v = GripSigVerifier.builder().verifyKey("S3CRETKEY-long-enough-to-be-strong-0123456789")
        .clock(at(T0)).build();
    assertFalse(v.toString().contains("S3CRET"), v.toString());
    assertTrue(v.toString().contains("HS256"), v.toString());
    assertTrue(hmac("changeme").toString().contains("public default"), hmac("changeme").toString());
    assertFalse(hmac("changeme").toString().contains("changeme"), hmac("changeme").toString());
    for (String token : new String[] {PUSHPIN_CHANGEME, PUSHPIN_ES256, "a.b.c", null}) {
      GripSigResult r = v.verify(token);
      assertFalse(r.toString().contains("S3CRET"));
      if (token != null) {
        for (String part : token.split("\\.")) {
          assertFalse(part.length() > 3 && r.toString().contains(part), r.toString());
        }
      }
    }
  }

  @Test
  void builderValidation() {
    assertThrows(IllegalStateException.class, () -> GripSigVerifier.builder().build());
    assertThrows(IllegalArgumentException.class, () -> GripSigVerifier.builder().expectedIssuer(""));
    assertThrows(IllegalArgumentException.class, () -> GripSigVerifier.builder().clockSkew(Duration.ofSeconds(-1)));
    assertThrows(IllegalArgumentException.class, () -> GripSigVerifier.builder().clockSkew(Duration.ofMinutes(6)));
  }
}
