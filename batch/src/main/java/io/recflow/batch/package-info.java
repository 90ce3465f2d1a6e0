/**
 * The nightly Spark side of recflow: reading and validating input, the Delta warehouse, the
 * user-interest model, ALS training, offline evaluation, model publication, and the
 * {@code bin/recflow} command line. Spark-free logic it relies on lives in {@code io.recflow.core}.
 */
package io.recflow.batch;
