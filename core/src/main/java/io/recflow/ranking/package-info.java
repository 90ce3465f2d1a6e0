/**
 * The two-stage ranking pipeline, one implementation shared by the server and the offline
 * evaluator: candidate sources retrieve items for a user ({@code CandidateSource} and its six
 * kinds), {@code Features} describes each (user, candidate) pair the same way everywhere, a learned
 * {@code Ranker} (an XGBoost LambdaMART model scored in plain Java by {@code TreeEnsemble}) orders
 * them, {@code Exploration} gives a share of the list to new items, {@code ListRules} applies the
 * business rules, diversity and paging, and {@code Randomisation} (the server's alone) draws one slot
 * of a share of lists at random, so that other rankers can be judged on the traffic later. The
 * inputs are plain arrays and matrices
 * ({@code ItemSignals}, {@code UserSignals}) that the nightly job fills from Delta tables and the
 * server from its snapshot, so what is evaluated is what is served.
 */
package io.recflow.ranking;
