/**
 * The {@code bin/recflow} command line for the Spark jobs (and the main class of the application
 * jar): one picocli command per job, batch, ingest, eval, tune, recommend, models, generate and
 * config. Commands parse options and print results; the work is done by the other packages.
 */
package io.recflow.cli;
