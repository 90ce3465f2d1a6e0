/**
 * Online experiments, without Spark: the experiment plan read from its JSON file and checked at
 * start-up ({@code ExperimentPlan}, {@code Experiment}, {@code Variant}), sticky assignment of users
 * to variants by a salted hash ({@code Assignment}), the exposure a server records for each list it
 * shows ({@code Exposure}), and the statistics the report draws its verdict from: per-user ratio
 * metrics with delta-method intervals, relative lift, the sample-ratio check and the verdict
 * ({@code RatioMetric}, {@code Lift}, {@code SampleRatio}, {@code Distributions}, {@code Analysis}),
 * and the counterfactual estimate of another ranking on the randomised slots ({@code Counterfactual},
 * {@code ReplayPolicy}).
 */
package io.recflow.experiment;
