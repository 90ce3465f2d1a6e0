/**
 * The streaming job ({@code bin/recflow stream}): a Spark Structured Streaming query that
 * validates live events, keeps each user's per-item confidences in Spark's RocksDB state store,
 * and after every micro-batch writes the touched users' vectors (an exact ALS fold-in against the
 * published model) to {@code user_vectors_rt}, the accepted events to {@code events} and the
 * rejected ones to {@code events_quarantine}, each write idempotent per batch. Events are read and
 * validated by core's one JSON reader and validator, and a user's state is core's interest state,
 * so the stream computes what the nightly job and the server compute.
 */
package io.recflow.streaming;
