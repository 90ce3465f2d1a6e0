package io.recflow.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parameters a model version was trained with, stored with it in {@code models.params} and read
 * back, through this one class, by everything that must compute as that model did: the stream and
 * the server fold users in with its ALS alpha and regParam and weight events with its interest
 * weighting, whatever the reader's own configuration says. Stored under the config keys' names plus
 * {@value #FORMAT_KEY}, the format number of this layout (as Spark MLlib stores typed params as
 * metadata beside a model).
 *
 * @param rank ALS rank (factors per vector)
 * @param regParam ALS regularisation
 * @param alpha ALS implicit-feedback confidence scale
 * @param maxIter ALS iterations
 * @param seed ALS seed
 * @param weighting how events became confidences
 */
public record ModelParams(int rank, double regParam, double alpha, int maxIter, int seed,
                          InterestWeighting weighting) {
  /** The key of the format number in the stored map. */
  public static final String FORMAT_KEY = "params.format";
  /**
   * The layout this recflow writes. 1: the keys of {@link #KEYS}. Versions written before the
   * format existed stored the whole configuration (a superset of those keys) and are read as 1.
   */
  public static final int FORMAT = 1;
  /** The config keys that are model parameters. */
  public static final List<ConfigKey<?>> KEYS = List.of(Settings.ALS_RANK, Settings.ALS_REG, Settings.ALS_ALPHA,
      Settings.ALS_ITERATIONS, Settings.ALS_SEED, Settings.WEIGHT_VIEW, Settings.WEIGHT_CLICK, Settings.WEIGHT_CART,
      Settings.WEIGHT_PURCHASE, Settings.WEIGHT_RATING, Settings.RATING_NEUTRAL, Settings.HALF_LIFE_DAYS);

  /** The model parameters a run's configuration asks for. */
  public static ModelParams from(RecflowConfig c) {
    return new ModelParams(c.get(Settings.ALS_RANK), c.get(Settings.ALS_REG), c.get(Settings.ALS_ALPHA),
        c.get(Settings.ALS_ITERATIONS), c.get(Settings.ALS_SEED), InterestWeighting.from(c));
  }

  /** The stored form: each parameter under its config key, and the format. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(FORMAT_KEY, Integer.toString(FORMAT));
    m.put(Settings.ALS_RANK.name(), Integer.toString(rank));
    m.put(Settings.ALS_REG.name(), Double.toString(regParam));
    m.put(Settings.ALS_ALPHA.name(), Double.toString(alpha));
    m.put(Settings.ALS_ITERATIONS.name(), Integer.toString(maxIter));
    m.put(Settings.ALS_SEED.name(), Integer.toString(seed));
    m.putAll(weighting.toMap());
    return m;
  }

  /**
   * Reads the stored form of {@code version}'s parameters; keys that are not model parameters are
   * ignored and missing ones take their defaults, which is how versions before the format was
   * recorded are read.
   *
   * @throws ConfigException when a value is invalid or the format is newer than this recflow reads
   */
  public static ModelParams fromMap(long version, Map<String, String> stored) {
    String origin = "models.params of model version " + version;
    String format = stored.getOrDefault(FORMAT_KEY, "1");
    int f;
    try {
      f = Integer.parseInt(format.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(origin + " has " + FORMAT_KEY + " '" + format + "', not a number. The row was not "
          + "written by recflow; publish another version (bin/recflow models publish) or retrain (bin/recflow batch).");
    }
    if (f > FORMAT) {
      throw new ConfigException(origin + " has format " + f + " but this recflow reads formats up to " + FORMAT
          + ": it was written by a newer recflow. Upgrade this program, or publish a version this one wrote.");
    }
    Map<String, String> known = new LinkedHashMap<>();
    for (ConfigKey<?> k : KEYS) {
      if (stored.containsKey(k.name())) {
        known.put(k.name(), stored.get(k.name()));
      }
    }
    return from(RecflowConfig.of(known, origin));
  }

  @Override
  public String toString() {
    return "rank=" + rank + ", regParam=" + regParam + ", alpha=" + alpha + ", maxIter=" + maxIter + ", seed=" + seed;
  }
}
