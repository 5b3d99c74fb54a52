package io.gripcast.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gripcast.config.Fanout;
import java.security.interfaces.ECPublicKey;
import org.junit.jupiter.api.Test;

/** The bundled {@link Fanout#VERIFY_KEY} parses as a VerificationKey, and is js-grip's JWK too. */
class FanoutVerifyKeyTest {

  @Test
  void theBundledPemIsTheSameP256KeyAsJsGripsJwk() {
    VerificationKey pem = VerificationKey.parse(Fanout.VERIFY_KEY);
    assertEquals("ES256", pem.algorithm);
    ECPublicKey ec = (ECPublicKey) pem.key;
    assertEquals(256, ec.getParams().getCurve().getField().getFieldSize());
    VerificationKey jwk = VerificationKey.parse("{\"kty\":\"EC\",\"crv\":\"P-256\","
        + "\"x\":\"CKo5A1ebyFcnmVV8SE5On-8G81JyBjSvcrx4VLetWCg\",\"y\":\"7gwJqaU6N8TP88--twjkwoB36f-pT3QsmI46nPhjO7M\"}");
    assertArrayEquals(jwk.key.getEncoded(), pem.key.getEncoded());
  }
}
