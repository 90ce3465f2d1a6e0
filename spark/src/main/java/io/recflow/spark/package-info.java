/**
 * Spark plumbing shared by the nightly job, the stream and the notebooks, so that none of them
 * reaches through another: the one SparkSession recipe, the Delta warehouse (tables created and
 * appended to in the shape core's contract defines), the contract's Spark schemas, events as Spark
 * rows (core's JSON reader and validator applied to a Dataset), reads of the {@code models} table,
 * the shared command-line options and launcher.
 */
package io.recflow.spark;
