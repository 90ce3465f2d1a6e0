/**
 * What the analyst notebooks under {@code notebooks/} call: {@link io.recflow.notebooks.AnalystSession}
 * opens a warehouse as SQL views in the kernel's JVM, and {@link io.recflow.notebooks.Charts} turns
 * query results into pictures. The notebooks themselves, the kernel installer and the headless
 * runner live beside this module's pom.
 */
package io.recflow.notebooks;
