/**
 * Publishing model versions: the gate (ALS must beat popularity on the configured metric) and the
 * registry's writes to {@code models}: claiming a version number transactionally, recording an
 * outcome, and an operator's publish or rollback in one commit. Reads of the table are
 * {@code io.recflow.spark.ModelTable}'s.
 */
package io.recflow.publish;
