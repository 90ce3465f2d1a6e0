package io.recflow.sequence;

import io.recflow.core.RecflowConfig;
import io.recflow.core.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of a sequence model, stored with its weights: a model is run with the shape it was
 * trained with, whatever the reader's configuration says.
 *
 * @param length how many of the user's newest items the model reads (L)
 * @param dim the width of every hidden vector (d)
 * @param blocks how many attention blocks are stacked
 * @param heads attention heads per block; {@code dim} must be divisible by it
 */
public record SequenceParams(int length, int dim, int blocks, int heads) {
  public SequenceParams {
    if (length < 1 || dim < 1 || blocks < 1 || heads < 1 || dim % heads != 0) {
      throw new IllegalArgumentException("a sequence model needs length, dim, blocks and heads of at least 1, "
          + "and dim divisible by heads; got length " + length + ", dim " + dim + ", blocks " + blocks
          + ", heads " + heads);
    }
  }

  /** The shape the configuration asks the trainer for. */
  public static SequenceParams from(RecflowConfig c) {
    return new SequenceParams(c.get(Settings.SEQUENCE_LENGTH), c.get(Settings.SEQUENCE_DIM),
        c.get(Settings.SEQUENCE_BLOCKS), c.get(Settings.SEQUENCE_HEADS));
  }

  /** The stored form, under the config keys' names. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Settings.SEQUENCE_LENGTH.name(), Integer.toString(length));
    m.put(Settings.SEQUENCE_DIM.name(), Integer.toString(dim));
    m.put(Settings.SEQUENCE_BLOCKS.name(), Integer.toString(blocks));
    m.put(Settings.SEQUENCE_HEADS.name(), Integer.toString(heads));
    return m;
  }

  /** Reads the stored form; a missing or malformed entry is an error, not a default. */
  public static SequenceParams fromMap(Map<String, String> m) {
    return new SequenceParams(read(m, Settings.SEQUENCE_LENGTH.name()), read(m, Settings.SEQUENCE_DIM.name()),
        read(m, Settings.SEQUENCE_BLOCKS.name()), read(m, Settings.SEQUENCE_HEADS.name()));
  }

  private static int read(Map<String, String> m, String key) {
    String v = m.get(key);
    if (v == null) {
      throw new IllegalArgumentException("the stored sequence model lacks its " + key + "; it was written by a "
          + "broken or foreign job. Retrain it with 'recflow batch'.");
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("the stored sequence model's " + key + " is '" + v + "', not an integer; "
          + "retrain it with 'recflow batch'.", e);
    }
  }
}
