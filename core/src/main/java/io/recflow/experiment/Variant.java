package io.recflow.experiment;

import java.util.ArrayList;
import java.util.List;

/**
 * One arm of an experiment: its name, its share of the experiment's users, and what it changes in
 * the served list. A setting left null is the server's configured behaviour, or what the request
 * asks for; a variant with no settings at all is the control.
 *
 * @param name letters, digits, '-' and '_', unique within its experiment
 * @param share a positive weight; the experiment's users split in proportion to the shares
 * @param model "served" (the two-stage ranking), or one source alone in its own order: "sequence"
 *     (the sequence model), "als" (ALS retrieval) or "popular" (popularity)
 * @param ranker "trained" (the version's learned ranker) or "als-order" (the first stage's order)
 * @param exploration the share of positions given to new items, 0 to 0.5
 * @param diversity MMR diversity, 0 to 1
 */
public record Variant(String name, double share, String model, String ranker, Double exploration,
                      Double diversity) {
  /** Values of {@link #model()}. */
  public static final List<String> MODELS = List.of("served", "sequence", "als", "popular");
  /** Values of {@link #ranker()}. */
  public static final List<String> RANKERS = List.of("trained", "als-order");

  /** Every problem of this variant, each naming the field; empty when it is valid. */
  List<String> problems() {
    List<String> out = new ArrayList<>();
    if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
      out.add("name must be 1 to 64 letters, digits, '-' or '_', got " + quote(name));
    }
    if (!(share > 0 && Double.isFinite(share))) {
      out.add("share must be a positive number, got " + share);
    }
    if (model != null && !MODELS.contains(model)) {
      out.add("model must be one of " + MODELS + ", got " + quote(model));
    }
    if (ranker != null && !RANKERS.contains(ranker)) {
      out.add("ranker must be one of " + RANKERS + ", got " + quote(ranker));
    }
    if (exploration != null && !(exploration >= 0 && exploration <= 0.5)) {
      out.add("exploration must be from 0 to 0.5, got " + exploration);
    }
    if (diversity != null && !(diversity >= 0 && diversity <= 1)) {
      out.add("diversity must be from 0 to 1, got " + diversity);
    }
    return out;
  }

  static String quote(String s) {
    return s == null ? "nothing" : "'" + s + "'";
  }
}
