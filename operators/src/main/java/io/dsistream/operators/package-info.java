/**
 * Thin Flink operators around {@code io.dsistream.models}: async inference, ID assignment, trie index, balance
 * monitor. {@link io.dsistream.operators.OperatorUids} holds every stateful or async operator's uid, which never
 * changes once released (savepoints map state to operators by it).
 */
package io.dsistream.operators;
