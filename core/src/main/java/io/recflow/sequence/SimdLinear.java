package io.recflow.sequence;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * x·W + b with the JDK's vector API: each lane-wide slice of the output is accumulated in a
 * register over all of x, with fused multiply-adds. The scalar loop it replaces ran at about a
 * fifth of this speed (bench/sequence.sh), which is most of the sequence model's forward pass.
 * Loaded only when the {@code jdk.incubator.vector} module is present (the server starts with it;
 * Spark's JVMs run the scalar loop of {@link SequenceModel#linear}).
 */
final class SimdLinear {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;

  private SimdLinear() {}

  /** x·W + b with W row-major [x.length × out]. */
  static float[] linear(float[] x, float[] w, float[] bias, int out) {
    float[] y = new float[out];
    int lanes = SPECIES.length();
    int vectorPart = SPECIES.loopBound(out);
    for (int j = 0; j < vectorPart; j += lanes) {
      FloatVector acc = FloatVector.fromArray(SPECIES, bias, j);
      for (int i = 0; i < x.length; i++) {
        acc = FloatVector.fromArray(SPECIES, w, i * out + j).fma(FloatVector.broadcast(SPECIES, x[i]), acc);
      }
      acc.intoArray(y, j);
    }
    for (int j = vectorPart; j < out; j++) {
      float s = bias[j];
      for (int i = 0; i < x.length; i++) {
        s += x[i] * w[i * out + j];
      }
      y[j] = s;
    }
    return y;
  }
}
