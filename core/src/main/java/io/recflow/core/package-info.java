/**
 * The Spark-free domain of recflow, shared by the nightly, streaming and serving sides: the
 * warehouse contract (every table's definition, {@code Tables}, and the typed model parameters
 * stored with each version, {@code ModelParams}), typed configuration, the one JSON event reader
 * and the event validator, the user-interest weighting and a user's interest state, the exact ALS
 * fold-in and its explanations, top-k scoring, diversity re-ranking, ranking metrics, the
 * synthetic shop, and durable landing files for live events. Anything here must give the same
 * answer wherever it runs, so that the streaming job and the server compute exactly what the
 * nightly job computed.
 */
package io.recflow.core;
