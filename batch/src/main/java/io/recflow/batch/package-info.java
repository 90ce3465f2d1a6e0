/**
 * The nightly job end to end ({@code NightlyJob}): ingest, interest model, ALS, cold-item
 * placement, similar items, popularity, evaluation, gate and publication, each stage timed and
 * logged. The stages themselves live in {@code io.recflow.ingest}, {@code io.recflow.training},
 * {@code io.recflow.evaluation} and {@code io.recflow.publish}; this package only orders them and
 * writes each model version's tables before its status changes.
 */
package io.recflow.batch;
