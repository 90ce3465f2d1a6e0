package io.recflow.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recflow.core.ApiKey.Scope;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keys are kept as salted hashes: an entry recognises its key and nothing else, and bad entries are named. */
class ApiKeyTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void anEntryRecognisesItsKeyAndNoOther() {
    ApiKey.Created a = ApiKey.create("shop", Set.of(Scope.READ, Scope.WRITE), RANDOM);
    ApiKey.Created b = ApiKey.create("ops", Set.of(Scope.ADMIN), RANDOM);
    List<ApiKey> read = ApiKey.parseAll(a.key().entry() + ", " + b.key().entry());
    assertTrue(read.get(0).matches(a.secret()));
    assertFalse(read.get(0).matches(b.secret()));
    assertFalse(read.get(0).matches(a.secret() + " "));
    assertFalse(a.key().entry().contains(a.secret()), "the entry holds the key itself");
    assertEquals(Set.of(Scope.READ, Scope.WRITE), read.get(0).scopes());
    assertTrue(read.get(1).allows(Scope.WRITE), "admin may do everything");
    assertFalse(read.get(0).allows(Scope.ADMIN));
  }

  @Test
  void twoKeysMadeAlikeDiffer() {
    ApiKey.Created a = ApiKey.create("x", Set.of(Scope.READ), RANDOM);
    ApiKey.Created b = ApiKey.create("x", Set.of(Scope.READ), RANDOM);
    assertFalse(a.secret().equals(b.secret()));
    assertFalse(a.key().entry().equals(b.key().entry()));
  }

  @Test
  void aBadEntryIsRefusedAtStartUpSayingWhich() {
    String good = ApiKey.create("shop", Set.of(Scope.READ), RANDOM).key().entry();
    ConfigException e = assertThrows(ConfigException.class,
        () -> RecflowConfig.defaults().with(Map.of("serve.keys", "plain-secret")));
    assertTrue(e.getMessage().contains("serve.keys") && e.getMessage().contains("bin/recflow keys new"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ApiKey.parseAll(good.replace(":read:", ":root:")));
    assertThrows(IllegalArgumentException.class, () -> ApiKey.parseAll(good + "," + good));
    assertThrows(IllegalArgumentException.class, () -> ApiKey.parseAll(good.substring(0, good.length() - 2)));
    assertEquals(0, ApiKey.parseAll(" ").size());
  }
}
