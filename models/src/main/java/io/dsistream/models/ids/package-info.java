/**
 * Document IDs as sequences of codes: the ID vocabulary, the docid trie, trie-constrained beam search,
 * ID construction for the DSI baselines and the balance report of an ID assignment.
 */
package io.dsistream.models.ids;
