/** Thin Flink operators around {@code io.dsistream.models}: async inference, ID assignment, trie index. */
package io.dsistream.operators;
