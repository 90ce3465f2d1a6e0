/**
 * What online traffic says about the recommenders serving it: each click, cart and purchase tied
 * to the list that led to it ({@code Attribution}, a stage of the nightly job), and an experiment's
 * report, the per-variant rates with their intervals and a verdict ({@code ExperimentReport},
 * {@code bin/recflow experiments report}), with another ranking replayed on its randomised slots
 * ({@code Replay}). The statistics themselves are core's
 * ({@code io.recflow.experiment}); this package gathers their inputs from the warehouse.
 */
package io.recflow.online;
