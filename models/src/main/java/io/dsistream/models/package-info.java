/**
 * Everything neural and everything pure-Java about document IDs: encoders, quantizers, the ID decoder,
 * beam search over the docid trie, evaluation metrics and baselines. No Flink dependency: every class
 * here is usable from a unit test, a batch evaluator and an operator alike.
 */
package io.dsistream.models;
