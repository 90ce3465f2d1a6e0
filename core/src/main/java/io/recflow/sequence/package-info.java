/**
 * The sequence model of what a user does next: a small causal Transformer over the user's newest
 * items (SASRec family, content-aware items), trained nightly by the batch module and run here in
 * plain Java, without any deep-learning library, by the server and the evaluator alike.
 * {@code SequenceParams} holds its typed hyper-parameters; {@code SequenceModel} its weights and
 * forward pass.
 */
package io.recflow.sequence;
