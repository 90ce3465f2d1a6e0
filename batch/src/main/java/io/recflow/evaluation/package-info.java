/**
 * Offline evaluation: deterministic train/test splits (stratified, chronological), ALS against
 * popularity, random and the content hybrid on the same users and catalogue, the cold-item
 * protocols, and the results as stored in {@code eval_runs} and printed by {@code recflow eval}.
 */
package io.recflow.evaluation;
