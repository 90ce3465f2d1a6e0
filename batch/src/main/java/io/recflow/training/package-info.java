/**
 * What the nightly job learns: the per-(user, item) confidences (core's interest state, built the
 * way the stream and the server build it), implicit ALS, text embeddings of items (Spark NLP),
 * the ridge projection that places cold items by their text, similar items and popularity.
 */
package io.recflow.training;
