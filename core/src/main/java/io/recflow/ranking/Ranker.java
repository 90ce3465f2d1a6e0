package io.recflow.ranking;

import java.util.List;

/**
 * The second stage: orders a user's candidates by a learned model, or, when no trained ranker is
 * usable, by the ALS score (popularity for users without a vector), the order recflow served before
 * it had a ranker.
 *
 * <p>The learned model is a tree ensemble (LambdaMART, trained nightly on {@link Features}) that
 * corrects a prior rather than replacing it: a candidate's score is its {@link #prior}, the hybrid
 * score (1 − w)·z(ALS) + w·z(content profile cosine), standardised over the user's candidates, plus
 * the trees' output. The trees are trained with that prior as XGBoost's base margin, so an ensemble
 * that learned nothing ranks exactly as the hybrid does, and every tree is spent on what it gets
 * wrong. The content weight w is stored with the model (the {@code rankers} row's metrics).
 */
public final class Ranker {
  /** Orders by the ALS score; what the server falls back to without a usable trained ranker. */
  public static final Ranker ALS_ORDER = new Ranker(null, List.of(), 0, -1);
  /** The key of the prior's content weight among a stored ranker's metrics. */
  public static final String PRIOR_CONTENT_WEIGHT = "prior_content_weight";

  private final TreeEnsemble model;
  private final List<String> featureNames;
  private final double contentWeight;
  private final int orderBy;

  private Ranker(TreeEnsemble model, List<String> featureNames, double contentWeight, int orderBy) {
    this.model = model;
    this.featureNames = List.copyOf(featureNames);
    this.contentWeight = contentWeight;
    this.orderBy = orderBy;
  }

  /**
   * Orders by one of the features {@code names} alone, highest first, a missing value last: one
   * signal served on its own, for comparisons and experiments (e.g. {@code sequence:score}).
   */
  public static Ranker byFeature(String name, List<String> names) {
    int index = names.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException("no feature " + name + " among " + names);
    }
    return new Ranker(null, List.of(), 0, index);
  }

  /**
   * A trained ranker for the features {@code names} (a pipeline's, or those an exposure logged).
   *
   * @param contentWeight the prior's content weight the model was trained with, in [0, 1]
   * @throws IllegalArgumentException when the model was trained on other features than {@code names},
   *     or does not parse
   */
  public static Ranker trained(byte[] modelJson, List<String> trainedOn, List<String> names, double contentWeight) {
    if (!trainedOn.equals(names)) {
      throw new IllegalArgumentException("the ranker was trained on features " + trainedOn + " but this pipeline "
          + "computes " + names + ". A ranker only scores the features it was trained on; train it "
          + "again (the nightly job does) with the same candidate sources.");
    }
    if (!(contentWeight >= 0 && contentWeight <= 1)) {
      throw new IllegalArgumentException("the ranker's prior content weight is " + contentWeight + ", not in [0, 1];"
          + " the stored ranker row is corrupt. Train it again (the nightly job does).");
    }
    TreeEnsemble model = TreeEnsemble.parse(modelJson);
    if (model.featureCount() != trainedOn.size()) {
      throw new IllegalArgumentException("the ranker model reads " + model.featureCount() + " features but "
          + trainedOn.size() + " are named; the stored model and its feature list do not belong together.");
    }
    return new Ranker(model, trainedOn, contentWeight, -1);
  }

  /** Whether this is a trained model rather than the ALS-order fallback. */
  public boolean trained() {
    return model != null;
  }

  /** The score of one candidate's features; higher ranks first. */
  public double score(float[] features) {
    if (model != null) {
      return prior(features, contentWeight) + model.score(features);
    }
    if (orderBy >= 0) {
      return Float.isNaN(features[orderBy]) ? Double.NEGATIVE_INFINITY : features[orderBy];
    }
    int common = features.length - Features.COMMON.size();
    float als = features[common + ALS_DOT];
    return Float.isNaN(als) ? features[common + POPULARITY] : als;
  }

  /**
   * The score a trained ranker starts from: (1 − w)·{@code als_dot_z} + w·{@code content_profile_z},
   * a missing one counting 0 (a user without a vector, an item without text). Training passes it as
   * the base margin.
   */
  public static float prior(float[] features, double contentWeight) {
    int common = features.length - Features.COMMON.size();
    float als = features[common + ALS_DOT_Z];
    float content = features[common + CONTENT_Z];
    return (float) ((1 - contentWeight) * (Float.isNaN(als) ? 0 : als)
        + contentWeight * (Float.isNaN(content) ? 0 : content));
  }

  private static final int ALS_DOT = Features.COMMON.indexOf("als_dot");
  private static final int ALS_DOT_Z = Features.COMMON.indexOf("als_dot_z");
  private static final int CONTENT_Z = Features.COMMON.indexOf("content_profile_z");
  private static final int POPULARITY = Features.COMMON.indexOf("popularity");
}
