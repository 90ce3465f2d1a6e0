package io.recflow.experiment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One experiment: the variants its users are split between (the first is the control, against
 * which the report measures the others), when it runs, and which slice of the experiment layer's
 * users it takes. Slices let experiments run side by side without sharing a user: two experiments
 * whose times overlap must take disjoint slices, which the plan checks.
 *
 * @param name letters, digits, '-' and '_', unique in the plan; it also salts the variant hash, so
 *     each experiment splits its users afresh
 * @param start when it starts (inclusive)
 * @param stop when it stops (exclusive); null runs until it is removed
 * @param from the start of its slice of the layer, in [0, 1)
 * @param to the end of its slice, in (from, 1]
 */
public record Experiment(String name, Instant start, Instant stop, double from, double to, List<Variant> variants) {
  public Experiment {
    variants = List.copyOf(variants);
  }

  /** Whether it runs at {@code now}. */
  public boolean running(Instant now) {
    return !now.isBefore(start) && (stop == null || now.isBefore(stop));
  }

  /** The control: the first variant. */
  public Variant control() {
    return variants.get(0);
  }

  /** The variant with this name, or null. */
  public Variant variant(String variantName) {
    return variants.stream().filter(v -> v.name().equals(variantName)).findFirst().orElse(null);
  }

  /** Each variant's share of the experiment's users, in the order of {@link #variants()}. */
  public double[] shares() {
    double total = variants.stream().mapToDouble(Variant::share).sum();
    return variants.stream().mapToDouble(v -> v.share() / total).toArray();
  }

  /** Whether its running time and another's overlap. */
  boolean overlapsInTime(Experiment o) {
    boolean startsBeforeOtherStops = o.stop == null || start.isBefore(o.stop);
    boolean otherStartsBeforeThisStops = stop == null || o.start.isBefore(stop);
    return startsBeforeOtherStops && otherStartsBeforeThisStops;
  }

  /** Every problem of this experiment, each starting with its name; empty when it is valid. */
  List<String> problems() {
    String at = "experiment " + Variant.quote(name) + ": ";
    List<String> out = new ArrayList<>();
    if (name == null || !name.matches("[A-Za-z0-9_-]{1,64}")) {
      out.add(at + "name must be 1 to 64 letters, digits, '-' or '_'");
    }
    if (start == null) {
      out.add(at + "start is required (an ISO-8601 instant such as 2026-12-01T00:00:00Z)");
    } else if (stop != null && !stop.isAfter(start)) {
      out.add(at + "stop (" + stop + ") must be after start (" + start + ")");
    }
    if (!(from >= 0 && from < to && to <= 1)) {
      out.add(at + "its slice [" + from + ", " + to + ") must satisfy 0 <= from < to <= 1");
    }
    if (variants.size() < 2) {
      out.add(at + "needs at least two variants (the first is the control), has " + variants.size());
    }
    Set<String> names = new HashSet<>();
    for (Variant v : variants) {
      v.problems().forEach(p -> out.add(at + "variant " + Variant.quote(v.name()) + ": " + p));
      if (v.name() != null && !names.add(v.name())) {
        out.add(at + "variant " + Variant.quote(v.name()) + " appears twice");
      }
    }
    return out;
  }
}
