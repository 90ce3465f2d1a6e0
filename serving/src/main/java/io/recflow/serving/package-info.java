/**
 * The recommendation server, without Spark. {@link io.recflow.serving.ServeCommand} starts it;
 * {@link io.recflow.serving.RecServer} is the HTTP API (one route table, JSON errors). {@link
 * io.recflow.serving.DeltaReader} reads the warehouse with Delta Kernel; {@link
 * io.recflow.serving.SnapshotLoader} copies a published model into RocksDB and {@link
 * io.recflow.serving.ModelSnapshot} serves it (exact top-k: a bfloat16 scan shared by concurrent
 * requests, then float rescoring near the cut; or an IVF index for large catalogs); {@link
 * io.recflow.serving.SnapshotHolder} swaps snapshots under leases; a live overlay follows the
 * streaming job's vectors and new events; posted events are group-committed to the stream's landing
 * directory, and each list shown is recorded there as an exposure ({@link
 * io.recflow.serving.ExposureRecorder}) before it is answered.
 */
package io.recflow.serving;
