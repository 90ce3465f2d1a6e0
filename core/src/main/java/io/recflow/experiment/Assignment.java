package io.recflow.experiment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Where a user falls in the plan: in the global holdout, in one variant of a running experiment,
 * or in none. Decided by a salted hash of the user id alone, so it is sticky (the same user gets
 * the same variant on every request, on every server, after every restart) and reproducible
 * offline from the id and the plan.
 *
 * @param experiment the experiment's name, or null (holdout, or no experiment)
 * @param variant the variant's settings, or null
 * @param holdout whether the user is in the global holdout, served as configured and in no experiment
 */
public record Assignment(String experiment, Variant variant, boolean holdout) {
  /** No experiment: the server's configured behaviour. */
  public static final Assignment NONE = new Assignment(null, null, false);
  /** The global holdout. */
  public static final Assignment HOLDOUT = new Assignment(null, null, true);
  /** The variant name exposures of holdout users carry. */
  public static final String HOLDOUT_NAME = "holdout";

  /** The variant's name, "holdout", or null. */
  public String variantName() {
    return holdout ? HOLDOUT_NAME : variant == null ? null : variant.name();
  }

  /**
   * A uniform number in [0, 1) from the salt, a key (what is being decided) and the user id: the
   * first 53 bits of their SHA-256. Independent keys give independent numbers, so the layer and
   * each experiment's variant split do not line up with one another.
   */
  public static double unit(String salt, String key, String userId) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    byte[] h = sha.digest((salt + '\u0000' + key + '\u0000' + userId).getBytes(StandardCharsets.UTF_8));
    long bits = 0;
    for (int i = 0; i < 8; i++) {
      bits = (bits << 8) | (h[i] & 0xff);
    }
    return (bits >>> 11) * 0x1.0p-53;
  }
}
