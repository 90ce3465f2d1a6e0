/**
 * The recommendation server's data side, without Spark: {@link io.recflow.serving.DeltaReader}
 * reads the warehouse with Delta Kernel, {@link io.recflow.serving.SnapshotLoader} copies the
 * newest published model into a RocksDB directory, {@link io.recflow.serving.ModelSnapshot}
 * serves top-k from it, and {@link io.recflow.serving.RecServer} is the HTTP API (Javalin; its
 * first routes: health and a user's recommendations).
 */
package io.recflow.serving;
