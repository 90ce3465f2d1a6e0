package io.recflow.serving;

import io.recflow.core.ApiKey;
import io.recflow.core.ApiKey.Scope;
import java.security.SecureRandom;
import java.util.List;
import java.util.Set;

/** API keys for the serving tests, made as bin/recflow keys new makes them. */
final class TestKeys {
  /** A client's key: reads and writes. */
  static final ApiKey.Created READ_WRITE = ApiKey.create("tests", Set.of(Scope.READ, Scope.WRITE), new SecureRandom());
  /** An operator's key. */
  static final ApiKey.Created ADMIN = ApiKey.create("operator", Set.of(Scope.ADMIN), new SecureRandom());

  private TestKeys() {}

  /** The read-and-write key, as a client sends it. */
  static String secret() {
    return READ_WRITE.secret();
  }

  /** Both keys as a serve.keys value. */
  static String entries() {
    return READ_WRITE.key().entry() + "," + ADMIN.key().entry();
  }

  /** Reads open to anyone (the tests of what is served need no key), writes with a key, no rate limit. */
  static Access publicReads() {
    return new Access(List.of(READ_WRITE.key(), ADMIN.key()), true, 0);
  }

  /** No key configured and reads closed: every route that needs a key is shut. */
  static Access closed() {
    return new Access(List.of(), false, 0);
  }
}
