package io.recflow.evaluation;

/**
 * One figure of an offline evaluation, as stored in {@code eval_runs}.
 *
 * @param protocol how the data was split: stratified or chronological
 * @param model als, popularity or random
 * @param metric precision, recall, ndcg, map, coverage or diversity
 * @param k list length
 * @param value the mean over evaluated users (coverage: over the catalog)
 */
public record EvalResult(String protocol, String model, String metric, int k, double value) {}
