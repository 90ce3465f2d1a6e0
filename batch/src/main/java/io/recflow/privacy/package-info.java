/**
 * Erasure of a person's data: tombstones ({@code erasures}) applied to every warehouse table that
 * holds a user id, to the landing files and to the stream's seed; the nightly VACUUM that makes the
 * erasure physical; and the audit of it, which holds no personal data. The stream and the server
 * apply the same tombstones to their own state.
 */
package io.recflow.privacy;
