/**
 * The recommendation server's data side, without Spark: {@link io.recflow.serving.DeltaReader}
 * reads the warehouse with Delta Kernel, {@link io.recflow.serving.SnapshotLoader} copies the
 * newest published model into a RocksDB directory, and {@link io.recflow.serving.ModelSnapshot}
 * serves top-k from it. The HTTP layer (Javalin) is being built on top (issue 6).
 */
package io.recflow.serving;
