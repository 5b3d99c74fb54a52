/**
 * Credentials and signatures: {@link io.gripcast.auth.Auth} (none, bearer, basic, JWT) for
 * publishing, {@link io.gripcast.auth.Secret} for key bytes that never print, and
 * {@link io.gripcast.auth.GripSigVerifier} for checking the {@code Grip-Sig} header on requests that
 * come from the proxy.
 *
 * <p>JWTs are made and checked with jjwt, used only inside method bodies: no jjwt type appears in
 * this package's API. HS256 goes through a small algorithm of our own plugged into jjwt's extension
 * points, because jjwt's built-in HS256 refuses keys under 256 bits while GRIP proxies commonly use
 * short ones (Pushpin ships with {@code changeme}); the weakness is reported through
 * {@code isWeakKey()} instead.
 */
package io.gripcast.auth;
