package io.recflow.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One API key as the server's configuration holds it: a name, its scopes and a salted SHA-256 of
 * the key, never the key itself, so a leaked profile or {@code bin/recflow config} output grants
 * nothing. Written {@code name:scope+scope:salt:hash} (one entry of {@code serve.keys}); made by
 * {@link #create}, which is the only time the key is seen. A fast hash is enough because keys are
 * 256 random bits, not passwords a dictionary could guess.
 */
public record ApiKey(String name, Set<Scope> scopes, byte[] salt, byte[] hash) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final HexFormat HEX = HexFormat.of();

  /** What a key may do. */
  public enum Scope {
    /** Ask for recommendations and similar items, with explanations. */
    READ,
    /** Post events. */
    WRITE,
    /** Everything, and erase users and see the server's paths in /health. */
    ADMIN;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A newly made key: the secret to hand to the client once, and the entry for the server's profile. */
  public record Created(String secret, ApiKey key) {}

  /** Whether this key may act with {@code scope}; admin may do everything. */
  public boolean allows(Scope scope) {
    return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
  }

  /** Whether {@code secret} is this key, in time that does not depend on where they differ. */
  public boolean matches(String secret) {
    return MessageDigest.isEqual(hash, digest(salt, secret));
  }

  /** The entry as written in {@code serve.keys}. */
  public String entry() {
    List<String> s = scopes.stream().sorted().map(Scope::wireName).toList();
    return name + ":" + String.join("+", s) + ":" + HEX.formatHex(salt) + ":" + HEX.formatHex(hash);
  }

  /** A new random key with a new random salt. */
  public static Created create(String name, Set<Scope> scopes, SecureRandom random) {
    checkName(name);
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("a key needs at least one scope (read, write or admin)");
    }
    byte[] raw = new byte[32];
    random.nextBytes(raw);
    String secret = "rf_" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return new Created(secret, new ApiKey(name, Set.copyOf(scopes), salt, digest(salt, secret)));
  }

  /**
   * Reads {@code serve.keys}: comma-separated entries; empty for none.
   *
   * @throws IllegalArgumentException naming the entry that cannot be read and why
   */
  public static List<ApiKey> parseAll(String text) {
    List<ApiKey> keys = new ArrayList<>();
    for (String entry : text.split(",")) {
      if (!entry.isBlank()) {
        ApiKey k = parse(entry.trim());
        if (keys.stream().anyMatch(other -> other.name().equals(k.name()))) {
          throw new IllegalArgumentException("two keys are named '" + k.name() + "'");
        }
        keys.add(k);
      }
    }
    return keys;
  }

  private static ApiKey parse(String entry) {
    String[] parts = entry.split(":", -1);
    if (parts.length != 4) {
      throw new IllegalArgumentException("key entry '" + abbreviate(entry) + "' is not name:scopes:salt:hash "
          + "(make one with bin/recflow keys new --name NAME --scopes read+write)");
    }
    checkName(parts[0]);
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String s : parts[1].split("\\+")) {
      try {
        scopes.add(Scope.valueOf(s.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("key '" + parts[0] + "' has the unknown scope '" + s
            + "' (scopes: read, write, admin)");
      }
    }
    try {
      byte[] salt = HEX.parseHex(parts[2]);
      byte[] hash = HEX.parseHex(parts[3]);
      if (salt.length < 8 || hash.length != 32) {
        throw new IllegalArgumentException("short");
      }
      return new ApiKey(parts[0], Set.copyOf(scopes), salt, hash);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key '" + parts[0] + "' has a salt or hash that is not the hex "
          + "bin/recflow keys new writes");
    }
  }

  private static void checkName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("key name '" + name + "' must be 1-64 letters, digits, '.', '_' or '-'");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 12 ? s : s.substring(0, 12) + "...";
  }

  private static byte[] digest(byte[] salt, String secret) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(salt);
      return md.digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
