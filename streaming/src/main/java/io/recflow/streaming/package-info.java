/**
 * The streaming job ({@code bin/recflow stream}): a Spark Structured Streaming query that
 * validates live events, keeps each user's per-item confidences in Spark's RocksDB state store,
 * and after every micro-batch writes the touched users' vectors (an exact ALS fold-in against the
 * published model) to {@code user_vectors_rt}, the accepted events to {@code events} and the
 * rejected ones to {@code events_quarantine}, each write idempotent per batch. This module also
 * builds the application jar that spark-submit runs for every recflow job.
 */
package io.recflow.streaming;
