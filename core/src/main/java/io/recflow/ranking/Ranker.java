package io.recflow.ranking;

import java.util.List;

/**
 * The second stage: orders a user's candidates by a learned model, or, when no trained ranker is
 * usable, by the ALS score (popularity for users without a vector), the order recflow served before
 * it had a ranker.
 *
 * <p>The learned model is a tree ensemble (LambdaMART, trained nightly on {@link Features}) that
 * corrects the ALS order rather than replacing it: a candidate's score is its {@link #prior}, the ALS
 * score standardised over the user's candidates, plus the trees' output. The trees are trained
 * with that prior as XGBoost's base margin, so an ensemble that learned nothing ranks exactly as
 * ALS does, and every tree is spent on what ALS gets wrong.
 */
public final class Ranker {
  /** Orders by the ALS score; what the server falls back to without a usable trained ranker. */
  public static final Ranker ALS_ORDER = new Ranker(null, List.of());

  private final TreeEnsemble model;
  private final List<String> featureNames;

  private Ranker(TreeEnsemble model, List<String> featureNames) {
    this.model = model;
    this.featureNames = List.copyOf(featureNames);
  }

  /**
   * A trained ranker for the pipeline's features.
   *
   * @throws IllegalArgumentException when the model was trained on other features than {@code features}
   *     names, or does not parse
   */
  public static Ranker trained(byte[] modelJson, List<String> trainedOn, Features features) {
    if (!trainedOn.equals(features.names())) {
      throw new IllegalArgumentException("the ranker was trained on features " + trainedOn + " but this pipeline "
          + "computes " + features.names() + ". A ranker only scores the features it was trained on; train it "
          + "again (the nightly job does) with the same candidate sources.");
    }
    TreeEnsemble model = TreeEnsemble.parse(modelJson);
    if (model.featureCount() != trainedOn.size()) {
      throw new IllegalArgumentException("the ranker model reads " + model.featureCount() + " features but "
          + trainedOn.size() + " are named; the stored model and its feature list do not belong together.");
    }
    return new Ranker(model, trainedOn);
  }

  /** Whether this is a trained model rather than the ALS-order fallback. */
  public boolean trained() {
    return model != null;
  }

  /** The score of one candidate's features; higher ranks first. */
  public double score(float[] features) {
    if (model != null) {
      return prior(features) + model.score(features);
    }
    int common = features.length - Features.COMMON.size();
    float als = features[common + ALS_DOT];
    return Float.isNaN(als) ? features[common + POPULARITY] : als;
  }

  /**
   * The score a trained ranker starts from: the candidate's ALS score standardised over the user's
   * candidates ({@code als_dot_z}), 0 for users without a vector. Training passes it as the base margin.
   */
  public static float prior(float[] features) {
    float z = features[features.length - Features.COMMON.size() + ALS_DOT_Z];
    return Float.isNaN(z) ? 0f : z;
  }

  private static final int ALS_DOT = Features.COMMON.indexOf("als_dot");
  private static final int ALS_DOT_Z = Features.COMMON.indexOf("als_dot_z");
  private static final int POPULARITY = Features.COMMON.indexOf("popularity");
}
