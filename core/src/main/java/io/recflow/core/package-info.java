/**
 * The Spark-free domain of recflow, shared by the nightly, streaming and serving sides: table and
 * column names, typed configuration, event validation, the user-interest weighting and a user's
 * interest state, the exact ALS fold-in and its explanations, top-k scoring, diversity re-ranking,
 * ranking metrics, and durable landing files for live events. Anything here must give the same answer wherever it runs, so that the
 * streaming job and the server compute exactly what the nightly job computed.
 */
package io.recflow.core;
